"""A local SQLite index of every collection's records, synced from the chain in chunked
`eth_getLogs` calls, resumable, and aware of reorgs and of a node restarted on another chain
through the block hashes it keeps."""
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from ..chain import rpc
from ..chain.accounts import home
from ..errors import LuxpassError
from ..onchain.records import Record, fetch_records
from ..onchain.registry import Consortium

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, timestamp INTEGER);
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL, token_id TEXT NOT NULL, block INTEGER NOT NULL, log_index INTEGER NOT NULL,
    tx TEXT NOT NULL, block_hash TEXT NOT NULL, type INTEGER NOT NULL, kind INTEGER NOT NULL, actor TEXT NOT NULL,
    head BLOB NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, details BLOB NOT NULL, previous INTEGER NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE INDEX IF NOT EXISTS records_by_passport ON records (collection, token_id, block, log_index);
"""
COLUMNS = "collection, token_id, block, log_index, tx, block_hash, type, kind, actor, head, source, target, " \
          "details, previous"


@dataclass
class SyncResult:
    path: str
    from_block: int
    to_block: int
    records_added: int
    rolled_back_to: int | None


class Index:
    def __init__(self, consortium: Consortium, path: Path | None = None):
        self.consortium = consortium
        chain = consortium.chain
        self.path = Path(path) if path else home() / "index" / f"{chain.chain_id}.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)
        self._check_identity()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))

    def _check_identity(self) -> None:
        """A node restarted on another chain (or a redeployed registry) starts the index afresh."""
        chain = self.consortium.chain
        genesis = chain.w3.eth.get_block(0)["hash"].hex()
        identity = f"{genesis}:{self.consortium.deployment.registry}"
        if self._meta("identity") != identity:
            with self.db:
                self.db.execute("DELETE FROM records")
                self.db.execute("DELETE FROM blocks")
                self.db.execute("DELETE FROM meta")
                self._set_meta("identity", identity)

    @property
    def synced_to(self) -> int:
        value = self._meta("synced_to")
        return int(value) if value is not None else self.consortium.deployment.block - 1

    def synced_hash(self) -> str | None:
        """The hash, as indexed, of the block the index is synced to (None if it kept none)."""
        row = self.db.execute("SELECT hash FROM blocks WHERE number = ?", (self.synced_to,)).fetchone()
        return row[0] if row else None

    def sync(self, chunk: int = 10_000, progress: Callable[[int, int], None] | None = None) -> SyncResult:
        chain = self.consortium.chain
        rolled_back = self._roll_back_forks()
        latest = chain.w3.eth.block_number
        start = self.synced_to + 1
        collections = [b.collection for b in self.consortium.brands()]
        added = 0
        for lo in range(start, latest + 1, chunk):
            hi = min(lo + chunk - 1, latest)
            records = fetch_records(chain, collections, lo, hi)
            end_hash = chain.w3.eth.get_block(hi)["hash"].hex().removeprefix("0x")  # as _hash_at compares
            with self.db:
                self.db.executemany(f"INSERT OR REPLACE INTO records ({COLUMNS}) VALUES "
                                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [_row(r) for r in records])
                self.db.executemany("INSERT OR IGNORE INTO blocks (number, hash) VALUES (?, ?)",
                                    {(r.block, r.block_hash.removeprefix("0x")) for r in records} | {(hi, end_hash)})
                self._set_meta("synced_to", hi)
            added += len(records)
            if progress:
                progress(hi - lo + 1, latest - start + 1)
        return SyncResult(str(self.path), start, latest, added, rolled_back)

    def _roll_back_forks(self) -> int | None:
        """Drop what was indexed from blocks the chain no longer has (a reorg or a restarted node)."""
        chain = self.consortium.chain
        known = self.db.execute("SELECT number, hash FROM blocks ORDER BY number DESC").fetchall()
        latest = chain.w3.eth.block_number
        for number, stored in known:
            if number <= latest and _hash_at(chain, number) == stored:
                if number == known[0][0]:
                    return None
                self._truncate_after(number)
                return number
        if known:
            self._truncate_after(self.consortium.deployment.block - 1)
            return self.consortium.deployment.block - 1
        return None

    def _truncate_after(self, block: int) -> None:
        with self.db:
            self.db.execute("DELETE FROM records WHERE block > ?", (block,))
            self.db.execute("DELETE FROM blocks WHERE number > ?", (block,))
            self._set_meta("synced_to", block)

    def records(self, collection: str, token_id: int) -> list[Record]:
        rows = self.db.execute(f"SELECT {COLUMNS} FROM records WHERE collection = ? AND token_id = ? "
                               "ORDER BY block, log_index", (collection, _id(token_id)))
        return [_record(row) for row in rows]

    def all_records(self, collection: str) -> dict[int, list[Record]]:
        """Every passport of `collection` with its records in order."""
        by_passport: dict[int, list[Record]] = {}
        rows = self.db.execute(f"SELECT {COLUMNS} FROM records WHERE collection = ? "
                               "ORDER BY token_id, block, log_index", (collection,))
        for row in rows:
            record = _record(row)
            by_passport.setdefault(record.token_id, []).append(record)
        return by_passport

    def timestamp(self, block: int) -> int:
        """The time of a block, asked of the node once. The block the node now has at that number
        may be another than the one indexed (a reorganisation since the sync): then the indexed hash
        stays, so that the next sync rolls back, and the pinned reading asking is told by its check."""
        row = self.db.execute("SELECT hash, timestamp FROM blocks WHERE number = ?", (block,)).fetchone()
        if row and row[1] is not None:
            return row[1]
        found = self.consortium.chain.w3.eth.get_block(block)
        found_hash = bytes(found["hash"]).hex()
        with self.db:
            if row is None:
                self.db.execute("INSERT INTO blocks VALUES (?, ?, ?)", (block, found_hash, found["timestamp"]))
            elif row[0] == found_hash:
                self.db.execute("UPDATE blocks SET timestamp = ? WHERE number = ?", (found["timestamp"], block))
        return found["timestamp"]


class Reorganised(LuxpassError):
    """The block a reading (an audit, a history) is pinned to left the chain before it was done."""

    def __init__(self, number: int, reading: str = "the reading"):
        self.number = number
        super().__init__(f"block {number}, which {reading} was pinned to, left the chain in a reorganisation",
                         "run it again: the index rolls back to what the chain still holds and re-reads")


@dataclass(frozen=True)
class PinnedBlock:
    """The one block every read of a reading is made at, so that a reorganisation between two
    reads cannot mix two chains' states: the records come from the index synced to it, every
    contract call names it, and `check` afterwards proves it was still the chain's throughout."""

    number: int
    hash: str  # hex, without 0x, as the index keeps it
    timestamp: int
    reading: str

    def check(self, chain) -> None:
        """Raise Reorganised if the chain's block at `number` is no longer this one."""
        if _hash_at(chain, self.number) != self.hash:
            raise Reorganised(self.number, self.reading)


