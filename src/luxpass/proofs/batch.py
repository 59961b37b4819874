"""The Merkle tree of a production batch, whose root a brand commits in one transaction.

A product's leaf is `keccak256(bytes.concat(keccak256(abi.encode(commitment))))` and pairs are
hashed sorted, as OpenZeppelin's MerkleProof verifies them in `BrandPassport.claim`.

A proof's length is the tree's depth, and proofs go on chain in claim calldata, so the batch
is padded with dummy leaves to 2**depth leaves: every proof of every batch up to that size has
the same length. A dummy leaf is keccak256(seed, i) of a secret seed kept in the issue job:
without the seed it cannot be told from a product's leaf, and having no commitment behind it,
nobody can claim it. The leaves are sorted before pairing, which scatters the products among the
dummies, so that the paths of claimed products do not reveal how far the batch reaches either.
"""
from eth_hash.auto import keccak

from ..errors import InputError
from .certificate import BatchProof
from .merkle import MerkleTree, fold

DEFAULT_DEPTH = 16  # 65,536 leaves
MAX_DEPTH = 20  # the padding of a batch of up to about a million products


def batch_leaf(commitment: bytes) -> bytes:
    # abi.encode of a bytes32 is the 32 bytes themselves.
    return keccak(keccak(commitment))


def padded_depth(size: int, depth: int = DEFAULT_DEPTH) -> int:
    """The depth of the tree of `size` products: `depth`, or more for a larger batch."""
    return max(depth, (size - 1).bit_length())


def padding_leaves(seed: bytes, count: int) -> list[bytes]:
    return [keccak(seed + i.to_bytes(32, "big")) for i in range(count)]


class BatchTree:
    """The products' commitments and the padding, as one perfect tree of sorted leaves."""

    def __init__(self, commitments: list[bytes], seed: bytes, depth: int = DEFAULT_DEPTH):
        if not commitments:
            raise InputError("a batch needs at least one product", "pass a CSV with one product per line")
        self.size = len(commitments)
        self.depth = padded_depth(self.size, depth)
        leaves = [batch_leaf(c) for c in commitments]
        if len(set(leaves)) != len(leaves):
            raise InputError("two products of the batch have the same commitment", "give each product its own salt")
        self.tree = MerkleTree(leaves + padding_leaves(seed, 2**self.depth - self.size))
        self.layers = self.tree.layers
        self._products = set(leaves)

    @property
    def root(self) -> bytes:
        return self.tree.root

    def proof(self, commitment: bytes) -> BatchProof:
        leaf = batch_leaf(commitment)
        if leaf not in self._products:
            raise InputError(f"0x{commitment.hex()} is not a product of this batch", "use the batch's own certificates")
        return BatchProof(self.root, tuple(self.tree.path(leaf)))


def proves(batch: BatchProof, commitment: bytes) -> bool:
    """What `MerkleProof.verify(proof, root, leaf)` answers for this product."""
    return fold(batch_leaf(commitment), list(batch.proof)) == batch.root
