"""Where a sender keeps what it signed, before sending it, so that a later run finishes that same
transaction instead of signing new work: a bulk job's journal in its own folder (`sent.json`), and
for every other command one journal a purpose (`~/.luxpass/journals/CHAIN/…`), found again by the
rerun of the same command. A journal holds the signed bytes, their nonce and label, and what the
rerun needs to finish the act (for a mint: the record and its salt, so that its certificate can
always be written)."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..files import read_json
from ..writes import write_json_atomic

SENT_FORMAT = "luxpass-sent/1"


@dataclass(frozen=True)
class SignedTx:
    """A transaction a sender signed, kept until it has its confirmations."""

    raw: bytes
    nonce: int
    label: str


class SentJournal:
    """The transactions signed for one job or one purpose and not yet seen confirmed, each written
    before it is sent: a run that stops (its node gone, the process killed, a time-out) leaves them
    here, and the next run finishes them as the same signed bytes before it signs anything new."""

    def __init__(self, path: Path, sender: str, purpose: str | None = None):
        self.path, self.sender, self.purpose = Path(path), sender, purpose
        data = read_json(self.path, "journal of sent transactions") if self.path.exists() else None
        if data is not None and (data.get("format") != SENT_FORMAT or not isinstance(data.get("transactions"), list)):
            raise InputError(f"{self.path} is not a journal of sent transactions ({SENT_FORMAT})",
                             "pass another --out folder" if purpose is None else f"move {self.path} away")
        if data is not None and data["transactions"] and data["from"] != sender:
            raise InputError(f"the transactions an earlier run of this job sent are {data['from']}'s, not {sender}'s",
                             f"run it again with the key of {data['from']}")
        self.payload: dict | None = (data or {}).get("payload")
        self._entries = {bytes.fromhex(t["hash"][2:]): SignedTx(bytes.fromhex(t["raw"][2:]), t["nonce"], t["label"])
                         for t in (data or {}).get("transactions", [])}

    def entries(self) -> list[tuple[bytes, SignedTx]]:
        return sorted(self._entries.items(), key=lambda item: item[1].nonce)

    def add(self, tx_hash: bytes, sent: SignedTx) -> None:
        self._entries[tx_hash] = sent
        self._write()

    def drop(self, tx_hash: bytes) -> None:
        if self._entries.pop(tx_hash, None) is not None:
            self._write()

    def close(self) -> None:
        """The act is done (or found done): nothing of it is left to finish."""
        self._entries.clear()
        self._write()

    def _write(self) -> None:
        if not self._entries:
            self.path.unlink(missing_ok=True)
            return
        data = {"format": SENT_FORMAT, "from": self.sender, "transactions": [
            {"hash": "0x" + h.hex(), "nonce": s.nonce, "label": s.label, "raw": "0x" + s.raw.hex()}
            for h, s in self.entries()]}
        if self.purpose is not None:
            data |= {"purpose": self.purpose, "payload": self.payload}
        write_json_atomic(self.path, data)


class JournalFolder:
    """One journal a purpose and signer, in `folder/CHAIN/`: the same command run again by the
    same key finds the journal of its earlier, unfinished run."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def open(self, chain_id: int, sender: str, purpose: str) -> SentJournal:
        name = hashlib.sha256(f"{sender} {purpose}".encode()).hexdigest()[:32]
        return SentJournal(self.folder / str(chain_id) / f"{name}.json", sender, purpose)

    def others(self, chain_id: int, sender: str, but: SentJournal | None) -> list[SentJournal]:
        """The journals `sender` left on this chain, other than `but`, that keep nothing a rerun
        needs but their transactions (no salt): those it can close once their transactions are done."""
        found = []
        for path in sorted((self.folder / str(chain_id)).glob("*.json")):
            if but is not None and path == but.path:
                continue
            try:
                journal = SentJournal(path, sender, "")
            except InputError:  # another key's, or damaged: not this sender's to close
                continue
            if journal.entries() and journal.payload is None:
                found.append(journal)
        return found
