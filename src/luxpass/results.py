"""Small result records that print as text or as JSON."""
import dataclasses
import enum
from datetime import datetime, timezone


def to_jsonable(value):
    if hasattr(value, "as_json"):  # a result that says itself how it prints
        return to_jsonable(value.as_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def cli_name(member: enum.Enum) -> str:
    return member.name.lower().replace("_", "-")


def from_cli_name(enum_type, text: str):
    key = text.strip().upper().replace("-", "_")
    return enum_type[key]


def utc(timestamp: int) -> str:
    """A Unix time as people read it: `2026-12-01 23:15:00 UTC`."""
    return datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
