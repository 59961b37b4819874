"""Small result records that print as text or as JSON."""
import dataclasses
import enum


def to_jsonable(value):
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


class BrandStatus(enum.IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REMOVED = 3


class ProposalKind(enum.IntEnum):
    ADMIT = 0
    SUSPEND = 1
    REINSTATE = 2
    REMOVE = 3
    ACCREDIT = 4
    REVOKE = 5


class ProposalState(enum.IntEnum):
    NONE = 0
    OPEN = 1
    EXECUTED = 2
    DEFEATED = 3
    EXPIRED = 4


class Accreditation(enum.IntEnum):
    RESELLER = 0
    MARKETPLACE = 1
    AUDITOR = 2


class Status(enum.IntEnum):
    ACTIVE = 0
    LOST = 1
    STOLEN = 2
    DESTROYED = 3


class EventKind(enum.IntEnum):
    MANUFACTURED = 0
    QUALITY_CHECKED = 1
    SHIPPED = 2
    RECEIVED_IN_STORE = 3
    SOLD = 4
    SERVICED = 5
    REPAIRED = 6
    BRAND_DEFINED = 7


class TransferKind(enum.IntEnum):
    MINT = 0
    CUSTODY = 1
    FIRST_SALE = 2
    PRIVATE_TRANSFER = 3
    RESALE = 4
    RECOVERY = 5
    CHIP_CLAIM = 6


def cli_name(member: enum.Enum) -> str:
    return member.name.lower().replace("_", "-")


def from_cli_name(enum_type, text: str):
    key = text.strip().upper().replace("-", "_")
    return enum_type[key]


def utc(timestamp: int) -> str:
    """A Unix time as people read it: `2026-12-01 23:15:00 UTC`."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
