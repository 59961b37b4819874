"""A holder's proof of chosen fields of a product record ("made in Italy, calfskin"), keeping
the serial and every other field hidden.

The file holds each chosen field's value, its field salt and the sibling hashes from its leaf to
the commitment (`luxpass.proofs.merkle`), the collection and the passport id (the commitment), and
for a product issued in a batch its batch proof, so that it checks before and after the claim.
"""
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..files import read_json
from ..writes import write_json_new
from ..values import hash32_from_hex, parse_address, parse_passport_id, passport_hex
from .certificate import BatchProof, Certificate, field_leaf, field_salt, record_leaves
from .merkle import fold, leaf_path

DISCLOSURE_FORMAT = "luxpass-disclosure/1"


@dataclass(frozen=True)
class DisclosedField:
    value: str
    salt: bytes
    proof: tuple[bytes, ...]


@dataclass(frozen=True)
class Disclosure:
    chain_id: int
    collection: str
    passport_id: int
    fields: dict[str, DisclosedField]
    batch: BatchProof | None = None

    def unproven(self) -> list[str]:
        """The fields whose value, salt and proof do not lead to the passport's commitment."""
        commitment = self.passport_id.to_bytes(32, "big")
        return [name for name, f in self.fields.items()
                if fold(field_leaf(name, f.value, f.salt), list(f.proof)) != commitment]

    def to_dict(self) -> dict:
        data = {
            "format": DISCLOSURE_FORMAT,
            "chainId": self.chain_id,
            "collection": self.collection,
            "passportId": passport_hex(self.passport_id),
            "fields": {name: {"value": f.value, "salt": "0x" + f.salt.hex(),
                              "proof": ["0x" + node.hex() for node in f.proof]}
                       for name, f in self.fields.items()},
        }
        if self.batch is not None:
            data["batch"] = self.batch.to_dict()
        return data

    @classmethod
    def from_dict(cls, data) -> "Disclosure":
        if not is_disclosure(data):
            raise InputError("this is not a luxpass disclosure",
                             f"expected a JSON object with format {DISCLOSURE_FORMAT!r}")
        try:
            fields = {str(name): DisclosedField(str(f["value"]), hash32_from_hex(f["salt"]),
                                                tuple(hash32_from_hex(n) for n in f["proof"]))
                      for name, f in data["fields"].items()}
            disclosure = cls(int(data["chainId"]), parse_address(str(data["collection"]), "disclosure collection"),
                             parse_passport_id(str(data["passportId"])), fields,
                             BatchProof.from_dict(data["batch"], "disclosure") if "batch" in data else None)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InputError("the disclosure is malformed (fields need a value, a 32-byte salt and a proof)",
                             "use the disclosure file as the holder made it") from None
        if not fields:
            raise InputError("the disclosure discloses no field", "ask the holder for one made with --field")
        return disclosure

    @classmethod
    def load(cls, path) -> "Disclosure":
        return cls.from_dict(read_json(path, "disclosure"))


def is_disclosure(data) -> bool:
    return isinstance(data, dict) and data.get("format") == DISCLOSURE_FORMAT


def disclose(certificate: Certificate, names: list[str]) -> Disclosure:
    """A disclosure of the fields `names` of the certified record, and nothing else of it."""
    record = certificate.record
    if certificate.claimed_passport_id not in (None, certificate.passport_id):
        raise InputError("the certificate's record and salt do not match its passport id",
                         "use the certificate file the brand issued")
    if not names:
        raise InputError("no field to disclose", "name one or more with --field, e.g. --field made_in")
    missing = [name for name in names if name not in record]
    if missing:
        raise InputError(f"the record has no field {missing[0]!r}", f"choose among {', '.join(record)}")
    leaves = record_leaves(record, certificate.salt)
    fields = {name: DisclosedField(record[name], field_salt(certificate.salt, name),
                                   tuple(leaf_path(list(leaves.values()), leaves[name])))
              for name in dict.fromkeys(names)}
    return Disclosure(certificate.chain_id, certificate.collection, certificate.passport_id, fields,
                      certificate.batch)


def save(disclosure: Disclosure, path: Path, certificate_path: Path) -> None:
    if Path(path).resolve() == Path(certificate_path).resolve():
        raise InputError(f"{path} is the certificate itself", "pass another --out file for the disclosure")
    write_json_new(Path(path), disclosure.to_dict(), "disclosure")
