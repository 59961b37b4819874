"""Proving one field of a product record against its commitment, revealing nothing else.

A disclosed field is its name, value and field salt, plus the sibling hashes on the way from
its leaf to the commitment (see `luxpass.commitment`). The field salt is derived from the
record's salt by keccak, so revealing it tells nothing about the salt or the other fields,
and the siblings are salted hashes.
"""
from .commitment import _hash_pair, field_leaf, field_salt


def leaf_path(leaves: list[bytes], leaf: bytes) -> list[bytes]:
    """The siblings that fold `leaf` up to the root of `leaves`, in the tree `merkle_root` builds."""
    layer, node, proof = sorted(leaves), leaf, []
    while len(layer) > 1:
        at = layer.index(node)
        pairs = [layer[i:i + 2] for i in range(0, len(layer), 2)]
        pair = pairs[at // 2]
        if len(pair) == 2:
            proof.append(pair[1 - at % 2])
            node = _hash_pair(*pair)
        layer = [_hash_pair(*p) if len(p) == 2 else p[0] for p in pairs]
    return proof


def fold(leaf: bytes, siblings: list[bytes]) -> bytes:
    node = leaf
    for sibling in siblings:
        node = _hash_pair(node, sibling)
    return node


def record_leaves(record: dict[str, str], salt: bytes) -> dict[str, bytes]:
    return {name: field_leaf(name, value, field_salt(salt, name)) for name, value in record.items()}
