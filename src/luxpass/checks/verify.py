"""Verification of a passport, or of a holder's disclosure of chosen fields, against the registry."""
from dataclasses import dataclass, field

from ..errors import InputError
from ..onchain.collection import Collection
from ..onchain.registry import Consortium
from ..proofs.batch import proves
from ..proofs.certificate import BatchProof, Certificate
from ..proofs.disclosure import Disclosure
from ..results import cli_name, utc
from ..spec import BrandStatus, Status
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
    brand_left_on: str | None = None  # UTC date the brand left the consortium (was removed)


def pending_state(collection: Collection, passport_id: int,
                  block: int | str = "latest") -> tuple[dict | None, bool, list[str]]:
    """What could move the passport without a new act of its owner: a pending recovery and an
    open chip claim, with the warnings a buyer must read before paying."""
    new_owner, ready_at = collection.pending_recovery(passport_id, block)
    claim_open = collection.chip_claim_open(passport_id, block)
    recovery = {"new_owner": new_owner, "ready_at": ready_at} if ready_at else None
    warnings = []
    if recovery:
        warnings.append(f"a recovery to {new_owner} is pending (ready {utc(ready_at)}): the passport moves there "
                        "unless its owner cancels it")
    if claim_open:
        warnings.append("the owner opened a chip claim: whoever holds the item can claim the passport")
    return recovery, claim_open, warnings


def check_same_chain(chain, what: str, chain_id: int) -> None:
    """A certificate or disclosure is checked on the chain it was issued for, and says which one."""
    if chain_id != chain.chain_id:
        raise InputError(f"the {what} is for chain {chain_id} but the node at {chain.rpc_url} is chain {chain.chain_id}",
                         f"pass --rpc-url of a node of chain {chain_id}")


def verify(consortium: Consortium, collection: str, passport_id: int | None,
           certificate: Certificate | None = None, batch: BatchProof | None = None) -> Verdict:
    """Check a passport: genuine collection of a member brand, passport exists, certificate
    matches its commitment, status, owner and brand status."""
    chain = consortium.chain
    if certificate is not None:
        check_same_chain(chain, "certificate", certificate.chain_id)
        collection = certificate.collection
        passport_id = certificate.claimed_passport_id or certificate.passport_id
    shown_id = passport_hex(passport_id) if passport_id else None
    verdict = Verdict(False, "", collection, shown_id)
    brand_id = consortium.brand_id_of(collection)
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
        # It minted only while active (the collection refuses otherwise): its passports were genuine when issued.
        verdict.brand_left_on = consortium.left_on(brand_id)
        verdict.warnings.append(f"{brand.name} left the consortium on {verdict.brand_left_on}: it can no longer "
                                "issue passports, record events, rule on cases or change this passport's links")
    passports = Collection(chain, collection)
    exists, owners, statuses = passports.passports_state([passport_id])
    if not exists[0]:
        batch = batch or (certificate.batch if certificate else None)
        if batch is not None and brand.status != BrandStatus.REMOVED:
            return verify_unclaimed(passports, verdict, brand, passport_id, batch, certificate)
        if batch is not None:
            verdict.reason = (f"{brand.name} left the consortium on {verdict.brand_left_on} before this product's "
                              "passport was claimed: it can no longer be claimed")
            return verdict
        verdict.reason = "no such passport in this collection"
        return verdict
    verdict.exists, verdict.owner = True, owners[0]
    verdict.pending_recovery, verdict.chip_claim_open, pending = pending_state(passports, passport_id)
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
    verdict.reason = (f"issued by {brand.name} while a member; {brand.name} left the consortium on "
                      f"{verdict.brand_left_on}" if verdict.brand_left_on else
                      "genuine passport of a member brand") + (" (certificate matches)" if certificate else "")
    return verdict


def verify_unclaimed(passports: Collection, verdict: Verdict, brand, passport_id: int, batch: BatchProof,
                     certificate: Certificate | None) -> Verdict:
    """A product of a batch whose passport is claimed at its first sale: genuine when the batch's
    root is committed in this collection and the proof leads from its commitment to that root."""
    verdict.batch_root = "0x" + batch.root.hex()
    if certificate is not None:
        verdict.certificate_matches = certificate.passport_id == passport_id
        if not verdict.certificate_matches:
            verdict.reason = "the certificate's record and salt do not match its commitment (forged or altered)"
            return verdict
    if passports.batch_committed_at(batch.root) == 0:
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
class DisclosureCheck:
    authentic: bool
    reason: str
    fields: dict[str, str]  # the disclosed fields, shown only once proven
    verdict: Verdict | None = None


def check_disclosure(consortium: Consortium, disclosure: Disclosure) -> DisclosureCheck:
    """Each disclosed field must lead to the passport's commitment, and the passport (or, before
    its first sale, the product's batch) must verify against the registry."""
    chain = consortium.chain
    check_same_chain(chain, "disclosure", disclosure.chain_id)
    unproven = disclosure.unproven()
    if unproven:
        return DisclosureCheck(False, f"the disclosed field {unproven[0]!r} is not the one the product's commitment "
                                      "holds (an altered value, salt or proof)", {})
    verdict = verify(consortium, disclosure.collection, disclosure.passport_id, batch=disclosure.batch)
    if not verdict.authentic:
        return DisclosureCheck(False, verdict.reason, {}, verdict)
    fields = {name: f.value for name, f in disclosure.fields.items()}
    return DisclosureCheck(True, f"{verdict.reason}; the disclosed fields are the product's own", fields, verdict)
