"""A passport's history as an EPCIS 2.0 document: one ObjectEvent per ownership change,
lifecycle event and status change, the product named by its GS1 Digital Link EPC, each event
with its CBV 2.0 hash ID as `eventID` (`luxpass.proofs.epcis`).

The EPC is the product's GTIN and serial, which the chain does not hold: whoever asks shows them
with the owner certificate or with a disclosure of those two fields. Each event carries, as
luxpass extension fields, the record it comes from on chain (`luxpass:record`, e.g.
`lifecycle/shipped`, `luxpass:transaction`, `luxpass:block`, and a lifecycle event's
`luxpass:detailsHash`).
"""
from datetime import datetime, timezone

from ..errors import InputError, NotAuthentic
from ..gs1 import DigitalLink, is_gtin
from ..onchain.collection import Collection
from ..proofs import epcis
from ..proofs.certificate import Certificate
from ..proofs.disclosure import Disclosure
from ..proofs.link import read_link
from ..results import from_cli_name
from ..spec import EventKind
from ..values import passport_hex
from .history import History, HistoryEntry, history

# (record, kind) -> (action, bizStep, disposition) of the records that are not lifecycle events
OWNERSHIP_STEPS = {
    "mint": ("ADD", "encoding", "encoded"),
    "custody": ("OBSERVE", "transporting", "in_transit"),
    "first-sale": ("OBSERVE", "retail_selling", "retail_sold"),
    "resale": ("OBSERVE", "retail_selling", "retail_sold"),
    "private-transfer": ("OBSERVE", "urn:luxpass:bizstep:private_transfer", "active"),
    "recovery": ("OBSERVE", "urn:luxpass:bizstep:recovery", "active"),
    "chip-claim": ("OBSERVE", "urn:luxpass:bizstep:chip_claim", "active"),
}
STATUS_STEPS = {
    "lost": ("OBSERVE", None, "urn:luxpass:disp:lost"),
    "stolen": ("OBSERVE", None, "stolen"),
    "active": ("OBSERVE", None, "active"),
    "destroyed": ("DELETE", "decommissioning", "destroyed"),
}


def product_identity(record: dict) -> tuple[str, str]:
    """The GTIN and serial that name the product in EPCIS, from a record or disclosed fields."""
    gtin, serial = record.get("gtin"), record.get("serial")
    if not gtin or not serial:
        raise InputError("EPCIS names the product by its GTIN and serial, and these are not shown",
                         "pass the owner certificate, or a disclosure of the gtin and serial fields")
    if not is_gtin(gtin):
        raise InputError(f"the record's gtin {gtin!r} is not a valid GTIN", "the brand must fix its product record")
    return gtin, serial


def epcis_history(consortium, collection: str, passport_id: int, certificate: Certificate | None = None,
                  disclosure: Disclosure | None = None, index=None) -> dict:
    """The EPCIS 2.0 document of one passport's history; the owner certificate or a disclosure
    shows its gtin and serial, which must be the ones the passport commits to."""
    if certificate is not None:
        if certificate.claimed_passport_id not in (None, certificate.passport_id):
            raise InputError("the certificate's record and salt do not match its passport id",
                             "use the certificate file the brand issued")
        shown = certificate.record
    elif disclosure is not None:
        if disclosure.unproven():
            raise NotAuthentic(f"the disclosure's {', '.join(disclosure.unproven())} do not lead to passport "
                               f"{passport_hex(passport_id)}", "ask the holder for the disclosure as luxpass made it")
        shown = {name: f.value for name, f in disclosure.fields.items()}
    else:
        shown = {}
    gtin, serial = product_identity(shown)
    return history_document(history(consortium, collection, passport_id, index), epcis.epc_of(gtin, serial))


def history_document(story: History, epc: str) -> dict:
    events = [history_event(entry, epc) for entry in story.entries]
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return epcis.document(events, created)


def history_event(entry: HistoryEntry, epc: str) -> dict:
    """One history entry as an ObjectEvent, with its hash ID as eventID."""
    if entry.record == "lifecycle":
        step, disposition = epcis.LIFECYCLE_STEPS[from_cli_name(EventKind, entry.kind)]
        action = "OBSERVE"
    else:
        action, step, disposition = (OWNERSHIP_STEPS if entry.record == "ownership" else STATUS_STEPS)[entry.kind]
    event = {"type": "ObjectEvent", "eventTime": epcis.iso_time(entry.timestamp), "eventTimeZoneOffset": "+00:00",
             "epcList": [epc], "action": action}
    if step:
        event["bizStep"] = step
    if disposition:
        event["disposition"] = disposition
    event |= {"luxpass:record": f"{entry.record}/{entry.kind}", "luxpass:transaction": entry.tx,
              "luxpass:block": entry.block}
    if entry.details_hash:
        event["luxpass:detailsHash"] = entry.details_hash
    namespaces = {"luxpass": epcis.LUXPASS_NAMESPACE}
    return {"type": event.pop("type"), "eventID": epcis.event_hash({"type": "ObjectEvent", **event}, namespaces),
            **event}


def epcis_for_link(consortium, link: DigitalLink, index=None) -> dict:
    """The EPCIS 2.0 history of the product a scanned Digital Link names: its proof shows the GTIN
    and serial are the passport's (`luxpass.proofs.link`). NotAuthentic when they are not, or when
    the consortium has no such passport."""
    proven = read_link(link)
    if not proven.gtin_matches:
        raise NotAuthentic("the GTIN in this link is not the one committed with its serial",
                           "scan the code on the product again")
    passports = Collection(consortium.chain, proven.collection)
    if not consortium.brand_id_of(proven.collection) or not passports.exists([proven.passport_id])[0]:
        raise NotAuthentic(f"no passport of the consortium has this serial and proof ({link.path})",
                           "check the link against the product's code")
    return history_document(history(consortium, proven.collection, proven.passport_id, index),
                            epcis.epc_of(proven.gtin, proven.serial))
