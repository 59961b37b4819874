"""The link a product's QR code carries, and its proof checked offline (`luxpass.checks.link`
checks it against the chain).

    https://<resolver>/01/<GTIN-14>/21/<serial>?c=<collection>&k=<proof>

The GTIN and serial are the GS1 Digital Link of the item, as printed on it. `c` is the brand's
collection. `k` proves that this serial and GTIN are the ones the passport commits to: the field
salts of the record's `serial` and `gtin` fields and the sibling hashes from their leaves to the
commitment (`luxpass.proofs.merkle`). The passport id is that commitment, so the link need not carry
it: whoever changes the serial, the GTIN or the proof lands on a passport that does not exist.
Neither the record's salt nor any other field is in the link.

Proof layout, base64url without padding: version (1 byte) | digits of the GTIN as written in
the record (1) | number of serial siblings (1) | serial field salt (32) | GTIN field salt (32) |
serial siblings (32 each) | GTIN siblings (32 each), the GTIN's path stopping where it joins
the serial's.
"""
import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import segno

from ..errors import InputError
from ..gs1 import GTIN_LENGTHS, DigitalLink, build_link, is_gtin
from ..values import parse_address
from .certificate import Certificate, field_leaf, field_salt, record_leaves
from .merkle import fold, leaf_path

PROOF_VERSION = 1
SERIAL_FIELD, GTIN_FIELD = "serial", "gtin"
_HEADER = 3 + 32 + 32


def link_for(certificate: Certificate, resolver: str) -> DigitalLink:
    """The Digital Link of a certified product, with the proof of its serial and GTIN."""
    record = certificate.record
    if certificate.claimed_passport_id not in (None, certificate.passport_id):
        raise InputError("the certificate's record and salt do not match its passport id",
                         "use the certificate file the brand issued")
    gtin = record.get(GTIN_FIELD)
    if gtin is None:
        raise InputError("the certificate's record has no gtin field, which a GS1 Digital Link needs",
                         "mint the product with its GTIN, e.g. --field gtin=03701234500011")
    if not is_gtin(gtin):
        raise InputError(f"the record's gtin {gtin!r} is not a valid GTIN", "the brand must fix its product record")
    leaves = record_leaves(record, certificate.salt)
    serial_path = leaf_path(list(leaves.values()), leaves[SERIAL_FIELD])
    gtin_path = _path_to_join(list(leaves.values()), leaves[GTIN_FIELD], serial_path)
    proof = (bytes([PROOF_VERSION, len(gtin), len(serial_path)])
             + field_salt(certificate.salt, SERIAL_FIELD) + field_salt(certificate.salt, GTIN_FIELD)
             + b"".join(serial_path) + b"".join(gtin_path))
    return build_link(resolver, gtin, record[SERIAL_FIELD],
                      {"c": certificate.collection, "k": base64.urlsafe_b64encode(proof).rstrip(b"=").decode()})


def _path_to_join(leaves: list[bytes], leaf: bytes, serial_path: list[bytes]) -> list[bytes]:
    """The siblings of `leaf` up to the node that is itself a sibling on the serial's path."""
    path, node = leaf_path(leaves, leaf), leaf
    for taken, sibling in enumerate(path):
        if node in serial_path:
            return path[:taken]
        node = fold(node, [sibling])
    return path


@dataclass(frozen=True)
class ProvenLink:
    """What a link proves by itself, before asking the chain."""

    gtin: str
    serial: str
    collection: str
    passport_id: int
    gtin_matches: bool


def read_link(link: DigitalLink) -> ProvenLink:
    """Check a link's proof offline: the passport id its serial leads to, and whether its
    GTIN is committed alongside. A malformed link raises InputError."""
    collection = parse_address(link.query.get("c", ""), "the link's collection (c)")
    proof = _decode_proof(link.query.get("k", ""))
    if (len(proof) < _HEADER or proof[0] != PROOF_VERSION or (len(proof) - _HEADER) % 32
            or proof[2] * 32 > len(proof) - _HEADER):
        raise InputError("the link's proof (k) is not a luxpass proof", "scan the code on the product again")
    digits, serial_count = proof[1], proof[2]
    siblings = [proof[i:i + 32] for i in range(_HEADER, len(proof), 32)]
    serial_leaf = field_leaf(SERIAL_FIELD, link.serial, proof[3:35])
    root = fold(serial_leaf, siblings[:serial_count])
    record_gtin = link.gtin[-digits:] if digits in GTIN_LENGTHS else ""
    gtin_node = fold(field_leaf(GTIN_FIELD, record_gtin, proof[35:67]), siblings[serial_count:])
    gtin_matches = (bool(record_gtin) and link.gtin == record_gtin.zfill(14)
                    and gtin_node in siblings[:serial_count])
    return ProvenLink(link.gtin, link.serial, collection, int.from_bytes(root, "big"), gtin_matches)


def _decode_proof(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise InputError("the link's proof (k) is not base64url", "scan the code on the product again") from None


SVG_SCALE, PNG_SCALE = 4, 8  # pixels per module


@dataclass
class QrCode:
    svg: Path
    png: Path
    version: int  # the smallest QR version that holds the link at error level M
    modules: int  # modules per side, quiet zone excluded


def write_qr(uri: str, stem: Path) -> QrCode:
    """The QR code of `uri` as `<stem>.svg` and `<stem>.png`: the smallest version that holds the
    link with error correction M (about 15 % of the code can be smudged and still read)."""
    code = segno.make(uri, error="m", micro=False, boost_error=False)
    svg, png = stem.with_name(stem.name + ".svg"), stem.with_name(stem.name + ".png")
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        code.save(svg, scale=SVG_SCALE, border=4, title="Product passport: " + uri)
        code.save(png, scale=PNG_SCALE, border=4)
    except OSError as exc:
        raise InputError(f"cannot write the QR code to {stem.parent}: {exc.strerror}",
                         "pass --out in a writable folder") from None
    return QrCode(svg, png, int(code.version), code.symbol_size(border=0)[0])


def is_local(resolver: str) -> bool:
    """A resolver only this machine reaches: a phone scanning the code cannot open it."""
    host = (urlsplit(resolver).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".local") or host == "0.0.0.0"
