"""Plain values checked before they reach the chain: product records, salts, passport ids,
32-byte hashes and addresses."""
import ipaddress
import re
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
    """Fields with a known format by their name are checked wherever a record is read: `gtin` (its
    GS1 check digit) and dates (`date` or `*_date`, as YYYY-MM-DD)."""
    lowered = name.lower()
    if lowered == "gtin":
        check_field(name, value, "gtin")
    elif lowered == "date" or lowered.endswith("_date"):
        check_field(name, value, "date")
    return value


FIELD_TYPES = ("text", "date", "number", "gtin")
_DATE_SHAPED = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def check_field(name: str, value: str, kind: str) -> str:
    """`value` checked as a field of type `kind` (one of FIELD_TYPES)."""
    if kind == "gtin":
        parse_gtin(value)
    elif kind == "date":
        try:
            if len(value) != 10:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise InputError(f"record field {name!r} is {value!r}, not a date YYYY-MM-DD",
                             "write it as e.g. 2026-03-14") from None
    elif kind == "number" and not (value.isascii() and _NUMBER.fullmatch(value)):
        raise InputError(f"record field {name!r} is {value!r}, not a number",
                         "write it with digits and a decimal point, e.g. 3400 or 3400.50")
    return value


def check_new_record(record: dict[str, str], types: dict[str, str] | None = None) -> dict[str, str]:
    """A record about to be committed for good, checked by its product schema: each field's
    declared type (`types`, e.g. a CSV header's `made_on:date`), else the type its name implies;
    and a value written as a date (YYYY-MM-DD) must be a real one, whatever the field's name."""
    for name, value in record.items():
        kind = (types or {}).get(name) or ("date" if _DATE_SHAPED.fullmatch(value) else "text")
        check_known_format(name, value)
        check_field(name, value, kind)
    return record


def parse_declared_column(column: str) -> tuple[str, str | None]:
    """A column name with its declared type, `made_on:date` (or just `made_on`), as (name, type)."""
    name, sep, kind = column.rpartition(":")
    if not sep:
        return column.strip(), None
    if kind.strip() not in FIELD_TYPES:
        raise InputError(f"column {column!r} declares the type {kind.strip()!r}, which luxpass does not know",
                         f"declare one of {', '.join(FIELD_TYPES)} after the name, e.g. made_on:date")
    return name.strip(), kind.strip()


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


def check_node_addresses(hosts: tuple[str, ...], houses: int) -> None:
    """`--address` of a network's houses: none (every node on 127.0.0.1), or one IPv4 address per
    house, in the order of the houses."""
    if hosts and len(hosts) != houses:
        raise InputError(f"{len(hosts)} --address for {houses} houses",
                         "give one --address per house, in the order of the houses, or none (all on 127.0.0.1)")
    for host in hosts:
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise InputError(f"--address {host!r} is not an IPv4 address", "pass one like 10.0.0.15") from None
