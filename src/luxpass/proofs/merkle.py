"""The Merkle trees of luxpass: leaves sorted, pairs hashed sorted (OpenZeppelin's MerkleProof
convention), an odd node carried up a level unchanged. A product record's commitment is the root
of its field leaves (`luxpass.proofs.certificate`); a batch's root is the root of its products'
leaves (`luxpass.proofs.batch`).
"""
from eth_hash.auto import keccak


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def merkle_root(leaves: list[bytes]) -> bytes:
    layer = sorted(leaves)
    while len(layer) > 1:
        nxt = [hash_pair(layer[i], layer[i + 1]) for i in range(0, len(layer) - 1, 2)]
        if len(layer) % 2:
            nxt.append(layer[-1])
        layer = nxt
    return layer[0]


def leaf_path(leaves: list[bytes], leaf: bytes) -> list[bytes]:
    """The siblings that fold `leaf` up to the root of `leaves`, in the tree `merkle_root` builds."""
    layer, node, proof = sorted(leaves), leaf, []
    while len(layer) > 1:
        at = layer.index(node)
        pairs = [layer[i:i + 2] for i in range(0, len(layer), 2)]
        pair = pairs[at // 2]
        if len(pair) == 2:
            proof.append(pair[1 - at % 2])
            node = hash_pair(*pair)
        layer = [hash_pair(*p) if len(p) == 2 else p[0] for p in pairs]
    return proof


def fold(leaf: bytes, siblings: list[bytes]) -> bytes:
    node = leaf
    for sibling in siblings:
        node = hash_pair(node, sibling)
    return node
