"""The `luxpass` command line, in process against the test chain: every flow a role uses,
and bad input answered by one line, a non-zero exit and no change on chain."""
import json

import pytest
from cli_helpers import error_line
from luxpass.chain.accounts import dev_address

ALICE, BOB = 7, 8


@pytest.fixture
def certificate(lux, tmp_path):
    path = tmp_path / "cert.json"
    lux("mint", "--brand", "Maison Aurel", "--serial", "AUR-9", "--field", "model=Tote", "--certificate", path,
        "--dev-account", 5)
    return path


def test_brand_list_and_show_as_json(lux):
    brands = json.loads(lux("brand", "list", "--json").stdout)
    assert [b["name"] for b in brands] == ["Maison Aurel", "Casa Vellutti", "Horlogerie Brandt"]
    assert json.loads(lux("brand", "show", "2", "--json").stdout)["status"] == "active"


def test_council_admits_a_brand_by_vote(lux):
    proposal = json.loads(lux("brand", "propose", "admit", "Atelier Nouveau", "--symbol", "ATN",
                              "--council", dev_address(4), "--dev-account", 1, "--json").stdout)
    vote = json.loads(lux("brand", "vote", proposal["proposal_id"], "--yes", "--dev-account", 3, "--json").stdout)
    assert vote["state"] == "executed"
    assert "Atelier Nouveau" in lux("brand", "list").stdout


def test_a_vote_against_ones_own_vote_is_one_decoded_line_and_the_same_vote_again_is_done(lux, web3):
    proposed = json.loads(lux("brand", "propose", "suspend", "3", "--dev-account", 1, "--json").stdout)
    block = web3.eth.block_number
    result = lux("brand", "vote", "1", "--no", "--dev-account", 1, expect=1)
    assert "RegistryAlreadyVoted(1, 1)" in error_line(result)
    again = json.loads(lux("brand", "vote", "1", "--yes", "--dev-account", 1, "--json").stdout)
    assert (again["status"], again["done"], again["proposal_id"]) == ("already-done", "vote yes on proposal 1", 1)
    assert again["tx"] == proposed["votes"][0]["tx"]
    assert web3.eth.block_number == block


def test_accreditation_proposal(lux):
    result = json.loads(lux("accredit", dev_address(9), "--as", "reseller", "--dev-account", 2, "--json").stdout)
    assert result["kind"] == "accredit" and result["accreditation"] == "reseller"


def test_mint_from_a_json_record(lux, tmp_path):
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"serial": "AUR-77", "model": "Pochette"}))
    minted = json.loads(lux("mint", "--brand", "1", "--record", record, "--dev-account", 5, "--json").stdout)
    assert minted["certificate"]["record"] == {"model": "Pochette", "serial": "AUR-77"}
    assert minted["passport_id"] == minted["certificate"]["passportId"]


def test_story_of_a_product(lux, certificate):
    lux("event", certificate, "--kind", "quality-checked", "--details", "QC ok", "--dev-account", 5)
    lux("transfer", certificate, "--first-sale", "--to", dev_address(ALICE), "--dev-account", 6)
    lux("transfer", certificate, "--to", dev_address(BOB), "--dev-account", ALICE)
    story = json.loads(lux("history", certificate, "--json").stdout)
    assert [e["kind"] for e in story["entries"]] == ["mint", "quality-checked", "first-sale", "private-transfer"]
    assert story["head_verified"] and story["owner"] == dev_address(BOB)
    verdict = json.loads(lux("verify", certificate, "--json").stdout)
    assert verdict["authentic"] and verdict["owner"] == dev_address(BOB)


def test_verify_by_collection_and_id(lux, certificate, consortium):
    cert = json.loads(certificate.read_text())
    result = lux("verify", "--collection", cert["collection"], "--id", cert["passportId"])
    assert result.stdout.startswith("AUTHENTIC")


def test_report_stolen_blocks_transfer_and_fails_verification(lux, certificate):
    lux("transfer", certificate, "--first-sale", "--to", dev_address(ALICE), "--dev-account", 6)
    lux("report", "stolen", certificate, "--dev-account", ALICE)
    result = lux("transfer", certificate, "--to", dev_address(BOB), "--dev-account", ALICE, expect=1)
    assert "PassportNotTransferable" in error_line(result) and "stolen" in error_line(result)
    assert "reported stolen" in lux("verify", certificate, expect=3).stdout
    lux("report", "found", certificate, "--dev-account", ALICE)
    lux("verify", certificate)


