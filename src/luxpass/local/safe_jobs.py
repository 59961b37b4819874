"""Safe transactions in job files, and the Safe contracts recorded for each chain
(~/.luxpass/safe/CHAIN/). A job file only grows: a signature is added, never replaced, and an
executed job records its transaction, so that it is never sent twice."""
from dataclasses import dataclass, replace
from pathlib import Path

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from ..chain.accounts import home
from ..chain.connection import Chain
from ..chain.sender import Action, AlreadyDone
from ..errors import InputError, LuxpassError
from ..files import read_json
from ..onchain.safe import (SAFE_VERSION, Safe, SafeDeployment, SafeJob, add_signature, check_job_chain,
                            checked_owners, create_safe, deploy_safe_factory, execution, holds_safe_contracts)
from ..writes import write_json_atomic, write_json_new


def contracts_path(chain_id: int) -> Path:
    return home() / "safe" / str(chain_id) / "contracts.json"


def job_path(chain_id: int, safe: str, nonce: int, digest: bytes) -> Path:
    return home() / "safe" / str(chain_id) / f"{safe}-{nonce}-{digest[:4].hex()}.json"


def safe_contracts(chain: Chain) -> tuple[SafeDeployment, bool]:
    """The Safe contracts recorded for `chain` when the chain holds exactly their code; else
    deployed from the package's bytecode and recorded. Also whether they were deployed now."""
    path = contracts_path(chain.chain_id)
    if path.is_file():
        data = read_json(path, "Safe contracts record")
        try:
            recorded = SafeDeployment(*(to_checksum_address(data[key]) for key in
                                        ("singleton", "factory", "fallbackHandler")))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{path} is a damaged Safe contracts record", f"remove {path}; they are deployed again")
        if holds_safe_contracts(chain, recorded):
            return recorded, False
    deployed = deploy_safe_factory(chain)
    write_json_atomic(path, {"singleton": deployed.singleton, "factory": deployed.factory,
                             "fallbackHandler": deployed.fallback_handler, "version": SAFE_VERSION})
    return deployed, True


@dataclass
class CreatedSafe:
    safe: str
    owners: list
    threshold: int
    salt: int
    singleton: str
    factory: str
    contracts_deployed: bool  # the Safe contracts were put on this chain first


def create(chain: Chain, owners: list[str], threshold: int, salt: int = 0) -> CreatedSafe:
    """A new `threshold`-of-N Safe of `owners`, made through the chain's Safe proxy factory (the Safe
    contracts are deployed from the package first on a chain that has none recorded)."""
    owners = checked_owners(owners, threshold)
    contracts, deployed = safe_contracts(chain)
    address = create_safe(chain, contracts, owners, threshold, salt)
    return CreatedSafe(address, owners, threshold, salt, contracts.singleton, contracts.factory, deployed)


def read_job(path) -> SafeJob:
    return SafeJob.from_dict(read_json(path, "Safe transaction"), path)


def save_new_job(job: SafeJob, path) -> None:
    write_json_new(Path(path), job.to_dict(), "Safe transaction")


def sign(path, chain: Chain, owner: LocalAccount) -> SafeJob:
    """Add `owner`'s signature of the job's safeTxHash to the job file (`add_signature`); a file
    that changed meanwhile is refused, never overwritten."""
    before = Path(path).read_bytes() if Path(path).is_file() else None
    job = read_job(path)
    if job.executed:
        raise InputError(f"{path} was executed already (transaction {job.executed})", "nothing to sign")
    add_signature(job, check_job_chain(job, chain, path), owner)
    if Path(path).read_bytes() != before:
        raise LuxpassError(f"{path} changed while it was being signed", "sign again")
    write_json_atomic(Path(path), job.to_dict())
    return job


@dataclass
class SafeStatus:
    safe: str
    description: str
    safe_tx_hash: str
    nonce: int
    threshold: int
    signers: list
    missing: int
    executed: str | None


def status(path, chain: Chain) -> SafeStatus:
    job = read_job(path)
    safe = check_job_chain(job, chain, path)
    threshold = safe.threshold()
    valid = [s for s in job.signers() if s in safe.owners()]
    return SafeStatus(safe.address, job.description, "0x" + job.digest.hex(), job.tx.nonce, threshold, valid,
                      max(threshold - len(valid), 0), job.executed)


def execute(path, chain: Chain):
    """Submit the job's transaction, signed by `chain`'s account, once the threshold of owners
    signed; the executed transaction's hash is recorded in the job file before the transaction's
    journal is closed. A job executed already is AlreadyDone."""
    job = read_job(path)
    if job.executed:
        return AlreadyDone(f"execute Safe transaction: {job.description}", job.executed,
                           {"safe": job.safe, "signers": job.signers()})
    action = execution(job, check_job_chain(job, chain, path), path)

    def read(receipt):
        executed = action.read(receipt)
        write_json_atomic(Path(path), job.to_dict())
        return executed
    return chain.sender.submit(replace(action, read=read))


@dataclass
class Drafted:
    """What a SafeSender answers: the action drafted as a Safe transaction into `file`, for the
    Safe's owners to sign and one of them to execute."""

    drafted: str
    safe: str
    safe_tx_hash: str
    nonce: int
    threshold: int
    file: str

    def as_json(self) -> dict:
        return {"drafted": self.drafted, "safe": self.safe, "safeTxHash": self.safe_tx_hash, "nonce": self.nonce,
                "threshold": self.threshold, "file": self.file,
                "next": f"luxpass safe sign {self.file} --account OWNER ({self.threshold} owners), "
                        f"then luxpass safe exec {self.file}"}


class SafeSender:
    """The sender for a council held by a Safe (see `luxpass.chain.sender`): each action is
    checked from the Safe, drafted as a Safe transaction and saved to `out` (never over an existing
    file; by default under ~/.luxpass/safe/CHAIN/), and answered `Drafted`."""

    def __init__(self, chain: Chain, safe_address: str, out: str | None = None):
        self.chain, self.safe, self.out = chain, Safe(chain, safe_address), out
        self.address = self.safe.address

    def journalled(self, purpose: str) -> None:
        return None  # nothing is sent: the job file is the record

    def submit(self, action: Action):
        prepared = action.prepare()
        if isinstance(prepared, AlreadyDone):
            return prepared
        job = self.safe.draft(prepared, action.label or "a Safe transaction")
        path = Path(self.out) if self.out else job_path(self.chain.chain_id, self.address, job.tx.nonce, job.digest)
        save_new_job(job, path)
        return Drafted(job.description, job.safe, "0x" + job.digest.hex(), job.tx.nonce, self.safe.threshold(),
                       str(path))
