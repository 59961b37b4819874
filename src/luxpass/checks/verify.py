"""Verification of a passport against the registry, and its whole story from the chain."""
from dataclasses import dataclass, field

from ..errors import InputError
from ..onchain.records import LIFECYCLE, OWNERSHIP, ZERO32, Record, fetch_records, fold
from ..onchain.registry import Consortium
from ..proofs.batch import proves
from ..proofs.certificate import BatchProof, Certificate
from ..results import BrandStatus, EventKind, Status, TransferKind, cli_name
from ..values import passport_hex


@dataclass
class Verdict:
    authentic: bool
    reason: str
    collection: str
    passport_id: str | None
    genuine_collection: bool = False
    brand_id: int | None = None
    brand: str | None = None
    brand_status: str | None = None
    exists: bool = False
    certificate_matches: bool | None = None
    status: str | None = None
    owner: str | None = None
    warnings: list = field(default_factory=list)
    batch_root: str | None = None  # set for a product of a committed batch not claimed yet
    pending_recovery: dict | None = None  # {"new_owner", "ready_at"} while a recovery is pending
    chip_claim_open: bool | None = None


def pending_state(chain, contract, passport_id: int) -> tuple[dict | None, bool, list[str]]:
    """What could move the passport without a new act of its owner: a pending recovery and an
    open chip claim, with the warnings a buyer must read before paying."""
    new_owner, ready_at = chain.call(contract.functions.recoveryOf(passport_id))
    claim_open = chain.call(contract.functions.chipClaimOpen(passport_id))
    recovery = {"new_owner": new_owner, "ready_at": ready_at} if ready_at else None
    warnings = []
    if recovery:
        warnings.append(f"a recovery to {new_owner} is pending (ready at {ready_at}): the passport moves there "
                        "unless its owner cancels it")
    if claim_open:
        warnings.append("the owner opened a chip claim: whoever holds the item can claim the passport")
    return recovery, claim_open, warnings


def verify(consortium: Consortium, collection: str, passport_id: int | None,
           certificate: Certificate | None = None, batch: BatchProof | None = None) -> Verdict:
    """Check a passport: genuine collection of a member brand, passport exists, certificate
    matches its commitment, status, owner and brand status."""
    chain = consortium.chain
    if certificate is not None:
        if certificate.chain_id != chain.chain_id:
            raise InputError(
                f"the certificate is for chain {certificate.chain_id} but the node at {chain.rpc_url} is chain {chain.chain_id}",
                f"pass --rpc-url of chain {certificate.chain_id}",
            )
        collection = certificate.collection
        passport_id = certificate.claimed_passport_id or certificate.passport_id
    shown_id = passport_hex(passport_id) if passport_id else None
    verdict = Verdict(False, "", collection, shown_id)
    brand_id = chain.call(consortium.registry.functions.brandIdOfCollection(collection))
    if brand_id == 0:
        earlier = consortium.earlier_registry_of(collection)
        if earlier is not None:
            verdict = verify(earlier, collection, passport_id, certificate, batch)
            verdict.warnings.append(f"the collection belongs to an earlier registry of this chain, "
                                    f"{earlier.registry.address}, replaced by a later deployment")
            return verdict
        verdict.reason = "the collection is not one the consortium registry created (a look-alike or unknown contract)"
        return verdict
    brand = consortium.brand(brand_id)
    verdict.genuine_collection = True
    verdict.brand_id, verdict.brand, verdict.brand_status = brand_id, brand.name, cli_name(brand.status)
    if brand.status == BrandStatus.REMOVED:
        verdict.reason = f"{brand.name} was removed from the consortium"
        return verdict
    contract = chain.contract("BrandPassport", collection)
    exists, owners, statuses = chain.call(contract.functions.passportsState([passport_id]))
    if not exists[0]:
        batch = batch or (certificate.batch if certificate else None)
        if batch is not None:
            return verify_unclaimed(contract, verdict, brand, passport_id, batch, certificate)
        verdict.reason = "no such passport in this collection"
        return verdict
    verdict.exists, verdict.owner = True, owners[0]
    verdict.pending_recovery, verdict.chip_claim_open, pending = pending_state(chain, contract, passport_id)
    verdict.warnings.extend(pending)
    status = Status(statuses[0])
    verdict.status = cli_name(status)
    if certificate is not None:
        verdict.certificate_matches = certificate.passport_id == passport_id
        if not verdict.certificate_matches:
            verdict.reason = "the certificate's record and salt do not match the passport's commitment (forged or altered)"
            return verdict
    if status != Status.ACTIVE:
        verdict.reason = f"the passport is reported {status.name.lower()}"
        return verdict
    if brand.status == BrandStatus.SUSPENDED:
        verdict.warnings.append(f"{brand.name} is suspended by the consortium: it cannot issue new passports")
    verdict.authentic = True
    verdict.reason = "genuine passport of a member brand" + (" (certificate matches)" if certificate else "")
    return verdict


