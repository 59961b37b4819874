"""GTINs, GS1 Digital Link URIs and the passport link: every URI luxpass writes is read back
by an independent GS1 parser (biip) with the same GTIN and serial, and by luxpass itself with
the passport id the serial's proof leads to."""
import json
import random
import string

import pytest
import segno
from biip import parse as biip_parse
from click.testing import CliRunner
from brownie.test import given
from hypothesis import settings
from hypothesis import strategies as st

from eth_utils import to_checksum_address

from luxpass.cli import cli
from luxpass.errors import InputError
from luxpass.gs1 import build_link, gtin_check_digit, is_gtin, parse_gtin, parse_link
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.link import link_for, read_link
from luxpass.values import new_salt

COLLECTION = to_checksum_address("0x" + "ab" * 20)
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
# Published GS1 examples: GTIN-13, GTIN-12 (UPC-A), GTIN-8, GTIN-14.
KNOWN = ["9506000134352", "614141123452", "96385074", "10614141123459"]


def with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


def biip_reads(uri: str) -> tuple[str, str]:
    result = biip_parse(uri)
    assert result.gs1_digital_link_uri_error is None, result.gs1_digital_link_uri_error
    strings = {e.ai.ai: e for e in result.gs1_digital_link_uri.element_strings}
    assert strings["01"].gtin_error is None, strings["01"].gtin_error
    return strings["01"].gtin.value, strings["21"].value


def certificate(record: dict) -> Certificate:
    return Certificate(31337, COLLECTION, dict(sorted(record.items())), new_salt())


@pytest.mark.parametrize("gtin", KNOWN)
def test_published_gtins_have_valid_check_digits(gtin):
    assert is_gtin(gtin)
    assert gtin_check_digit(gtin[:-1]) == int(gtin[-1])
    assert parse_gtin(gtin) == gtin.zfill(14)


@settings(max_examples=40)
@given(st.text("0123456789", min_size=7, max_size=13).filter(lambda b: len(b) + 1 in (8, 12, 13, 14)))
def test_check_digits_agree_with_biip(body):
    gtin = with_check_digit(body)
    assert biip_parse(gtin.zfill(14)).gtin.check_digit == int(gtin[-1])
    wrong = body + str((int(gtin[-1]) + 1) % 10)
    assert not is_gtin(wrong)


@pytest.mark.parametrize("bad, problem", [
    ("9506000134353", "has check digit 3, expected 2"),
    ("950600013435", "has check digit 5, expected"),
    ("95060001343", "is not 8, 12, 13 or 14 digits"),
    ("9506000l34352", "is not 8, 12, 13 or 14 digits"),
    ("", "is not 8, 12, 13 or 14 digits"),
    ("٩٥٠٦٠٠٠١٣٤٣٥٢", "is not 8, 12, 13 or 14 digits"),  # digits, but not ASCII ones
])
def test_bad_gtins_are_refused_in_one_line(bad, problem):
    with pytest.raises(InputError) as refused:
        parse_gtin(bad)
    assert problem in str(refused.value) and refused.value.fix and "\n" not in str(refused.value)


@pytest.mark.parametrize("serial", ["", "A" * 21, "AUR 1", "AUR-1\n", "é1", "a#1"])
def test_serials_gs1_cannot_carry_are_refused(serial):
    with pytest.raises(InputError, match="cannot be a GS1 serial number"):
        build_link("https://id.example.com", KNOWN[0], serial)


@pytest.mark.parametrize("resolver", ["ftp://id.example.com", "id.example.com", "https://id.example.com/?x=1",
                                      "https://id.example.com/2024/"])
def test_bad_resolvers_are_refused(resolver):
    with pytest.raises(InputError, match="resolver"):
        build_link(resolver, KNOWN[0], "AUR-1")


