"""Issuing a whole production batch from a product CSV with one transaction: its Merkle root.

No passport exists until a product's first sale, when a retailer claims it with the product's
proof. Like `luxpass.jobs.bulk`, the job file records each row's salt, and here the padding seed,
before anything is sent; a second run rebuilds the same root, asks the chain whether it is
committed, and commits it only if not."""
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..chain.sender import AlreadyDone
from ..errors import InputError
from ..local.job_files import job_salts, open_job, write_certificates
from ..local.ledger import serial_ledger
from ..onchain.collection import Collection, tx_hex
from ..proofs.batch import DEFAULT_DEPTH, BatchTree
from ..proofs.certificate import Certificate, commitment
from ..values import passport_hex
from .products import read_products

JOB_FORMAT = "luxpass-issue-job/1"


@dataclass
class IssueResult:
    products: int
    root: str
    depth: int  # every proof of the batch has this many hashes, whatever its size
    committed_now: bool
    status: str  # "committed", or "already-done" when an earlier run committed the batch
    tx: str | None
    gas_used: int | None
    out_dir: str
    result_file: str


def issue_csv(collection: Collection, csv_path: Path, out_dir: Path, depth: int = DEFAULT_DEPTH,
              reissue: str | None = None) -> IssueResult:
    chain = collection.chain
    csv_path, out_dir = Path(csv_path), Path(out_dir)
    records = read_products(csv_path)
    job = open_job(out_dir / "job.json", JOB_FORMAT, csv_path, records, chain.chain_id, collection.address,
                   {"depth": depth, "paddingSeed": "0x" + secrets.token_bytes(32).hex()})
    if job["depth"] != depth:
        raise InputError(f"the job in {out_dir} pads to depth {job['depth']}, not {depth}",
                         f"pass --depth {job['depth']} or a new --out folder")
    salts = job_salts(job)
    commitments = [commitment(record, salt) for record, salt in zip(records, salts)]
    tree = BatchTree(commitments, bytes.fromhex(job["paddingSeed"][2:]), depth)
    certificates = [Certificate(chain.chain_id, collection.address, record, salt, batch=tree.proof(c))
                    for record, salt, c in zip(records, salts, commitments)]
    ledger = serial_ledger(collection)
    issued = [(r["serial"], passport_hex(c.passport_id)) for r, c in zip(records, certificates)]
    ledger.check([r["serial"] for r in records], reissue, own={pid for _, pid in issued},
                 still_exists=collection.still_issued)

    collection.sender.wait_until_idle()
    receipt = collection.commit_batch(tree.root)
    committed_now = not isinstance(receipt, AlreadyDone)
    tx, gas_used = (tx_hex(receipt), receipt["gasUsed"]) if committed_now else (None, None)

    ledger.record(issued, reissue, batch_root="0x" + tree.root.hex())
    result_file = write_certificates(out_dir, certificates)
    return IssueResult(len(records), "0x" + tree.root.hex(), tree.depth, committed_now,
                       "committed" if committed_now else "already-done", tx, gas_used,
                       str(out_dir), str(result_file))
