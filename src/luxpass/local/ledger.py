"""The serial ledger: which serials a brand issued in one collection, on this machine."""
from ..chain.accounts import home
from ..errors import InputError
from ..files import read_json
from ..onchain.collection import Collection
from ..writes import write_json_atomic


class SerialLedger:
    """The serials a brand already issued in one collection, kept on this machine: the chain holds
    only commitments, so it cannot tell that two passports are of one product. A repeat is refused
    with the passport it already has, unless it is an explicit reissue with a reason."""

    def __init__(self, chain_id: int, collection: str):
        self.path = home() / "ledgers" / f"{chain_id}-{collection}.json"
        self.serials: dict[str, list[dict]] = \
            read_json(self.path, "serial ledger").get("serials", {}) if self.path.is_file() else {}

    def check(self, serials: list[str], reissue: str | None, own: set[str] = frozenset(),
              still_exists=None) -> None:
        """Refuse serials issued before (other than the passport ids in `own`, a job's own resume),
        unless `reissue` gives the reason. `still_exists(entries)` drops entries the chain no longer
        has (a development chain that was reset)."""
        repeats = {serial: [e for e in self.serials.get(serial, []) if e["passportId"] not in own]
                   for serial in serials}
        repeats = {serial: entries for serial, entries in repeats.items() if entries}
        if still_exists and repeats:
            listed = [e for entries in repeats.values() for e in entries]
            gone = {id(e) for e, there in zip(listed, still_exists(listed)) if not there}
            repeats = {s: kept for s, es in repeats.items() if (kept := [e for e in es if id(e) not in gone])}
        if repeats and not (reissue and reissue.strip()):
            serial, entries = next(iter(repeats.items()))
            more = f" (and {len(repeats) - 1} more serials)" if len(repeats) > 1 else ""
            raise InputError(f"serial {serial!r} already has passport {entries[-1]['passportId']}{more}",
                             "verify that passport instead, or pass --reissue REASON to issue another on purpose")

    def record(self, issued: list[tuple[str, str]], reissue: str | None, batch_root: str | None = None) -> None:
        for serial, passport_id in issued:
            entries = self.serials.setdefault(serial, [])
            if not any(e["passportId"] == passport_id for e in entries):
                entries.append({"passportId": passport_id, "batchRoot": batch_root, "reissue": reissue or None})
        write_json_atomic(self.path, {"format": "luxpass-serial-ledger/1", "serials": self.serials})


def serial_ledger(collection: Collection) -> SerialLedger:
    return SerialLedger(collection.chain.chain_id, collection.address)