def pin(chain, source=None, reading: str = "the reading") -> PinnedBlock:
    """The block `source` (the Index, or a log source under test) is synced to, else the chain's
    latest; Reorganised if the block the index holds for that number is no longer the chain's."""
    synced_to = getattr(source, "synced_to", None)
    block = chain.w3.eth.get_block(synced_to if synced_to is not None else "latest")
    pinned = PinnedBlock(block["number"], bytes(block["hash"]).hex(), block["timestamp"], reading)
    if getattr(source, "synced_hash", lambda: None)() not in (None, pinned.hash):
        raise Reorganised(pinned.number, reading)
    return pinned


Read = TypeVar("Read")


def read_synced(index: "Index", read: Callable[[PinnedBlock], Read], reading: str,
                progress: Callable[[int, int], None] | None = None, attempts: int = 3) -> Read:
    """Bring `index` up to date, then `read` at its block (`read` ends with the pinned block's
    `check`); if a reorganisation takes that block away meanwhile, sync again (the index rolls back
    and re-reads) and read again, `attempts` times."""
    for attempt in range(1, attempts + 1):
        index.sync(progress=progress)
        try:
            return read(pin(index.consortium.chain, index, reading))
        except Reorganised:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _hash_at(chain, number: int) -> str | None:
    block = rpc.request(chain.w3, "eth_getBlockByNumber", [hex(number), False])
    return block["hash"].removeprefix("0x") if block else None


def _id(token_id: int) -> str:
    return "%064x" % token_id


def _row(r: Record) -> tuple:
    return (r.collection, _id(r.token_id), r.block, r.log_index, r.tx, r.block_hash.removeprefix("0x"), r.type,
            r.kind, r.actor, r.head, r.source, r.target, r.details, r.previous)


def _record(row) -> Record:
    (collection, token_id, block, log_index, tx, block_hash, type_, kind, actor, head, source, target, details,
     previous) = row
    return Record(collection, int(token_id, 16), block, log_index, tx, block_hash, type_, kind, actor, bytes(head),
                  source, target, bytes(details), previous)