@settings(max_examples=60)
@given(gtin=st.sampled_from(KNOWN), serial=st.text(CSET82, min_size=1, max_size=20),
       resolver=st.sampled_from(["https://id.maison-aurel.com", "http://127.0.0.1:8000", "https://example.com/dl"]))
def test_uris_round_trip_and_biip_reads_them(gtin, serial, resolver):
    link = build_link(resolver, gtin, serial, {"c": COLLECTION, "k": "AQID"})
    assert parse_link(link.uri) == link
    assert biip_reads(link.uri) == (gtin.zfill(14), serial)


def test_uri_has_the_digital_link_shape():
    link = build_link("https://id.maison-aurel.com/", "9506000134352", "AUR-1/2?", {"c": COLLECTION})
    assert link.uri == f"https://id.maison-aurel.com/01/09506000134352/21/AUR-1%2F2%3F?c={COLLECTION}"


@pytest.mark.parametrize("uri", ["https://id.example.com/01/09506000134352", "https://id.example.com/21/AUR-1",
                                 "https://id.example.com/01/09506000134352/21/AUR-1/10/LOT", "not a uri"])
def test_uris_of_no_serialised_item_are_refused(uri):
    with pytest.raises(InputError):
        parse_link(uri)


@settings(max_examples=40)
@given(extra=st.integers(0, 14), gtin_digits=st.sampled_from([8, 12, 13, 14]), seed=st.integers(0, 2**32))
def test_every_passport_link_is_read_by_biip_and_leads_to_its_passport(extra, gtin_digits, seed):
    rng = random.Random(seed)
    serial = "".join(rng.choice(CSET82) for _ in range(rng.randint(1, 20)))
    gtin = with_check_digit("".join(rng.choice(string.digits) for _ in range(gtin_digits - 1)))
    record = {"serial": serial, "gtin": gtin, **{f"field{i}": str(rng.random()) for i in range(extra)}}
    cert = certificate(record)
    link = link_for(cert, "https://id.maison-aurel.com")
    assert biip_reads(link.uri) == (gtin.zfill(14), serial)
    proven = read_link(parse_link(link.uri))
    assert proven.passport_id == cert.passport_id and proven.gtin_matches and proven.collection == COLLECTION
    assert cert.salt.hex() not in link.uri and all(value not in link.uri for key, value in record.items()
                                                    if key.startswith("field") and len(value) > 4)


def test_an_altered_serial_leads_to_another_passport():
    cert = certificate({"serial": "AUR-1", "gtin": KNOWN[0], "model": "Tote"})
    link = link_for(cert, "https://id.example.com")
    altered = read_link(parse_link(link.uri.replace("/21/AUR-1", "/21/AUR-2")))
    assert altered.passport_id != cert.passport_id


def test_an_altered_gtin_is_caught_by_the_proof():
    cert = certificate({"serial": "AUR-1", "gtin": KNOWN[0], "model": "Tote"})
    link = link_for(cert, "https://id.example.com")
    other = with_check_digit("950600013436")
    altered = read_link(parse_link(link.uri.replace("/01/09506000134352/", f"/01/{other.zfill(14)}/")))
    assert altered.passport_id == cert.passport_id and not altered.gtin_matches


def test_every_altered_byte_of_the_proof_is_caught():
    cert = certificate({"serial": "AUR-1", "gtin": KNOWN[0], "model": "Tote", "colour": "noir", "size": "M"})
    link = link_for(cert, "https://id.example.com")
    import base64

    proof = base64.urlsafe_b64decode(link.query["k"] + "==")
    for at in range(3, len(proof)):
        flipped = proof[:at] + bytes([proof[at] ^ 1]) + proof[at + 1:]
        k = base64.urlsafe_b64encode(flipped).rstrip(b"=").decode()
        proven = read_link(parse_link(link.uri.replace(link.query["k"], k)))
        assert proven.passport_id != cert.passport_id or not proven.gtin_matches, f"byte {at} not caught"


