"""The one Merkle tree of luxpass: leaves sorted, pairs hashed sorted (OpenZeppelin's MerkleProof
convention), an odd node carried up a level unchanged. A product record's commitment is the root
of its field leaves (`luxpass.proofs.certificate`); a batch's root is the root of its products'
leaves and padding, a perfect tree (`luxpass.proofs.batch`).
"""
from eth_hash.auto import keccak


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


class MerkleTree:
    """Every layer of the tree of `leaves`, from the sorted leaves up to the root."""

    def __init__(self, leaves: list[bytes]):
        layer = sorted(leaves)
        self._position = {leaf: i for i, leaf in enumerate(layer)}
        self.layers = [layer]
        while len(layer) > 1:
            carried = [layer[-1]] if len(layer) % 2 else []
            layer = [hash_pair(layer[i], layer[i + 1]) for i in range(0, len(layer) - 1, 2)] + carried
            self.layers.append(layer)

    @property
    def root(self) -> bytes:
        return self.layers[-1][0]

    def path(self, leaf: bytes) -> list[bytes]:
        """The siblings that fold `leaf` up to the root (none where its node is carried up)."""
        index, siblings = self._position[leaf], []
        for layer in self.layers[:-1]:
            if index ^ 1 < len(layer):
                siblings.append(layer[index ^ 1])
            index >>= 1
        return siblings


def merkle_root(leaves: list[bytes]) -> bytes:
    return MerkleTree(leaves).root


def leaf_path(leaves: list[bytes], leaf: bytes) -> list[bytes]:
    """The siblings that fold `leaf` up to the root of `leaves`."""
    return MerkleTree(leaves).path(leaf)


def fold(leaf: bytes, siblings: list[bytes]) -> bytes:
    """What `MerkleProof.processProof(siblings, leaf)` computes: the root the path leads to."""
    node = leaf
    for sibling in siblings:
        node = hash_pair(node, sibling)
    return node
