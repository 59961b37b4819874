"""The consortium's own chain: one geth node per member house, sealing Clique proof-of-authority
blocks, each house's signer key in a keystore of its own. `config` holds what a network is (its
houses, ports, genesis, net.json), `node` one house's geth process and its JSON-RPC, `network`
the whole network on one machine (`up`, `down`, the settling of forks), `health` what the nodes
say together (a stall, forks, who seals) and the watcher that heals, `house` one house's node on
a machine of its own."""