def verify_unclaimed(contract, verdict: Verdict, brand, passport_id: int, batch: BatchProof,
                     certificate: Certificate | None) -> Verdict:
    """A product of a batch whose passport is claimed at its first sale: genuine when the batch's
    root is committed in this collection and the proof leads from its commitment to that root."""
    verdict.batch_root = "0x" + batch.root.hex()
    if certificate is not None:
        verdict.certificate_matches = certificate.passport_id == passport_id
        if not verdict.certificate_matches:
            verdict.reason = "the certificate's record and salt do not match its commitment (forged or altered)"
            return verdict
    if contract.functions.batchCommittedAt(batch.root).call() == 0:
        verdict.reason = f"no batch with root {verdict.batch_root} was committed in this collection"
        return verdict
    if not proves(batch, passport_id.to_bytes(32, "big")):
        verdict.reason = "the batch proof does not lead from this product to the committed root (forged or altered)"
        return verdict
    if brand.status == BrandStatus.SUSPENDED:
        verdict.warnings.append(f"{brand.name} is suspended by the consortium: its passports cannot be claimed "
                                "at a first sale until it is reinstated")
    verdict.authentic = True
    verdict.reason = "genuine product of a committed batch, not sold yet: its passport is claimed at the first sale"
    return verdict


@dataclass
class HistoryEntry:
    block: int
    timestamp: int
    tx: str
    record: str
    kind: str
    by: str
    head: str
    from_: str | None = None
    to: str | None = None
    details_hash: str | None = None


@dataclass
class History:
    collection: str
    passport_id: str
    brand: str
    owner: str
    status: str
    owners: int
    resales: int
    head: str
    head_verified: bool
    entries: list
    pending_recovery: dict | None = None
    chip_claim_open: bool = False


def history(consortium: Consortium, collection: str, passport_id: int, index=None) -> History:
    """Every ownership change, lifecycle event and status change of one passport, in order,
    with the head re-derived and checked against the chain. From the local index when one is
    given (synced first), else straight from the node's logs."""
    chain = consortium.chain
    brand_id = chain.call(consortium.registry.functions.brandIdOfCollection(collection))
    if brand_id == 0:
        raise InputError(f"{collection} is not a collection of the consortium", "check the address with `luxpass brand list`")
    contract = chain.contract("BrandPassport", collection)
    passport = chain.call(contract.functions.passport(passport_id))
    owner = chain.call(contract.functions.ownerOf(passport_id))
    if index is not None:
        index.sync()
        records, timestamp = index.records(collection, passport_id), index.timestamp
    else:
        records = fetch_records(chain, [collection], consortium.deployment.block, chain.w3.eth.block_number,
                                passport_id, chunk=100_000)
        timestamp = _block_timestamps(chain)
    entries, head, owners_seen, resales = [], ZERO32, set(), 0
    for record in records:
        head = fold(head, record)
        entry = _entry(record, timestamp(record.block), head)
        if entry.record == "ownership" and entry.kind not in ("mint", "custody"):
            owners_seen.add(entry.to)
            resales += entry.kind == "resale"
        entries.append(entry)
    stored_head = bytes(passport[6])
    recovery, claim_open, _ = pending_state(chain, contract, passport_id)
    return History(collection, passport_hex(passport_id), consortium.brand(brand_id).name, owner,
                   cli_name(Status(passport[0])), len(owners_seen), resales, "0x" + stored_head.hex(),
                   head == stored_head and len(entries) == passport[3], entries, recovery, claim_open)


def _block_timestamps(chain):
    seen: dict[int, int] = {}

    def timestamp(block: int) -> int:
        if block not in seen:
            seen[block] = chain.w3.eth.get_block(block)["timestamp"]
        return seen[block]
    return timestamp


def _entry(record: Record, timestamp: int, head: bytes) -> HistoryEntry:
    """`head`: the head after this record, as re-derived."""
    common = dict(block=record.block, timestamp=timestamp, tx=record.tx, head="0x" + head.hex(), by=record.actor)
    if record.type == OWNERSHIP:
        return HistoryEntry(record="ownership", kind=cli_name(TransferKind(record.kind)), from_=record.source,
                            to=record.target, **common)
    if record.type == LIFECYCLE:
        return HistoryEntry(record="lifecycle", kind=cli_name(EventKind(record.kind)),
                            details_hash="0x" + record.details.hex(), **common)
    return HistoryEntry(record="status", kind=cli_name(Status(record.kind)), **common)
