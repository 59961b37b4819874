"""Verification of a passport against the registry, and its whole story from the chain."""
from dataclasses import dataclass, field

from eth_abi import encode
from eth_utils import keccak
from web3 import Web3

from .commitment import Certificate, passport_hex
from .consortium import Consortium
from .errors import InputError
from .results import BrandStatus, EventKind, Status, TransferKind, cli_name

_RECORD_OWNERSHIP, _RECORD_LIFECYCLE, _RECORD_STATUS = 0, 1, 2


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


def verify(consortium: Consortium, collection: str, passport_id: int | None,
           certificate: Certificate | None = None) -> Verdict:
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
        verdict.reason = "no such passport in this collection"
        return verdict
    verdict.exists, verdict.owner = True, owners[0]
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


def history(consortium: Consortium, collection: str, passport_id: int) -> History:
    """Every ownership change, lifecycle event and status change of one passport, in order,
    read from the logs, with the head re-derived and checked against the chain."""
    chain = consortium.chain
    brand_id = chain.call(consortium.registry.functions.brandIdOfCollection(collection))
    if brand_id == 0:
        raise InputError(f"{collection} is not a collection of the consortium", "check the address with `luxpass brand list`")
    contract = chain.contract("BrandPassport", collection)
    passport = chain.call(contract.functions.passport(passport_id))
    owner = chain.call(contract.functions.ownerOf(passport_id))
    logs = _passport_logs(consortium, contract, passport_id)
    entries, head, owners, resales, timestamps = [], b"\x00" * 32, 0, 0, {}
    for log in logs:
        block = log["blockNumber"]
        if block not in timestamps:
            timestamps[block] = chain.w3.eth.get_block(block)["timestamp"]
        entry, record = _entry(log, timestamps[block])
        head = keccak(head + record)
        if entry.record == "ownership" and entry.kind not in ("mint", "custody"):
            owners += 1
            resales += entry.kind == "resale"
        entries.append(entry)
    stored_head = passport[5]
    return History(collection, passport_hex(passport_id), consortium.brand(brand_id).name, owner,
                   cli_name(Status(passport[1])), owners, resales, "0x" + bytes(stored_head).hex(),
                   head == bytes(stored_head) and len(entries) == passport[3], entries)


def _passport_logs(consortium: Consortium, contract, passport_id: int) -> list:
    topic_id = "0x" + passport_id.to_bytes(32, "big").hex()
    events = [contract.events.OwnershipRecorded, contract.events.LifecycleRecorded, contract.events.StatusChanged]
    topics = {e.topic: e for e in events}
    raw = consortium.chain.logs(contract.address, [list(topics), topic_id], consortium.deployment.block)
    logs = [topics[Web3.to_hex(log["topics"][0])]().process_log(log) for log in raw]
    logs.sort(key=lambda log: (log["blockNumber"], log["logIndex"]))
    return logs


def _entry(log, timestamp: int) -> tuple[HistoryEntry, bytes]:
    args, name = log["args"], log["event"]
    common = dict(block=log["blockNumber"], timestamp=timestamp, tx=Web3.to_hex(log["transactionHash"]),
                  head=Web3.to_hex(args["head"]))
    if name == "OwnershipRecorded":
        kind = TransferKind(args["kind"])
        record = encode(["uint8", "address", "address", "uint8", "address"],
                        [_RECORD_OWNERSHIP, args["from"], args["to"], int(kind), args["agent"]])
        return HistoryEntry(record="ownership", kind=cli_name(kind), by=args["agent"], from_=args["from"],
                            to=args["to"], **common), record
    if name == "LifecycleRecorded":
        kind = EventKind(args["kind"])
        record = encode(["uint8", "uint8", "bytes32", "address"],
                        [_RECORD_LIFECYCLE, int(kind), args["detailsHash"], args["by"]])
        return HistoryEntry(record="lifecycle", kind=cli_name(kind), by=args["by"],
                            details_hash=Web3.to_hex(args["detailsHash"]), **common), record
    status = Status(args["current"])
    record = encode(["uint8", "uint8", "address"], [_RECORD_STATUS, int(status), args["by"]])
    return HistoryEntry(record="status", kind=cli_name(status), by=args["by"], **common), record

