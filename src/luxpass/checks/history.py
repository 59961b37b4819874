"""A passport's whole story from the chain: every ownership change, lifecycle event and status
change, in order, with the history head re-derived and checked against the one stored."""
from dataclasses import dataclass

from ..errors import InputError
from ..onchain.collection import Collection
from ..onchain.records import LIFECYCLE, OWNERSHIP, ZERO32, Record, block_timestamps, fetch_records, fold
from ..onchain.registry import Consortium
from ..results import cli_name
from ..spec import EventKind, Status, TransferKind
from ..values import ZERO_ADDRESS, passport_hex
from .index import PinnedBlock, pin, read_synced
from .verify import pending_state

HISTORY = "the history"


@dataclass
class HistoryEntry:
    block: int
    timestamp: int
    tx: str
    record: str
    kind: str
    by: str
    head: str
    from_: str | None = None
    to: str | None = None
    details_hash: str | None = None


@dataclass
class History:
    collection: str
    passport_id: str
    brand: str
    owner: str
    status: str
    owners: int
    resales: int
    head: str
    head_verified: bool
    entries: list
    pending_recovery: dict | None = None
    chip_claim_open: bool = False
    block: int | None = None  # the block it is read at


def history(consortium: Consortium, collection: str, passport_id: int, index=None) -> History:
    """Every ownership change, lifecycle event and status change of one passport, in order,
    with the head re-derived and checked against the chain, all read at one block (`block`): from
    the local index when one is given (synced first, and read again should a reorganisation take
    its block away meanwhile), else straight from the node's logs."""
    if index is None:
        return _history_at(consortium, collection, passport_id, None, pin(consortium.chain, reading=HISTORY))
    return read_synced(index, lambda pinned: _history_at(consortium, collection, passport_id, index, pinned),
                       HISTORY)


def _history_at(consortium: Consortium, collection: str, passport_id: int, index, pinned: PinnedBlock) -> History:
    chain, block = consortium.chain, pinned.number
    brand_id = consortium.brand_id_of(collection, block)
    if brand_id == 0:
        raise InputError(f"{collection} is not a collection of the consortium", "check the address with `luxpass brand list`")
    passports = Collection(chain, collection)
    passport = passports.passport(passport_id, block)
    owner = passports.owner_of(passport_id, block)
    if index is not None:
        records, timestamp = index.records(collection, passport_id), index.timestamp
    else:
        records = fetch_records(chain, [collection], consortium.deployment.block, block, passport_id, chunk=100_000)
        timestamp = block_timestamps(chain)
    entries, head, owners_seen, resales = [], ZERO32, set(), 0
    for record in records:
        head = fold(head, record)
        entry = _entry(record, timestamp(record.block), head)
        if entry.record == "ownership" and entry.kind not in ("mint", "custody"):
            owners_seen.add(entry.to)
            resales += entry.kind == "resale"
        entries.append(entry)
    for entry in entries:
        if entry.kind == "mint" and entry.by == ZERO_ADDRESS:  # a plain mint logs only its Transfer: no agent
            entry.by = chain.w3.eth.get_transaction(entry.tx)["from"]  # the minter sent it
    stored_head = bytes(passport["head"])
    recovery, claim_open, _ = pending_state(passports, passport_id, block)
    brand = consortium.brand(brand_id, block).name
    pinned.check(chain)
    return History(collection, passport_hex(passport_id), brand, owner, cli_name(Status(passport["status"])),
                   len(owners_seen), resales, "0x" + stored_head.hex(), head == stored_head and len(entries) == passport["records"],
                   entries, recovery, claim_open, block)


def _entry(record: Record, timestamp: int, head: bytes) -> HistoryEntry:
    """`head`: the head after this record, as re-derived."""
    common = dict(block=record.block, timestamp=timestamp, tx=record.tx, head="0x" + head.hex(), by=record.actor)
    if record.type == OWNERSHIP:
        return HistoryEntry(record="ownership", kind=cli_name(TransferKind(record.kind)), from_=record.source,
                            to=record.target, **common)
    if record.type == LIFECYCLE:
        return HistoryEntry(record="lifecycle", kind=cli_name(EventKind(record.kind)),
                            details_hash="0x" + record.details.hex(), **common)
    return HistoryEntry(record="status", kind=cli_name(Status(record.kind)), **common)
