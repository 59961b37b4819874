"""Bulk minting from a product system's CSV export, safe to interrupt and run again.

Before any transaction, the job file records each row's salt, so a second run recomputes the
same commitments, asks the chain which passports exist, and mints only the rest: no row is
minted twice and none is skipped."""
import csv
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from eth_abi import encode
from eth_utils import keccak

from ..chain.connection import RawCall
from ..errors import InputError, LuxpassError
from ..files import read_json, write_json_atomic
from ..onchain.collection import Collection
from ..proofs.certificate import Certificate
from ..values import new_salt, normalize_record, parse_address, passport_hex

JOB_FORMAT = "luxpass-mint-job/1"
_MINT_BATCH = keccak(text="mintBatch(address,bytes32[])")[:4]
DEFAULT_BATCH_SIZE = 100
IN_FLIGHT = 4


@dataclass
class BulkResult:
    rows: int
    minted_now: int
    already_minted: int
    transactions: int
    gas_used: int
    out_dir: str
    result_file: str


MAX_CSV_BYTES = 256 * 1024 * 1024
MAX_LINES_PER_RECORD = 10  # a quoted multi-line field (an address, a note) spans a few lines, not a file
MAX_REPORTED = 20


def csv_records(text: str):
    """(first line number, the values) of each record, one record per line unless a quoted field
    really spans lines; a quote that never closes, or closes only many lines later, is reported
    as an error line instead of swallowing the rows after it. Yields (line, None, problem) for those."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        first, record = i, lines[i]
        while record.count('"') % 2 and i + 1 < len(lines) and i - first < MAX_LINES_PER_RECORD:
            i += 1
            record += "\n" + lines[i]
        i += 1
        if record.count('"') % 2:
            yield first + 1, None, "a quote opens here and does not close on this line or the next few " \
                                   f"(close it, or write a literal quote as \"\")"
            i = first + 1  # report it and carry on with the next line
            continue
        try:
            yield first + 1, next(csv.reader([record], strict=True), []), None
        except csv.Error as exc:
            yield first + 1, None, f"malformed CSV ({exc})"


def read_products(path: Path) -> list[dict]:
    """The rows of a product CSV, validated as a whole before anything is sent; every bad line
    (up to 20) is reported in one run."""
    try:
        if Path(path).stat().st_size > MAX_CSV_BYTES:
            raise InputError(f"{path} is larger than {MAX_CSV_BYTES // 2**20} MiB",
                             "split the file into several jobs")
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", "export the CSV as UTF-8") from None
    records = csv_records(text)
    _, header, problem = next(records, (1, None, None))
    if problem:
        raise InputError(f"{path} line 1: {problem}", "the first line must name the columns")
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{path} is empty", "the first line must name the columns, one of them `serial`")
    header = [h.strip() for h in header]
    if "serial" not in header:
        raise InputError(f"{path} has no `serial` column", "name the serial number column `serial`")
    if len(set(header)) != len(header) or "" in header:
        raise InputError(f"{path} has empty or repeated column names", "give every column a distinct name")
    rows, serials, bad = [], {}, []
    for line, values, problem in records:
        if problem is None and (not values or all(not v.strip() for v in values)):
            continue
        if problem is None and len(values) != len(header):
            problem = f"{len(values)} values for {len(header)} columns (quote values that contain commas)"
        if problem is None:
            try:
                record = normalize_record(dict(zip(header, values)))
            except InputError as exc:
                problem = f"{exc.problem} ({exc.fix})" if exc.fix else exc.problem
        if problem is None and record["serial"] in serials:
            problem = f"serial {record['serial']!r} repeats line {serials[record['serial']]}"
        if problem is not None:
            bad.append(f"line {line}: {problem}")
            continue
        serials[record["serial"]] = line
        rows.append(record)
    if bad:
        shown = "; ".join(bad[:MAX_REPORTED]) + (f"; and {len(bad) - MAX_REPORTED} more" if len(bad) > MAX_REPORTED else "")
        raise InputError(f"{path}: {len(bad)} bad line(s), nothing was sent: {shown}", "fix those lines and run again")
    if not rows:
        raise InputError(f"{path} has a header but no products", "add one product per line")
    return rows


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
    ledger = collection.ledger()
    ledger.check([r["serial"] for r in records], reissue, own={passport_hex(i) for i in ids},
                 still_exists=collection.still_issued)

    wait_until_idle(chain)
    exists = collection.exists(ids)
    already = sum(exists)
    todo = [i for i, minted in enumerate(exists) if not minted]
    if progress:
        progress(already, len(ids))
    transactions = gas_used = 0
    in_flight: list[tuple[bytes, int]] = []
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        call = RawCall(collection.address, _MINT_BATCH + encode(["address", "bytes32[]"],
                                                                [owner, [ids[i].to_bytes(32, "big") for i in batch]]))
        tx_hash = chain.send(call, f"mint batch of {len(batch)} (rows {batch[0] + 1}-{batch[-1] + 1})")
        in_flight.append((tx_hash, len(batch)))
        if len(in_flight) >= IN_FLIGHT:
            gas_used += _settle(chain, in_flight.pop(0), progress)
        transactions += 1
    while in_flight:
        gas_used += _settle(chain, in_flight.pop(0), progress)

    ledger.record([(r["serial"], passport_hex(i)) for r, i in zip(records, ids)], reissue)
    result_file = write_certificates(out_dir, certificates)
    return BulkResult(len(records), len(todo), already, transactions, gas_used, str(out_dir), str(result_file))


def _settle(chain, sent: tuple[bytes, int], progress) -> int:
    tx_hash, count = sent
    receipt = chain.wait(tx_hash, light=True)
    if progress:
        progress(count, 0)
    return receipt["gasUsed"]


def wait_until_idle(chain, timeout: float = 120) -> None:
    """A transaction sent by an interrupted run may still be pending: let it land first."""
    deadline = time.monotonic() + timeout
    while True:
        pending = chain.w3.eth.get_transaction_count(chain.address, "pending")
        latest = chain.w3.eth.get_transaction_count(chain.address, "latest")
        if pending == latest:
            return
        if time.monotonic() > deadline:
            raise LuxpassError(f"{pending - latest} earlier transactions of {chain.address} are still pending",
                               "wait for them to be mined, then run the same command again")
        time.sleep(0.2)


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
