"""EPCIS in: `luxpass event --epcis FILE` records a brand's lifecycle events from its EPCIS 2.0
export, each once: a rerun records nothing, a bad event stops the whole import with its own
line, and nothing of an event is on chain in the clear."""
import json

import pytest
from eth_abi import encode
from eth_utils import keccak

from luxpass.chain.accounts import dev_address
from luxpass.local import certificates
from luxpass.onchain.collection import Collection
from luxpass.proofs import epcis

GTIN = "03760123450003"
BRAND = "Maison Aurel"


def epc(serial: str) -> str:
    return f"https://id.maison-aurel.example/01/{GTIN}/21/{serial}"


def event(step: str, time: str, *serials: str, **extra) -> dict:
    return {"type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+01:00",
            "epcList": [epc(s) for s in serials], "action": "OBSERVE", "bizStep": step, **extra}


def export(tmp_path, *events, name="export.jsonld"):
    path = tmp_path / name
    path.write_text(json.dumps(epcis.document(list(events), "2026-03-01T09:00:00Z")))
    return path


@pytest.fixture
def bags(as_account):
    for serial in ("EPC-1", "EPC-2"):
        certificates.mint(as_account(5), {"serial": serial, "gtin": GTIN, "model": "Pochette"})  # in the serial ledger
    return "EPC-1", "EPC-2"


def lifecycle_of(lux, serial_passport: str) -> list[dict]:
    story = json.loads(lux("history", "--brand", BRAND, "--id", serial_passport, "--json").stdout)
    return [e for e in story["entries"] if e["record"] == "lifecycle"]


def test_an_export_is_recorded_once_and_a_rerun_records_nothing(lux, bags, tmp_path, web3):
    path = export(tmp_path,
                  event("commissioning", "2026-03-01T08:00:00.000+01:00", *bags, readPoint={"id": "https://id.gs1.org/414/3760123450002"}),
                  event("inspecting", "2026-03-01T09:30:00.000+01:00", bags[0]),
                  event("https://ref.gs1.org/cbv/BizStep-shipping", "2026-03-02T07:00:00.000+01:00", bags[0]))
    first = json.loads(lux("event", "--epcis", path, "--brand", BRAND, "--dev-account", 5, "--json").stdout)
    assert (first["recorded"], first["already_recorded"]) == (4, 0)
    assert [(e["index"], e["kind"]) for e in first["events"]] == [
        (1, "manufactured"), (1, "manufactured"), (2, "quality-checked"), (3, "shipped")]
    bag_1 = first["events"][0]["passport_id"]
    recorded = lifecycle_of(lux, bag_1)
    assert [e["kind"] for e in recorded] == ["manufactured", "quality-checked", "shipped"]
    # what an auditor checks: the salted hash of each event's CBV hash ID is the one on chain
    for imported, on_chain in zip([e for e in first["events"] if e["passport_id"] == bag_1], recorded):
        salt = bytes.fromhex(imported["details_salt"][2:])
        assert on_chain["details_hash"] == "0x" + keccak(encode(["bytes32", "string"], [salt, imported["event_id"]])).hex()

    block = web3.eth.block_number
    again = json.loads(lux("event", "--epcis", path, "--brand", BRAND, "--dev-account", 5, "--json").stdout)
    assert (again["recorded"], again["already_recorded"]) == (0, 4)
    assert [e["tx"] for e in again["events"]] == [e["tx"] for e in first["events"]]
    assert web3.eth.block_number == block


def test_nothing_of_an_imported_event_is_on_chain_in_the_clear(lux, bags, tmp_path, web3):
    shipped = event("shipping", "2026-03-02T07:00:00.000+01:00", bags[1], readPoint={"id": "https://id.gs1.org/414/3760123450002"})
    result = json.loads(lux("event", "--epcis", export(tmp_path, shipped), "--brand", BRAND, "--dev-account", 5,
                            "--json").stdout)
    tx = web3.eth.get_transaction(result["events"][0]["tx"])
    receipt = web3.eth.get_transaction_receipt(result["events"][0]["tx"])
    published = bytes(tx["input"]) + b"".join(bytes(log["data"]) + b"".join(log["topics"]) for log in receipt["logs"])
    event_hash = epcis.hash_bytes(result["events"][0]["event_id"])
    for secret in (bags[1].encode(), b"3760123450002", event_hash, keccak(event_hash),
                   keccak(result["events"][0]["event_id"].encode())):
        assert secret not in published


def test_a_bad_event_is_named_in_one_line_each_and_nothing_is_recorded(lux, bags, tmp_path, web3, consortium, signer):
    other = Collection(signer(2), consortium.brand(2).collection)
    other.set_role("minter", dev_address(2), True)
    certificates.mint(other, {"serial": "VEL-9", "gtin": GTIN})
    good = event("shipping", "2026-03-03T10:00:00.000+01:00", bags[0])
    no_offset = {k: v for k, v in event("shipping", "2026-03-03T11:00:00Z", bags[0]).items()
                 if k != "eventTimeZoneOffset"}
    path = export(tmp_path, good, no_offset, event("shipping", "2026-03-03T12:00:00Z", "VEL-9"), dict(good),
                  event("void_shipping", "2026-03-03T13:00:00Z", bags[0]),
                  event("repairing", "2026-03-03T14:00:00Z", bags[0], action="ADD", ilmd={"luxpass:lot": "88-B"}),
                  {"type": "AggregationEvent", "eventTime": "2026-03-03T15:00:00Z", "eventTimeZoneOffset": "+00:00",
                   "action": "ADD", "parentID": "urn:epc:id:sscc:376012.0000000001"})
    block = web3.eth.block_number
    result = lux("event", "--epcis", path, "--brand", BRAND, "--dev-account", 5, expect=2)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 6, result.stderr
    assert errors[0].startswith("error: event 2: breaks the EPCIS 2.0 schema at top level: "
                                "'eventTimeZoneOffset' is a required property")
    assert errors[1].startswith(f"error: event 3: EPC https://id.gs1.org/01/{GTIN}/21/VEL-9 is not a passport of "
                                "Maison Aurel's collection")
    assert errors[2].startswith("error: event 4: repeats event 1 (ni:///sha-256;")
    assert errors[3].startswith("error: event 5: bizStep 'void_shipping' names no lifecycle event")
    assert errors[4].startswith("error: event 6: has ilmd, which luxpass cannot hash")
    assert errors[5].startswith("error: event 7: is a AggregationEvent, not an ObjectEvent")
    assert "Traceback" not in result.output and web3.eth.block_number == block


def test_a_file_that_is_no_epcis_document_is_refused(lux, tmp_path):
    path = tmp_path / "not.json"
    path.write_text(json.dumps({"type": "EPCISDocument", "schemaVersion": "2.0"}))
    result = lux("event", "--epcis", path, "--brand", BRAND, "--dev-account", 5, expect=2)
    assert "has no epcisBody.eventList" in result.stderr
    path.write_text(json.dumps({"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-01T09:00:00Z",
                                "epcisBody": {"eventList": []}}))
    assert "breaks the EPCIS 2.0 schema at top level: '@context' is a required property" in \
        lux("event", "--epcis", path, "--brand", BRAND, "--dev-account", 5, expect=2).stderr
    assert "leave out --kind" in lux("event", "--epcis", path, "--brand", BRAND, "--kind", "shipped",
                                     "--dev-account", 5, expect=2).stderr
