"""Off-chain proofs: the Merkle tree, the owner's certificate, batches, disclosures and the passport
link."""