def test_forged_certificate_exits_3(lux, certificate, tmp_path):
    data = json.loads(certificate.read_text())
    data["record"]["model"] = "Birkin"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    refused = lux("verify", forged, expect=3)
    assert "NOT AUTHENTIC" in refused.stdout
    assert error_line(refused) == "error: not authentic: the certificate's record and salt do not match the " \
                                  "passport's commitment (forged or altered)"


def test_a_usage_error_is_one_line_with_the_fix(lux):
    assert error_line(lux("transfer", "--brand", "1", "--id", "1", expect=2)) == "error: pass --to NEW_OWNER"
    line = error_line(lux("verify", "--collection", "Maison Aurel", "--id", "1", expect=2))
    assert "Invalid value for '--collection'" in line and "pass --brand 'Maison Aurel'" in line


@pytest.mark.parametrize("args, problem, code", [
    (["verify", "--brand", "1", "--id", "0x1234"], None, 3),
    (["verify", "--brand", "1", "--id", "nope"], "is not a passport id", 2),
    (["verify", "--brand", "Nope", "--id", "1"], "no brand named", 2),
    (["transfer", "--brand", "1", "--id", "1", "--to", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8",
      "--dev-account", "5"], "bad checksum", 2),
    (["transfer", "--brand", "1", "--id", "1", "--to", "0x1234", "--dev-account", "5"], "not an address", 2),
    (["mint", "--brand", "1", "--serial", "X", "--dev-account", "7"], "AccessControlUnauthorizedAccount", 1),
    (["mint", "--brand", "1", "--field", "model=Tote", "--dev-account", "5"], "no serial", 2),
    (["mint", "--brand", "1", "--serial", "X", "--field", "oops", "--dev-account", "5"], "NAME=VALUE", 2),
    (["mint", "--brand", "1", "--serial", "X"], "needs an account", 2),
    (["mint", "--brand", "1", "--serial", "X", "--dev-account", "42"], "out of range", 2),
    (["event", "--brand", "1", "--id", "1", "--kind", "shipped", "--details", "x", "--dev-account", "5"],
     "ERC721NonexistentToken", 1),
    (["brand", "vote", "99", "--yes", "--dev-account", "1"], "RegistryUnknownProposal", 1),
    (["brand", "propose", "admit", "X", "--symbol", "X", "--council", dev_address(9), "--dev-account", "9"],
     "RegistryNotActiveMember", 1),
    (["verify", "/nonexistent/cert.json"], "cannot read certificate", 2),
    (["mint", "--brand", "1", "--serial", "X", "--keystore", "/nonexistent.json", "--password-file", "/nonexistent"],
     "cannot read password file", 2),
])
def test_bad_input_is_one_line_and_changes_nothing(lux, web3, args, problem, code):
    block = web3.eth.block_number
    result = lux(*args, expect=code)
    if problem:
        assert problem in error_line(result)
    assert web3.eth.block_number == block


def test_mint_for_a_suspended_brand_is_refused(lux, web3):
    lux("brand", "propose", "suspend", "Maison Aurel", "--dev-account", 2)
    lux("brand", "vote", "1", "--yes", "--dev-account", 3)
    result = lux("mint", "--brand", "1", "--serial", "AUR-X", "--dev-account", 5, expect=1)
    assert "PassportBrandNotActive(1)" in error_line(result)


def test_wrong_chain_certificate(lux, certificate):
    data = json.loads(certificate.read_text())
    data["chainId"] = 1
    certificate.write_text(json.dumps(data))
    assert "chain 1" in error_line(lux("verify", certificate, expect=2))


def test_no_deployment_on_this_chain(lux, luxpass_home, monkeypatch, tmp_path):
    monkeypatch.setenv("LUXPASS_HOME", str(tmp_path))
    assert "luxpass deploy" in error_line(lux("brand", "list", expect=1))


def test_unreachable_node(lux):
    result = lux("brand", "list", "--rpc-url", "http://127.0.0.1:9", expect=1)
    assert "cannot reach a node" in error_line(result)


def test_keystore_account_signs_with_a_password_file(lux, tmp_path, luxpass_home, web3, signer):
    password = tmp_path / "password"
    password.write_text("correct horse\n")
    created = json.loads(lux("account", "new", "boutique", "--password-file", password, "--json").stdout)
    web3.eth.send_transaction({"from": web3.eth.accounts[0], "to": created["address"], "value": 10**18})
    lux("role", "grant", "minter", created["address"], "--brand", "1", "--dev-account", 1)
    lux("mint", "--brand", "1", "--serial", "KS-1", "--account", "boutique", "--password-file", password)
    password.write_text("wrong")
    result = lux("mint", "--brand", "1", "--serial", "KS-2", "--account", "boutique", "--password-file", password,
                 expect=2)
    assert "wrong password" in error_line(result)
