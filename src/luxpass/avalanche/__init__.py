"""The consortium's own chain on Avalanche: one avalanchego node per member house, validators of a
private network of its own, and the consortium's L1 running subnet-evm, whose blocks are final once
accepted. `config` holds what such a network is (its houses, keys, ports, IDs, kept in net.json),
`tools` the binaries `make avalanche` builds, `node` one house's avalanchego process, `network` the
whole network on one machine (`up`, `down`, `status`)."""
