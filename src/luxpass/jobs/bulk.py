"""Bulk minting from a product system's CSV export, safe to interrupt and run again.

Before any transaction, the job file records each row's salt, so a second run recomputes the
same commitments, asks the chain which passports exist, and mints only the rest: no row is
minted twice and none is skipped. Each batch's signed transaction is journalled before it is
sent (sent.json in the job's folder), and a second run first finishes those as the same bytes, so
no row is signed twice while its first signature can still run. Stopped with Ctrl-C, it writes the
certificates of what is minted and says how many (exit 130)."""
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..chain.journal import SentJournal
from ..errors import InputError, Interrupted
from ..local.job_files import job_salts, open_job, write_certificates
from ..local.ledger import serial_ledger
from ..onchain.collection import Collection
from ..proofs.certificate import Certificate
from ..values import parse_address, passport_hex
from .products import read_products

JOB_FORMAT = "luxpass-mint-job/1"
DEFAULT_BATCH_SIZE = 100


@dataclass
class BulkResult:
    rows: int
    minted_now: int
    already_minted: int
    transactions: int
    gas_used: int
    out_dir: str
    result_file: str


def mint_csv(collection: Collection, csv_path: Path, out_dir: Path, to: str | None = None,
             batch_size: int = DEFAULT_BATCH_SIZE, progress: Callable[[int, int], None] | None = None,
             reissue: str | None = None) -> BulkResult:
    chain = collection.chain
    if batch_size < 1:
        raise InputError(f"batch size {batch_size} is not positive", "pass --batch-size 1 or more")
    csv_path, out_dir = Path(csv_path), Path(out_dir)
    records = read_products(csv_path)
    owner = parse_address(to, "recipient") if to is not None else chain.address
    job = open_job(out_dir / "job.json", JOB_FORMAT, csv_path, records, chain.chain_id, collection.address,
                   {"owner": owner})
    if job["owner"] != owner:
        raise InputError(f"the job in {out_dir} mints to {job['owner']}, not {owner}",
                         f"pass --to {job['owner']} or a new --out folder")
    certificates = [Certificate(chain.chain_id, collection.address, record, salt)
                    for record, salt in zip(records, job_salts(job))]
    ids = [cert.passport_id for cert in certificates]
    ledger = serial_ledger(collection)
    ledger.check([r["serial"] for r in records], reissue, own={passport_hex(i) for i in ids},
                 still_exists=collection.still_issued)

    sender = collection.sender
    journal = SentJournal(out_dir / "sent.json", sender.address)
    sender.finish(journal)
    sender.wait_until_idle()
    exists = collection.exists(ids)
    already = sum(exists)
    todo = [i for i, minted in enumerate(exists) if not minted]
    if progress:
        progress(already, len(ids))
    batches = [todo[start:start + batch_size] for start in range(0, len(todo), batch_size)]
    calls = [(collection.mint_batch_call(owner, [ids[i] for i in batch]),
              f"mint batch of {len(batch)} (rows {batch[0] + 1}-{batch[-1] + 1})") for batch in batches]
    gas_used = 0
    try:
        for batch, receipt in zip(batches, sender.send_all(calls, journal)):
            gas_used += receipt["gasUsed"]
            if progress:
                progress(len(batch), 0)
    except KeyboardInterrupt:
        raise _stopped(collection, records, certificates, out_dir, reissue, len(journal.entries())) from None

    ledger.record([(r["serial"], passport_hex(i)) for r, i in zip(records, ids)], reissue)
    result_file = write_certificates(out_dir, certificates)
    return BulkResult(len(records), len(todo), already, len(batches), gas_used, str(out_dir), str(result_file))


def _stopped(collection: Collection, records: list[dict], certificates: list[Certificate], out_dir: Path,
             reissue: str | None, unconfirmed: int) -> Interrupted:
    """Ctrl-C: what the chain holds now is recorded in the ledger, and the certificates of the rows
    minted from the first on, with passports.csv; the same command mints the rest."""
    minted = collection.exists([cert.passport_id for cert in certificates])
    serial_ledger(collection).record([(r["serial"], passport_hex(c.passport_id))
                                for r, c, done in zip(records, certificates, minted) if done], reissue)
    leading = next((row for row, done in enumerate(minted) if not done), len(minted))
    if leading:
        written = write_certificates(out_dir, certificates[:leading])
        kept = f"{written} and the certificates of rows 1-{leading} are written"
    else:
        kept = "no certificate is written yet"
    pending = f"; {unconfirmed} batch(es) sent and not yet confirmed are finished by the next run" if unconfirmed else ""
    later = sum(minted) - leading
    later = f" (the certificates of {later} more minted rows come with it)" if later else ""
    return Interrupted(f"stopped: {sum(minted)} of {len(records)} passports minted so far; {kept}{pending}",
                       f"run the same command again to mint the rest{later}")
