"""What bulk mint and batch issue share: the job file that records each row's salt before
anything is sent (so that a second run recomputes the same commitments), and the certificates
written from it. The journal of the transactions a run signed is the sender's
(`luxpass.chain.journal`)."""
import csv
import hashlib
import re
from pathlib import Path

from ..errors import InputError
from ..files import read_json
from ..proofs.certificate import Certificate
from ..values import new_salt
from ..writes import write_json_atomic


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
