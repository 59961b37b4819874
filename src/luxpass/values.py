"""Plain values checked before they reach the chain: product records, salts, passport ids,
32-byte hashes and addresses."""
import secrets
from datetime import date

from eth_utils import to_checksum_address

from .errors import InputError
from .gs1 import parse_gtin

MAX_FIELD_BYTES = 1024
ZERO_ADDRESS = "0x" + "00" * 20


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


def hash32_from_hex(text) -> bytes:
    value = bytes.fromhex(str(text).removeprefix("0x"))
    if len(value) != 32:
        raise ValueError(text)
    return value


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
