"""The chain layer: JSON-RPC to one node, contract artifacts and decoded reverts, accounts and
keystores, the local node and the consortium's own network."""
