"""Salted commitments of product records, and the owner's certificate.

The chain stores only the commitment, which is also the passport's token id. Each field of
the record is committed on its own, so that a holder can later reveal chosen fields:

    field_salt = keccak256(abi.encode(salt, name))
    leaf       = keccak256(bytes.concat(keccak256(abi.encode(name, value, field_salt))))
    commitment = the root of the leaves, sorted, hashed in sorted pairs (OpenZeppelin's
                 MerkleProof convention); for a single field, the leaf itself.

A certificate of a product issued in a batch (`luxpass.batch_issue`) also holds the batch's
Merkle root and the product's proof to it, until the passport is claimed at the first sale.
"""
import json
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from .errors import InputError

CERTIFICATE_FORMAT = "luxpass-certificate/1"
MAX_FIELD_BYTES = 1024


def normalize_record(record) -> dict[str, str]:
    """A product record: a flat mapping of field names to text values, with a serial."""
    if not isinstance(record, dict) or not record:
        raise InputError("a product record must be a non-empty JSON object of fields", "e.g. {\"serial\": \"AB123\", \"model\": \"Tote\"}")
    out = {}
    for name, value in record.items():
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"record field name {name!r} is empty or not text", "name every field")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InputError(f"record field {name!r} must be text or a number, not {type(value).__name__}", "flatten the record")
        text = str(value).strip()
        if len(text.encode()) > MAX_FIELD_BYTES:
            raise InputError(f"record field {name!r} is longer than {MAX_FIELD_BYTES} bytes", "shorten it")
        out[name.strip()] = check_known_format(name.strip(), text)
    if not out.get("serial"):
        raise InputError("the product record has no serial", "add a non-empty `serial` field")
    return dict(sorted(out.items()))


def check_known_format(name: str, value: str) -> str:
    """Fields with a known format are checked before anything is sent, while they can still be
    fixed: `gtin` (its GS1 check digit) and dates (`date` or `*_date`, as YYYY-MM-DD)."""
    from datetime import date

    from .gs1 import parse_gtin

    if name.lower() == "gtin":
        parse_gtin(value)
    elif name.lower() == "date" or name.lower().endswith("_date"):
        try:
            date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        except ValueError:
            raise InputError(f"record field {name!r} is {value!r}, not a date YYYY-MM-DD",
                             "write it as e.g. 2026-03-14") from None
    return value


def new_salt() -> bytes:
    return secrets.token_bytes(32)


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


def _hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def merkle_root(leaves: list[bytes]) -> bytes:
    layer = sorted(leaves)
    while len(layer) > 1:
        nxt = [_hash_pair(layer[i], layer[i + 1]) for i in range(0, len(layer) - 1, 2)]
        if len(layer) % 2:
            nxt.append(layer[-1])
        layer = nxt
    return layer[0]


def commitment(record: dict[str, str], salt: bytes) -> bytes:
    leaves = [field_leaf(name, value, field_salt(salt, name)) for name, value in record.items()]
    return merkle_root(leaves)


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


def hash32_from_hex(text) -> bytes:
    value = bytes.fromhex(str(text).removeprefix("0x"))
    if len(value) != 32:
        raise ValueError(text)
    return value


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


def passport_hex(passport_id: int) -> str:
    return "0x" + passport_id.to_bytes(32, "big").hex()


def parse_passport_id(text: str) -> int:
    text = str(text).strip()
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise InputError(f"{text!r} is not a passport id", "pass the 0x-prefixed 64-digit id or its decimal value") from None
    if not 0 < value < 2**256:
        raise InputError(f"{text!r} is out of range for a passport id", "pass the 0x-prefixed 64-digit id")
    return value


def parse_address(text: str, what: str = "address") -> str:
    text = str(text).strip()
    body = text.removeprefix("0x")
    if len(body) != 40 or not text.startswith("0x") or any(c not in "0123456789abcdefABCDEF" for c in body):
        raise InputError(f"{what} {text!r} is not an address", "pass 0x followed by 40 hex digits")
    checksummed = to_checksum_address(text)
    if body != body.lower() and body != body.upper() and text != checksummed:  # EIP-55
        raise InputError(f"{what} {text} has a bad checksum", "check it for a typo against where you copied it from")
    return checksummed


MAX_SMALL_JSON_BYTES = 1024 * 1024  # a certificate, consent, record or disclosure is a few kilobytes
LARGE_JSON = {"job", "serial ledger", "audit report", "deployment"}  # these grow with the products


def read_json(path, what: str):
    """A JSON file, size-capped before it is read: 1 MiB but for the files in LARGE_JSON."""
    try:
        if what not in LARGE_JSON and Path(path).stat().st_size > MAX_SMALL_JSON_BYTES:
            raise InputError(f"{what} file {path} is larger than {MAX_SMALL_JSON_BYTES // 1024} KiB, "
                             f"too large to be a {what}", "pass the file luxpass wrote")
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} file {path} is not UTF-8 text", "fix or replace the file") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep to be one of ours
        raise InputError(f"{what} file {path} is not valid JSON (line {getattr(exc, 'lineno', '?')})", "fix or replace the file") from None


def write_json_new(path: Path, data, what: str = "file") -> None:
    """Write `data` to `path` only if nothing is there: a signed or salted file is never overwritten."""
    if Path(path).exists():
        raise InputError(f"{what} {path} already exists and would be lost",
                         "pass another path, or move the old file away first")
    write_json_atomic(Path(path), data)


def write_json_atomic(path: Path, data, durable: bool = True) -> None:
    """Write whole or not at all; `durable` also waits until it is on disk (files that a job can
    write again after a crash need not)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}", "pass a path in a writable folder") from None
