"""A brand's lifecycle events from an EPCIS 2.0 document its traceability system exported
(`luxpass event --epcis FILE`).

Every event is checked before anything is sent: the EPCIS 2.0 JSON schema, a bizStep that names a
lifecycle kind, fields the CBV event hash covers, EPCs of this collection's own products (found by
serial in this machine's serial ledger) that have a passport, and no event twice in the document.
One bad event and nothing is recorded: each gets its one line, and the brand fixes the export.

What goes on chain of an event is what `luxpass event` puts there: its kind and a salted hash of
its details, here its CBV 2.0 hash ID (`ni:///sha-256;…`). The salt is not random but derived from
a key kept on this machine for the collection (`$LUXPASS_HOME/epcis-keys/`), so that a rerun finds
what it recorded in the passport's logs and records nothing twice, while nobody without the key can
confirm a guess of an event (serial, time, place) against the chain.

An auditor links an on-chain record to its EPCIS event with the import's result (passport,
eventID, detailsSalt): recompute the event's hash ID with any CBV 2.0 implementation, then
keccak256(abi.encode(detailsSalt, eventID)) is the detailsHash of the passport's LifecycleRecorded.
"""
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..chain.accounts import home
from ..errors import InputError
from ..files import read_json
from ..gs1 import parse_link
from ..local.ledger import serial_ledger
from ..onchain.collection import Collection, salted_details_hash
from ..onchain.records import LIFECYCLE, fetch_records
from ..proofs import epcis
from ..results import cli_name
from ..spec import EventKind
from ..values import passport_hex

RECORDED, ALREADY = "recorded", "already recorded"


@dataclass
class ImportedEvent:
    index: int  # its place in the document's eventList, from 1
    event_id: str
    passport_id: str
    kind: str
    outcome: str  # RECORDED or ALREADY
    tx: str | None
    details_hash: str
    details_salt: str


@dataclass
class EpcisImport:
    file: str
    collection: str
    recorded: int
    already_recorded: int
    events: list = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    index: int
    event_id: str
    passport_id: int
    kind: EventKind
    salt: bytes


