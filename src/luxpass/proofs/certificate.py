"""Salted commitments of product records, and the owner's certificate.

The chain stores only the commitment, which is also the passport's token id. Each field of
the record is committed on its own, so that a holder can later reveal chosen fields:

    field_salt = keccak256(abi.encode(salt, name))
    leaf       = keccak256(bytes.concat(keccak256(abi.encode(name, value, field_salt))))
    commitment = the root of the leaves, sorted, hashed in sorted pairs (OpenZeppelin's
                 MerkleProof convention); for a single field, the leaf itself.

A certificate of a product issued in a batch (`luxpass.jobs.batch_issue`) also holds the batch's
Merkle root and the product's proof to it, until the passport is claimed at the first sale.
"""
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from eth_hash.auto import keccak

from ..errors import InputError
from ..files import read_json
from ..writes import write_json_new
from ..values import hash32_from_hex, normalize_record, parse_address, parse_passport_id, passport_hex
from .merkle import merkle_root

CERTIFICATE_FORMAT = "luxpass-certificate/1"


def field_salt(salt: bytes, name: str) -> bytes:
    """keccak256(abi.encode(salt, name)), encoded by hand: it runs for every field of every product."""
    return keccak(salt + _WORD_64 + abi_string(name))


def field_leaf(name: str, value: str, fsalt: bytes) -> bytes:
    """keccak256(bytes.concat(keccak256(abi.encode(name, value, fsalt)))), encoded by hand."""
    encoded_name = abi_string(name)
    head = _WORD_96 + (96 + len(encoded_name)).to_bytes(32, "big") + fsalt
    return keccak(keccak(head + encoded_name + abi_string(value)))


_WORD_64, _WORD_96 = (64).to_bytes(32, "big"), (96).to_bytes(32, "big")


def abi_string(text: str) -> bytes:
    """The tail of a string in `abi.encode`: its length, then its UTF-8 bytes padded to 32."""
    data = text.encode()
    return len(data).to_bytes(32, "big") + data + bytes(-len(data) % 32)


def record_leaves(record: dict[str, str], salt: bytes) -> dict[str, bytes]:
    return {name: field_leaf(name, value, field_salt(salt, name)) for name, value in record.items()}


def commitment(record: dict[str, str], salt: bytes) -> bytes:
    return merkle_root(list(record_leaves(record, salt).values()))


@dataclass(frozen=True)
class BatchProof:
    """A product's membership of a committed batch: the batch's root and the sibling hashes from
    the product's leaf to it."""

    root: bytes
    proof: tuple[bytes, ...]

    def to_dict(self) -> dict:
        return {"root": "0x" + self.root.hex(), "proof": ["0x" + node.hex() for node in self.proof]}

    @classmethod
    def from_dict(cls, data, what: str) -> "BatchProof":
        try:
            root = hash32_from_hex(data["root"])
            proof = tuple(hash32_from_hex(node) for node in data["proof"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"the {what}'s batch proof is malformed (a root and a list of 32-byte hex hashes)",
                             f"use the {what} file as it was issued") from None
        return cls(root, proof)


@dataclass(frozen=True)
class Certificate:
    """What the owner holds: enough to prove the product against the chain."""

    chain_id: int
    collection: str
    record: dict
    salt: bytes
    claimed_passport_id: int | None = None  # the id written in a loaded certificate file
    batch: BatchProof | None = None  # a product of a committed batch, claimed at its first sale

    @cached_property
    def commitment(self) -> bytes:
        return commitment(self.record, self.salt)

    @property
    def passport_id(self) -> int:
        return int.from_bytes(self.commitment, "big")

    def to_dict(self) -> dict:
        data = {
            "format": CERTIFICATE_FORMAT,
            "chainId": self.chain_id,
            "collection": self.collection,
            "passportId": passport_hex(self.passport_id),
            "record": self.record,
            "salt": "0x" + self.salt.hex(),
        }
        if self.batch is not None:
            data["batch"] = self.batch.to_dict()
        return data

    def save(self, path: Path) -> None:
        """Write the certificate to a new file: an existing one (and its salt) is never replaced."""
        write_json_new(Path(path), self.to_dict(), "certificate")

    @classmethod
    def from_dict(cls, data) -> "Certificate":
        if not isinstance(data, dict) or data.get("format") != CERTIFICATE_FORMAT:
            raise InputError("this is not a luxpass owner certificate", f"expected a JSON object with format {CERTIFICATE_FORMAT!r}")
        try:
            salt = bytes.fromhex(str(data["salt"]).removeprefix("0x"))
            chain_id = int(data["chainId"])
            collection = parse_address(str(data["collection"]), "certificate collection")
            claimed = parse_passport_id(str(data["passportId"]))
        except KeyError as exc:
            raise InputError(f"the certificate has no {exc.args[0]!r}", "use the certificate file the brand issued") from None
        except (ValueError, TypeError, OverflowError):
            raise InputError("the certificate's salt is not hex, or its chain id not a number",
                             "use the certificate file the brand issued") from None
        if len(salt) != 32:
            raise InputError("the certificate's salt is not 32 bytes", "use the certificate file the brand issued")
        batch = BatchProof.from_dict(data["batch"], "certificate") if "batch" in data else None
        return cls(chain_id, collection, normalize_record(data.get("record")), salt, claimed, batch)

    @classmethod
    def load(cls, path) -> "Certificate":
        return cls.from_dict(read_json(path, "certificate"))
