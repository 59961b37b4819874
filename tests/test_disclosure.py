"""Selective disclosure: a holder proves "made in Italy, calfskin" and nothing else of the record,
before the first sale (with the batch proof) and after it, and any alteration is refused."""
import csv
import json

import pytest
from click.testing import CliRunner

from luxpass.chain.accounts import dev_address
from luxpass.cli import cli
from luxpass.errors import InputError
from luxpass.jobs.batch_issue import issue_csv
from luxpass.proofs.certificate import Certificate
from luxpass.checks.verify import check_disclosure
from luxpass.proofs.disclosure import Disclosure, disclose

ALICE = 7
RECORD = {"serial": "AUR-2026-77A1", "model": "Sac Aurore", "material": "calfskin", "made_in": "Italy",
          "supplier": "Tannerie Dupuis", "price": "EUR 4,850"}
HIDDEN = ("AUR-2026-77A1", "Sac Aurore", "Tannerie Dupuis", "EUR 4,850")


@pytest.fixture
def batch_certificate(as_account, tmp_path) -> Certificate:
    path = tmp_path / "products.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(RECORD))
        writer.writeheader()
        writer.writerow(RECORD)
        writer.writerow({**RECORD, "serial": "AUR-2026-77A2"})
    issue_csv(as_account(5), path, tmp_path / "out", depth=8)
    return Certificate.load(next((tmp_path / "out" / "certificates").iterdir()))


@pytest.fixture
def minted_certificate(as_account) -> Certificate:
    return Certificate.from_dict(as_account(5).mint(RECORD).certificate)


def test_round_trip_before_and_after_the_first_sale(consortium, as_account, batch_certificate):
    disclosure = Disclosure.from_dict(disclose(batch_certificate, ["made_in", "material"]).to_dict())
    before = check_disclosure(consortium, disclosure)
    assert before.authentic and before.fields == {"made_in": "Italy", "material": "calfskin"}
    assert before.verdict.batch_root is not None and not before.verdict.exists
    as_account(6).claim(batch_certificate, dev_address(ALICE))
    after = check_disclosure(consortium, disclosure)
    assert after.authentic and after.fields == before.fields and after.verdict.owner == dev_address(ALICE)


def test_round_trip_of_a_minted_passport(consortium, minted_certificate):
    check = check_disclosure(consortium, disclose(minted_certificate, ["made_in"]))
    assert check.authentic and check.fields == {"made_in": "Italy"} and check.verdict.exists


def test_undisclosed_fields_and_the_salt_are_absent_from_the_file(batch_certificate, tmp_path):
    text = json.dumps(disclose(batch_certificate, ["made_in", "material"]).to_dict())
    secrets = (batch_certificate.record["serial"], batch_certificate.salt.hex(), "serial", "supplier", "price", "model")
    for hidden in HIDDEN + secrets:
        assert hidden not in text
    assert set(json.loads(text)["fields"]) == {"made_in", "material"}


@pytest.mark.parametrize("change", [
    lambda f: f.update(value="France"),
    lambda f: f.update(salt="0x" + "00" * 32),
    lambda f: f["proof"].reverse(),
    lambda f: f["proof"].pop(),
])
def test_tampered_value_salt_or_proof_is_refused(consortium, minted_certificate, change):
    data = disclose(minted_certificate, ["made_in", "material"]).to_dict()
    change(data["fields"]["material"])
    check = check_disclosure(consortium, Disclosure.from_dict(data))
    assert not check.authentic and "'material' is not the one" in check.reason and check.fields == {}


def test_a_disclosure_of_no_passport_and_no_batch_is_refused(consortium, minted_certificate):
    data = disclose(Certificate(31337, minted_certificate.collection, {**minted_certificate.record, "serial": "X"},
                                minted_certificate.salt), ["made_in"]).to_dict()
    check = check_disclosure(consortium, Disclosure.from_dict(data))
    assert not check.authentic and check.reason == "no such passport in this collection" and check.fields == {}


def test_fields_the_record_does_not_have_are_refused(minted_certificate):
    with pytest.raises(InputError, match="no field 'colour'; choose among"):
        disclose(minted_certificate, ["made_in", "colour"])


# --- the command line --------------------------------------------------------------------

def run(rpc_url, *args, expect=0):
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"ETH_RPC_URL": rpc_url})
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"traceback from {args}: {result.exception!r}"
    assert result.exit_code == expect, f"{args} exited {result.exit_code}: {result.output}"
    return result


def test_disclose_and_verify_show_only_the_disclosed_fields(rpc_url, batch_certificate, tmp_path):
    cert, proof = tmp_path / "cert.json", tmp_path / "made-in-italy.json"
    batch_certificate.save(cert)
    run(rpc_url, "disclose", cert, "--field", "made_in", "--field", "material", "--out", proof)
    shown = run(rpc_url, "verify", proof).stdout
    assert shown.startswith("AUTHENTIC: genuine product of a committed batch")
    assert "made_in: Italy\nmaterial: calfskin" in shown and "brand: Maison Aurel (active)" in shown
    assert not any(hidden in shown for hidden in HIDDEN + (batch_certificate.record["serial"],))
    as_json = json.loads(run(rpc_url, "verify", proof, "--json").stdout)
    assert as_json["authentic"] and as_json["fields"] == {"made_in": "Italy", "material": "calfskin"}


def test_bad_disclosure_input_is_one_line(rpc_url, minted_certificate, tmp_path):
    cert, proof = tmp_path / "cert.json", tmp_path / "proof.json"
    minted_certificate.save(cert)
    for args, message in [
        (("disclose", cert, "--field", "colour", "--out", proof), "the record has no field 'colour'"),
        (("disclose", cert, "--field", "made_in", "--out", cert), "is the certificate itself"),
        (("disclose", tmp_path / "none.json", "--field", "made_in", "--out", proof), "cannot read"),
        (("disclose", cert, "--field", "made_in", "--out", "/proc/luxpass/proof.json"), "cannot write"),
    ]:
        result = run(rpc_url, *args, expect=2)
        assert message in result.stderr and result.stderr.count("\n") == 1
    run(rpc_url, "disclose", cert, "--field", "made_in", "--out", proof)
    data = json.loads(proof.read_text())
    data["fields"]["made_in"]["value"] = "France"
    proof.write_text(json.dumps(data))
    refused = run(rpc_url, "verify", proof, expect=3).stdout
    assert refused.startswith("NOT AUTHENTIC: the disclosed field 'made_in'") and "France" not in refused
    data["fields"]["made_in"]["salt"] = "0x12"
    proof.write_text(json.dumps(data))
    assert "the disclosure is malformed" in run(rpc_url, "verify", proof, expect=2).stderr
