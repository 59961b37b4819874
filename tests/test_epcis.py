"""EPCIS 2.0 out: `luxpass history --epcis` gives a passport's story as an EPCIS 2.0 document
that the EPCIS JSON schema accepts, and whose event hash IDs are the ones the independent
`epcis-event-hash-generator` computes."""
import copy
import json

import pytest
from epcis_event_hash_generator import hash_generator
from epcis_event_hash_generator.json_to_py import event_list_from_epcis_document_json
from jsonschema import Draft7Validator, FormatChecker

from cli_helpers import error_line
from luxpass.chain.accounts import dev_address
from luxpass.proofs import epcis
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.disclosure import disclose
from luxpass.spec import EventKind, Status

GTIN = "3760123450003"
ALICE, BOB, SERVICE = 7, 8, 9


def independent_hashes(document: dict) -> list[str]:
    return hash_generator.epcis_hashes_from_events(event_list_from_epcis_document_json(copy.deepcopy(document)))


def schema_validator() -> Draft7Validator:
    return Draft7Validator(json.loads(epcis.SCHEMA_FILE.read_text()), format_checker=FormatChecker())


@pytest.fixture
def bag(as_account, signer, tmp_path):
    """A bag with every kind of record: made, checked, shipped, received, sold new, serviced,
    repaired, given to Bob, reported stolen and found, and at last destroyed."""
    minted = as_account(5).mint({"serial": "AUR/26-0042", "gtin": GTIN, "model": "Sac Seau"})
    cert = Certificate.from_dict(minted.certificate)
    pid = cert.passport_id
    for kind in (EventKind.MANUFACTURED, EventKind.QUALITY_CHECKED, EventKind.SHIPPED, EventKind.RECEIVED_IN_STORE):
        as_account(5 if kind != EventKind.RECEIVED_IN_STORE else 6).record_event(pid, kind, f"{kind.name} details")
    as_account(6).first_sale(pid, dev_address(ALICE))
    as_account(1).set_role("service", dev_address(SERVICE), True)
    as_account(SERVICE).record_event(pid, EventKind.SERVICED, "cleaned")
    as_account(SERVICE).record_event(pid, EventKind.REPAIRED, "new strap")
    as_account(ALICE).transfer(pid, dev_address(BOB))
    as_account(BOB).report(pid, Status.STOLEN)
    as_account(BOB).report(pid, Status.ACTIVE)
    as_account(BOB).report(pid, Status.DESTROYED)
    path = tmp_path / "bag.json"
    cert.save(path)
    return cert, path


def test_history_as_epcis_validates_against_the_epcis_schema_and_hashes_as_gs1s_generator(lux, bag):
    cert, path = bag
    document = json.loads(lux("history", path, "--epcis").stdout)
    assert list(schema_validator().iter_errors(document)) == []
    events = document["epcisBody"]["eventList"]
    steps = [(e["action"], e.get("bizStep"), e.get("disposition")) for e in events]
    assert steps == [
        ("ADD", "encoding", "encoded"), ("OBSERVE", "commissioning", "active"),
        ("OBSERVE", "inspecting", "conformant"), ("OBSERVE", "shipping", "in_transit"),
        ("OBSERVE", "receiving", "sellable_accessible"), ("OBSERVE", "retail_selling", "retail_sold"),
        ("OBSERVE", "urn:luxpass:bizstep:servicing", "active"), ("OBSERVE", "repairing", "active"),
        ("OBSERVE", "urn:luxpass:bizstep:private_transfer", "active"), ("OBSERVE", None, "stolen"),
        ("OBSERVE", None, "active"), ("DELETE", "decommissioning", "destroyed")]
    assert {e["epcList"][0] for e in events} == {f"https://id.gs1.org/01/0{GTIN}/21/AUR%2F26-0042"}
    assert [e["eventID"] for e in events] == independent_hashes(document)
    assert len({e["eventID"] for e in events}) == len(events)
    assert "Sac Seau" not in json.dumps(document) and cert.salt.hex() not in json.dumps(document)


def test_the_library_gives_the_document_the_command_prints(lux, bag, consortium):
    import luxpass

    cert, path = bag
    printed = json.loads(lux("history", path, "--epcis").stdout)
    document = luxpass.epcis_history(consortium, cert.collection, cert.passport_id, cert)
    assert document["epcisBody"] == printed["epcisBody"]