class EpcisRefused(InputError):
    """Events of the document that cannot be recorded, one line each; nothing was sent."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} event(s) of the EPCIS document cannot be recorded, so none was",
                         "fix each event named above in the export, then run it again")


def import_epcis(passports: Collection, deployment_block: int, path: Path) -> EpcisImport:
    """Record each event of the EPCIS document at `path` once, as a lifecycle event of the
    passport its EPC names; an event already recorded is left as it is."""
    document = read_json(path, "EPCIS document")
    events = _events_of(document, path)
    namespaces = epcis.namespaces_of(document.get("@context"))
    passport_of = _passports_by_serial(passports)
    key = salt_key(passports)
    planned, problems, seen = [], [], {}
    for index, event in enumerate(events, 1):
        try:
            event_id, kind, passport_ids = _check_event(event, namespaces, passport_of)
        except InputError as exc:
            problems.append(f"event {index}: {exc}")
            continue
        if event_id in seen:
            problems.append(f"event {index}: repeats event {seen[event_id]} ({event_id}); remove one of them")
            continue
        seen[event_id] = index
        planned += [_Planned(index, event_id, pid, kind, details_salt(key, pid, event_id)) for pid in passport_ids]
    if problems:
        raise EpcisRefused(problems)
    on_chain = _recorded_details(passports, deployment_block, {p.passport_id for p in planned})
    result = EpcisImport(str(path), passports.address, 0, 0)
    for plan in planned:
        details_hash = salted_details_hash(plan.salt, plan.event_id)
        tx = on_chain.get((plan.passport_id, details_hash))
        outcome = ALREADY if tx else RECORDED
        if tx is None:
            tx = passports.record_event(plan.passport_id, plan.kind, plan.event_id, plan.salt).tx
            on_chain[(plan.passport_id, details_hash)] = tx
        result.recorded += outcome == RECORDED
        result.already_recorded += outcome == ALREADY
        result.events.append(ImportedEvent(plan.index, plan.event_id, passport_hex(plan.passport_id),
                                           cli_name(plan.kind), outcome, tx, "0x" + details_hash.hex(),
                                           "0x" + plan.salt.hex()))
    return result


def _events_of(document, path: Path) -> list:
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        raise InputError(f"{path} is not an EPCIS 2.0 document", "pass the JSON-LD EPCISDocument your system exported")
    events = document.get("epcisBody", {}).get("eventList") if isinstance(document.get("epcisBody"), dict) else None
    if not isinstance(events, list):
        raise InputError(f"{path} has no epcisBody.eventList", "pass the JSON-LD EPCISDocument your system exported")
    envelope = epcis.schema_errors(dict(document, epcisBody={"eventList": []}))
    if envelope:
        raise InputError(f"{path} breaks the EPCIS 2.0 schema at {envelope[0]}", "fix the document's header")
    return events


def _check_event(event, namespaces: dict, passport_of) -> tuple[str, EventKind, list[int]]:
    """The event's hash ID, lifecycle kind and passports; InputError saying what is wrong."""
    if not isinstance(event, dict) or event.get("type") != "ObjectEvent":
        found = event.get("type") if isinstance(event, dict) else type(event).__name__
        raise InputError(f"is a {found}, not an ObjectEvent", "luxpass records ObjectEvents of serialised items")
    errors = epcis.schema_errors(event, "ObjectEvent")
    if errors:
        raise InputError(f"breaks the EPCIS 2.0 schema at {errors[0]}", "fix it in the export")
    unhashable = epcis.unhashable_fields(event)
    if unhashable:
        raise InputError(f"has {', '.join(unhashable)}, which luxpass cannot hash",
                         "leave these fields out of the events you import")
    step = epcis.bare_step(event.get("bizStep", ""))
    if step not in epcis.KIND_OF_STEP:
        raise InputError(f"bizStep {event.get('bizStep')!r} names no lifecycle event",
                         f"use one of {', '.join(sorted(epcis.KIND_OF_STEP))}")
    if not event.get("epcList"):
        raise InputError("names no product (its epcList is empty)", "list the products' EPCs")
    try:
        event_id = epcis.event_hash(event, namespaces)
    except (KeyError, TypeError, AttributeError):
        raise InputError("has a field the CBV event hash cannot read", "check it against the EPCIS 2.0 schema") from None
    return event_id, epcis.KIND_OF_STEP[step], [passport_of(epc) for epc in event["epcList"]]


def _passports_by_serial(passports: Collection):
    ledger = serial_ledger(passports)
    brand = passports.name()

    def passport_of(epc: str) -> int:
        canonical = epcis.canonical_epc(epc)
        try:
            serial = parse_link(canonical).serial
        except InputError:
            raise InputError(f"EPC {epc!r} is not an item's GS1 Digital Link or SGTIN",
                             "name each product as https://id.gs1.org/01/<GTIN>/21/<serial>") from None
        entries = ledger.serials.get(serial, [])
        live = [e for e, there in zip(entries, passports.still_issued(entries)) if there and not e.get("batchRoot")]
        if not live:
            why = "its serial is not one this collection issued" if not entries else "its passport is not minted yet"
            raise InputError(f"EPC {canonical} is not a passport of {brand}'s collection ({why})",
                             "import only your own products' events, after their passports are issued")
        return int(live[-1]["passportId"], 16)
    return passport_of


def salt_key(passports: Collection) -> bytes:
    """The collection's key for the salts of imported events, made once and never replaced."""
    path = home() / "epcis-keys" / f"{passports.chain.chain_id}-{passports.address}.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
        except FileExistsError:
            pass
    try:
        return bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise InputError(f"the EPCIS salt key {path} is damaged", "restore it from your backup") from None


def details_salt(key: bytes, passport_id: int, event_id: str) -> bytes:
    return hmac.new(key, passport_id.to_bytes(32, "big") + event_id.encode(), hashlib.sha256).digest()


def _recorded_details(passports: Collection, from_block: int, passport_ids: set[int]) -> dict:
    """(passport, detailsHash) -> tx of every lifecycle event the passports already have."""
    latest = passports.chain.w3.eth.block_number
    found = {}
    for pid in passport_ids:
        for record in fetch_records(passports.chain, [passports.address], from_block, latest, pid, chunk=100_000):
            if record.type == LIFECYCLE:
                found[(pid, record.details)] = record.tx
    return found
