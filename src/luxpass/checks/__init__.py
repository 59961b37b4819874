"""Reading the chain to answer questions: verify, history, index, audit, screen, resales."""