@pytest.mark.parametrize("query, problem", [
    ("c=0x1234&k=AQID", "is not an address"),
    ("k=AQID", "is not an address"),
    (f"c={COLLECTION}&k=***", "is not base64url"),
    (f"c={COLLECTION}&k=AQID", "is not a luxpass proof"),
    (f"c={COLLECTION}", "is not a luxpass proof"),
])
def test_malformed_link_parameters_are_refused(query, problem):
    with pytest.raises(InputError, match=problem):
        read_link(parse_link(f"https://id.example.com/01/{KNOWN[0].zfill(14)}/21/AUR-1?{query}"))


@pytest.mark.parametrize("record, problem", [
    ({"serial": "AUR-1", "model": "Tote"}, "has no gtin field"),
    ({"serial": "AUR-1", "gtin": "9506000134353"}, "is not a valid GTIN"),
    ({"serial": "AUR 1", "gtin": KNOWN[0]}, "cannot be a GS1 serial number"),
])
def test_certificates_that_cannot_make_a_link_are_refused(record, problem):
    with pytest.raises(InputError, match=problem):
        link_for(certificate(record), "https://id.example.com")


def test_a_certificate_whose_id_does_not_match_is_refused():
    cert = certificate({"serial": "AUR-1", "gtin": KNOWN[0]})
    forged = Certificate(cert.chain_id, cert.collection, {**cert.record, "model": "Tote"}, cert.salt, cert.passport_id)
    with pytest.raises(InputError, match="do not match its passport id"):
        link_for(forged, "https://id.example.com")


def test_certificate_qr_writes_svg_and_png_and_prints_the_uri(tmp_path):
    cert = certificate({"serial": "AUR-2026-00001-8DAD", "gtin": KNOWN[0], "model": "Pochette Nuit"})
    cert.save(tmp_path / "aur-1.json")
    result = CliRunner().invoke(cli, ["certificate", "qr", str(tmp_path / "aur-1.json"), "--resolver",
                                      "https://id.maison-aurel.com", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["uri"] == link_for(cert, "https://id.maison-aurel.com").uri
    assert biip_reads(out["uri"]) == (KNOWN[0].zfill(14), "AUR-2026-00001-8DAD")
    assert out["svg"] == str(tmp_path / "aur-1.qr.svg") and out["png"] == str(tmp_path / "aur-1.qr.png")
    assert (tmp_path / "aur-1.qr.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "<svg" in (tmp_path / "aur-1.qr.svg").read_text()
    assert out["qr_version"] == segno.make(out["uri"], error="m").version and out["modules"] == 17 + 4 * out["qr_version"]
    assert not out["local_resolver"] and "warning" not in result.stderr


def test_certificate_qr_warns_of_a_local_resolver_and_says_its_size(tmp_path):
    certificate({"serial": "AUR-2026-00002", "gtin": KNOWN[0]}).save(tmp_path / "aur-2.json")
    result = CliRunner().invoke(cli, ["certificate", "qr", str(tmp_path / "aur-2.json"), "--resolver",
                                      "http://127.0.0.1:8000"])
    assert result.exit_code == 0, result.output
    assert "warning: the resolver http://127.0.0.1:8000 is local" in result.stderr
    assert "QR code version" in result.stderr and "px per module" in result.stderr


@pytest.mark.parametrize("record, args, problem", [
    ({"serial": "AUR-1"}, [], "has no gtin field"),
    ({"serial": "AUR-1", "gtin": KNOWN[0]}, ["--resolver", "id.example.com"], "is not an http(s) URL"),
])
def test_certificate_qr_bad_input_is_one_line_and_exit_2(tmp_path, record, args, problem):
    certificate(record).save(tmp_path / "c.json")
    result = CliRunner().invoke(cli, ["certificate", "qr", str(tmp_path / "c.json"), *args])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ") and problem in result.stderr
    assert not (tmp_path / "c.qr.png").exists()
