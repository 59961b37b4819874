"""What bulk mint and batch issue share: the job file that records each row's salt before
anything is sent (so that a second run recomputes the same commitments), the certificates written
from it, the journal of the transactions a run signed, and the wait for transactions an
interrupted run left pending."""
import csv
import hashlib
import re
import time
from pathlib import Path

from ..chain.connection import Sent
from ..errors import InputError, LuxpassError
from ..files import read_json, write_json_atomic
from ..proofs.certificate import Certificate
from ..values import new_salt


def wait_until_idle(chain, timeout: float = 120) -> None:
    """A transaction sent by an interrupted run may still be pending: let it land first."""
    deadline = time.monotonic() + timeout
    while True:
        latest, pending = chain.transaction_counts(chain.address)
        if pending == latest:
            return
        if time.monotonic() > deadline:
            raise LuxpassError(f"{pending - latest} earlier transactions of {chain.address} are still pending",
                               "wait for them to be mined, then run the same command again")
        time.sleep(0.2)


SENT_FORMAT = "luxpass-sent/1"


class SentJournal:
    """The transactions a job signed and has not seen confirmed, each written before it is sent:
    a run that stops (its node gone, the process killed) leaves them here, and the next run finishes
    them as the same signed bytes (`Chain.resume`) before it looks at what is left to do. So a row
    is never signed a second time while its first signature can still run, even if the only node
    that took it died before passing it on."""

    def __init__(self, path: Path, sender: str):
        self.path, self.sender = path, sender
        data = read_json(path, "journal of sent transactions") if path.exists() else None
        if data is not None and (data.get("format") != SENT_FORMAT or not isinstance(data.get("transactions"), list)):
            raise InputError(f"{path} is not a journal of sent transactions ({SENT_FORMAT})", "pass another --out folder")
        if data is not None and data["transactions"] and data["from"] != sender:
            raise InputError(f"the transactions an earlier run of this job sent are {data['from']}'s, not {sender}'s",
                             f"run it again with the key of {data['from']}")
        self._entries = {bytes.fromhex(t["hash"][2:]): Sent(bytes.fromhex(t["raw"][2:]), t["nonce"], t["label"])
                         for t in (data or {}).get("transactions", [])}

    def entries(self) -> list[tuple[bytes, Sent]]:
        return sorted(self._entries.items(), key=lambda item: item[1].nonce)

    def add(self, tx_hash: bytes, sent: Sent) -> None:
        self._entries[tx_hash] = sent
        self._write()

    def drop(self, tx_hash: bytes) -> None:
        if self._entries.pop(tx_hash, None) is not None:
            self._write()

    def _write(self) -> None:
        if not self._entries:
            self.path.unlink(missing_ok=True)
            return
        write_json_atomic(self.path, {"format": SENT_FORMAT, "from": self.sender, "transactions": [
            {"hash": "0x" + h.hex(), "nonce": s.nonce, "label": s.label, "raw": "0x" + s.raw.hex()}
            for h, s in self.entries()]})


def finish_sent(chain, journal: SentJournal) -> int:
    """Finish what an earlier run of the job signed: each transaction confirmed as its same bytes,
    or reported dropped; returns how many of them ran."""
    ran = 0
    for tx_hash, sent in journal.entries():
        chain.log(f"{sent.label}: signed by an earlier run as 0x{tx_hash.hex()}; finishing it as the same bytes")
        ran += chain.resume(tx_hash, sent) is not None
        journal.drop(tx_hash)
    return ran


def _csv_digest(records: list[dict]) -> str:
    return hashlib.sha256(repr(records).encode()).hexdigest()


def open_job(path: Path, job_format: str, csv_path: Path, records, chain_id: int, collection: str,
             new_fields: dict) -> dict:
    """The job at `path` if it is this one (format, chain, collection and products), else a new job
    with a fresh salt per row and `new_fields`, written before anything is sent."""
    digest = _csv_digest(records)
    if path.exists():
        job = read_json(path, "job")
        if job.get("format") != job_format:
            raise InputError(f"{path} is not a job of this command ({job_format})", "pass another --out folder")
        if (job["chainId"], job["collection"]) != (chain_id, collection):
            raise InputError(f"{path} belongs to collection {job['collection']} on chain {job['chainId']}",
                             "pass another --out folder for this collection")
        if job["products"] != digest:
            raise InputError(f"{csv_path} changed since the job in {path.parent} started",
                             "run it with the original file, or pass a new --out folder")
        return job
    job = {"format": job_format, "chainId": chain_id, "collection": collection, **new_fields,
           "csv": str(csv_path), "products": digest, "salts": ["0x" + new_salt().hex() for _ in records]}
    write_json_atomic(path, job)
    return job


def job_salts(job: dict) -> list[bytes]:
    return [bytes.fromhex(s[2:]) for s in job["salts"]]


def write_certificates(out_dir: Path, certificates: list[Certificate]) -> Path:
    """One owner certificate per product in `out_dir/certificates`, and `out_dir/passports.csv`
    (row, serial, passport id, certificate file). Each run writes them again from the job file,
    so they skip waiting for the disk one by one."""
    folder = out_dir / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    result = out_dir / "passports.csv"
    tmp = result.with_suffix(".tmp")
    with open(tmp, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "serial", "passport_id", "certificate"])
        for row, cert in enumerate(certificates, start=1):
            name = f"{row:06d}-{re.sub(r'[^A-Za-z0-9._-]', '_', cert.record['serial'])}.json"
            data = cert.to_dict()
            write_json_atomic(folder / name, data, durable=False)
            writer.writerow([row, cert.record["serial"], data["passportId"], f"certificates/{name}"])
    tmp.replace(result)
    return result
