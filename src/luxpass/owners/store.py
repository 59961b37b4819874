"""The brand server's own database (SQLite, one file): what its relayer paid and sent, the claim
links of first sales, sign-in nonces and sessions, the brand's notices and who opted out of them.
Nothing here is on chain, so a competitor reading the chain learns nothing of it.

The file is `owners.sqlite` in the server's data directory (`--data-dir`, default
`$LUXPASS_HOME/server`, i.e. `~/.luxpass/server/owners.sqlite`)."""
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..chain.accounts import home

FILE_NAME = "owners.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS relayed (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,                 -- UTC date the request was paid for
    at REAL NOT NULL,
    signer TEXT NOT NULL,
    collection TEXT NOT NULL,
    token_id TEXT NOT NULL,
    action TEXT NOT NULL,
    reserved_wei TEXT NOT NULL,        -- the most it could cost, counted against the caps until settled
    paid_wei TEXT,                     -- what it cost, once mined
    tx TEXT,
    block INTEGER,
    state TEXT NOT NULL                -- reserved | sent | mined | failed
);
CREATE INDEX IF NOT EXISTS relayed_by_day ON relayed (day, collection, token_id);
CREATE TABLE IF NOT EXISTS claim_links (
    code_hash TEXT PRIMARY KEY,        -- sha256 of the code: the code itself is never stored
    collection TEXT NOT NULL,
    token_id TEXT NOT NULL,
    expires INTEGER NOT NULL,
    created REAL NOT NULL,
    buyer TEXT,                        -- bound by the first valid claim
    tx TEXT,
    claimed REAL,
    nonce INTEGER                      -- the passport's nonce when made: a move since ends the link
);
CREATE TABLE IF NOT EXISTS siwe_nonces (
    nonce TEXT PRIMARY KEY,
    issued REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    block INTEGER NOT NULL,            -- the block the holding was read at
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    token_id TEXT,                     -- NULL: for every holder of a passport of the collection
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    block INTEGER NOT NULL,            -- the chain's head when posted: holders from before it see it
    posted REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS opt_outs (
    collection TEXT NOT NULL,
    address TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (collection, address)
);
"""


def default_data_dir() -> Path:
    return home() / "server"


class OwnerStore:
    """One SQLite file, shared by the server's threads; every write is one transaction."""

    def __init__(self, data_dir: Path | str | None = None):
        folder = Path(data_dir) if data_dir else default_data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        if "nonce" not in {row["name"] for row in self._db.execute("PRAGMA table_info(claim_links)")}:
            self._db.execute("ALTER TABLE claim_links ADD COLUMN nonce INTEGER")  # a file from before links had one
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self):
        """One write transaction (BEGIN IMMEDIATE), the server's other threads kept out meanwhile."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def utc_day(at: float | None = None) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at if at is not None else time.time()))
