"""The on-chain layer: the registry, brand collections, cases, signed messages, chips and the
records the contracts log. Every contract call goes through these objects."""