def test_a_disclosure_of_gtin_and_serial_gives_the_same_history(lux, bag, tmp_path):
    cert, path = bag
    shown = tmp_path / "shown.json"
    shown.write_text(json.dumps(disclose(cert, ["gtin", "serial"]).to_dict()))
    by_certificate = json.loads(lux("history", path, "--epcis").stdout)["epcisBody"]["eventList"]
    by_disclosure = json.loads(lux("history", shown, "--epcis").stdout)["epcisBody"]["eventList"]
    assert by_disclosure == by_certificate


def test_epcis_without_the_products_identity_is_refused_in_one_line(lux, bag, tmp_path):
    cert, path = bag
    result = lux("history", "--collection", cert.collection, "--id", hex(cert.passport_id), "--epcis", expect=2)
    assert "EPCIS names the product by its GTIN and serial" in error_line(result)
    shown = tmp_path / "model.json"
    shown.write_text(json.dumps(disclose(cert, ["model"]).to_dict()))
    assert "pass the owner certificate" in error_line(lux("history", shown, "--epcis", expect=2))


def test_a_forged_disclosure_gets_no_epcis_history(lux, bag, tmp_path):
    cert, path = bag
    forged = disclose(cert, ["gtin", "serial"]).to_dict()
    forged["fields"]["serial"]["value"] = "AUR/26-0043"
    shown = tmp_path / "forged.json"
    shown.write_text(json.dumps(forged))
    assert "serial do not lead to passport" in error_line(lux("history", shown, "--epcis", expect=3))


IMPORTED = {  # an export as a brand's traceability system writes it: URNs, offsets, extensions
    "@context": [epcis.EPCIS_CONTEXT, {"ex": "https://erp.maison-aurel.example/epcis/"}],
    "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-01T09:00:00Z",
    "epcisBody": {"eventList": [
        {"type": "ObjectEvent", "eventTime": "2026-03-01T11:00:00.5+01:00", "eventTimeZoneOffset": "+01:00",
         "epcList": ["https://id.maison-aurel.example/01/03760123450003/21/B7", "urn:epc:id:sgtin:376012.0345000.A%2F1"],
         "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
         "readPoint": {"id": "https://id.gs1.org/414/3760123450002"},
         "bizLocation": {"id": "urn:epc:id:sgln:376012.34500.0"},
         "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:1152"},
                                {"type": "inv", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:1"}],
         "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:376012.34500"}],
         "persistentDisposition": {"set": ["completeness_verified"], "unset": ["completeness_inferred"]},
         "ex:lot": "88-B", "ex:weight": "012.50"},
        {"type": "ObjectEvent", "eventTime": "2026-03-02T08:15:30Z", "eventTimeZoneOffset": "-05:00",
         "epcList": ["https://id.gs1.org/01/03760123450003/21/B7"], "action": "OBSERVE",
         "bizStep": "repairing", "disposition": "active", "eventID": "ni:///sha-256;00?ver=CBV2.0",
         "recordTime": "2026-03-02T09:00:00Z"},
    ]},
}


def test_the_hash_of_events_from_other_systems_is_gs1s(tmp_path):
    namespaces = epcis.namespaces_of(IMPORTED["@context"])
    mine = [epcis.event_hash(e, namespaces) for e in IMPORTED["epcisBody"]["eventList"]]
    assert mine == independent_hashes(IMPORTED)
    assert list(schema_validator().iter_errors(IMPORTED)) == []


def test_a_changed_field_changes_the_hash_and_an_unhashed_one_does_not():
    namespaces = epcis.namespaces_of(IMPORTED["@context"])
    event = IMPORTED["epcisBody"]["eventList"][1]
    same = dict(event, eventID="ni:///sha-256;ff?ver=CBV2.0", recordTime="2027-01-01T00:00:00Z")
    moved = dict(event, eventTime="2026-03-02T08:15:30.001Z")
    assert epcis.event_hash(same, namespaces) == epcis.event_hash(event, namespaces)
    assert epcis.event_hash(moved, namespaces) != epcis.event_hash(event, namespaces)
    assert epcis.unhashable_fields(dict(event, ilmd={"lot": "1"})) == ["ilmd"]
    assert epcis.cbv_uri("urn:epcglobal:cbv:bizstep:repairing", "BizStep-") == epcis.cbv_uri("repairing", "BizStep-")
