"""Commitments, certificates and the parsing of user input (no chain needed)."""
import pytest

from luxpass.errors import InputError
from luxpass.proofs.certificate import Certificate, commitment, field_leaf, field_salt
from luxpass.proofs.merkle import merkle_root
from luxpass.values import normalize_record, parse_address, parse_passport_id

SALT = bytes(range(32))
RECORD = {"serial": "AUR-1", "model": "Tote", "material": "calfskin"}


def test_commitment_is_deterministic_and_order_free():
    shuffled = dict(reversed(list(RECORD.items())))
    assert commitment(normalize_record(RECORD), SALT) == commitment(normalize_record(shuffled), SALT)


def test_commitment_changes_with_any_field_or_the_salt():
    base = commitment(normalize_record(RECORD), SALT)
    assert commitment(normalize_record({**RECORD, "model": "Tote "}), SALT) == base  # values are stripped
    assert commitment(normalize_record({**RECORD, "model": "Totes"}), SALT) != base
    assert commitment(normalize_record({**RECORD, "colour": "noir"}), SALT) != base
    assert commitment(normalize_record(RECORD), bytes(32)) != base


def test_commitment_is_the_merkle_root_of_salted_field_leaves():
    record = normalize_record(RECORD)
    leaves = sorted(field_leaf(k, v, field_salt(SALT, k)) for k, v in record.items())
    assert commitment(record, SALT) == merkle_root(leaves)
    assert merkle_root([leaves[0]]) == leaves[0]


def test_certificate_round_trip(tmp_path):
    cert = Certificate(31337, "0x" + "ab" * 20, normalize_record(RECORD), SALT)
    path = tmp_path / "cert.json"
    cert.save(path)
    loaded = Certificate.load(path)
    assert loaded.passport_id == cert.passport_id == loaded.claimed_passport_id
    assert loaded.collection == parse_address("0x" + "ab" * 20)


@pytest.mark.parametrize("record, problem", [
    ({}, "non-empty"),
    ({"model": "Tote"}, "no serial"),
    ({"serial": "A", "price": [1]}, "text or a number"),
    ({"serial": "A", "x": "y" * 2000}, "longer than"),
    ("serial", "non-empty JSON object"),
])
def test_bad_records_are_refused(record, problem):
    with pytest.raises(InputError, match=problem):
        normalize_record(record)


@pytest.mark.parametrize("text, problem", [
    ("0x123", "not an address"),
    ("70997970C51812dc3A010C7d01b50e0d17dc79C8", "not an address"),
    ("0x70997970C51812dc3A010C7d01b50e0d17dc79c8", "bad checksum"),
    ("0xZZ997970C51812dc3A010C7d01b50e0d17dc79C8", "not an address"),
])
def test_bad_addresses_are_refused(text, problem):
    with pytest.raises(InputError, match=problem):
        parse_address(text)


def test_addresses_in_one_case_are_accepted():
    checksummed = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert parse_address(checksummed.lower()) == checksummed
    assert parse_address(checksummed) == checksummed


@pytest.mark.parametrize("text", ["zz", "0x", "-1", "0", str(2**256)])
def test_bad_passport_ids_are_refused(text):
    with pytest.raises(InputError):
        parse_passport_id(text)


def test_passport_ids_in_hex_or_decimal():
    assert parse_passport_id("0x10") == parse_passport_id("16") == 16


@pytest.mark.parametrize("change, problem", [
    ({"format": "other"}, "not a luxpass owner certificate"),
    ({"salt": "0x1234"}, "not 32 bytes"),
    ({"salt": "nothex"}, "not hex"),
    ({"collection": "0x12"}, "not an address"),
])
def test_bad_certificates_are_refused(change, problem):
    data = {**Certificate(31337, "0x" + "ab" * 20, normalize_record(RECORD), SALT).to_dict(), **change}
    with pytest.raises(InputError, match=problem):
        Certificate.from_dict(data)


@pytest.mark.parametrize("name, value", [
    ("serial", "AUR-1"), ("", ""), ("made_in", "Italia — Firenze ☂"), ("x" * 32, "y" * 64), ("n" * 33, "v" * 1024),
])
def test_hand_encoded_field_hashes_equal_eth_abi(name, value):
    from eth_abi import encode
    from eth_utils import keccak

    fsalt = field_salt(SALT, name)
    assert fsalt == keccak(encode(["bytes32", "string"], [SALT, name]))
    assert field_leaf(name, value, fsalt) == keccak(keccak(encode(["string", "string", "bytes32"], [name, value, fsalt])))
