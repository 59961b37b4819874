"""What luxpass keeps on this machine of what it did on chain: the serial ledger, owner
certificates, deployment records and Safe transaction files. A layer above `onchain/`, which
reads and writes the chain only and never imports this package (pyproject's import-linter
contract); the CLI and the jobs write local files through it."""
