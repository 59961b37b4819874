"""Resale through an accredited reseller with the seller's consent, permits, recovery and the
brand's view of its second-hand market: library and CLI, end to end."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from luxpass.chain.accounts import dev_address
from luxpass.checks.history import history
from luxpass.checks.resales import resale_figures
from luxpass.errors import ContractRevert
from luxpass.local.deployments import open_consortium
from luxpass.onchain.consent import ConsentCheck, Signed, check_consent, sign_resale_consent, typed_data_digest
from luxpass.spec import Accreditation, Status

ROOT = Path(__file__).resolve().parents[1]
ALICE, BOB, CAROL, RESELLER = 7, 8, 4, 9


@pytest.fixture
def reseller(consortium, signer):
    proposal = open_consortium(signer(1)).propose_accreditation(signer(RESELLER).address, Accreditation.RESELLER, True)
    open_consortium(signer(2)).vote(proposal.proposal_id, True)
    return RESELLER


@pytest.fixture
def sold(as_account, signer):
    """A passport of brand 1 sold to Alice; returns its id."""
    minted = as_account(5).mint({"serial": "AUR-R1", "model": "Tote"})
    pid = int(minted.passport_id, 16)
    as_account(6).first_sale(pid, signer(ALICE).address)
    return pid


def test_consented_resale_end_to_end(lux, as_account, sold, reseller, tmp_path, consortium, signer):
    consent = tmp_path / "consent.json"
    lux("consent", "sign", "--brand", "1", "--id", sold, "--reseller", dev_address(RESELLER), "--buyer", dev_address(BOB), "--terms", "EUR 4,800",
        "--out", consent, "--dev-account", ALICE)
    assert json.loads(lux("consent", "check", consent, "--json").stdout)["valid"]
    done = json.loads(lux("transfer", "--consent", consent, "--dev-account", RESELLER, "--json").stdout)
    assert done["status"] == "recorded" and done["buyer"] == dev_address(BOB)
    again = json.loads(lux("transfer", "--consent", consent, "--dev-account", RESELLER, "--json").stdout)
    assert (again["status"], again["tx"], again["buyer"]) == ("already-done", done["tx"], dev_address(BOB))
    used = json.loads(lux("consent", "check", consent, "--json", expect=3).stdout)
    assert used["error"] == "PassportConsentStale" and done["tx"] in used["reason"] and "already used" in used["reason"]
    story = history(consortium, as_account(0).address, sold)
    assert story.resales == 1 and story.entries[-1].kind == "resale" and story.entries[-1].by == signer(RESELLER).address


def test_replay_after_the_passport_moved_is_refused(lux, as_account, sold, reseller, tmp_path):
    consent = tmp_path / "consent.json"
    lux("consent", "sign", "--brand", "1", "--id", sold, "--any-reseller", "--terms", "EUR 4,800", "--out", consent,
        "--dev-account", ALICE)
    lux("transfer", "--brand", "1", "--id", sold, "--to", dev_address(CAROL), "--dev-account", ALICE)
    checked = json.loads(lux("consent", "check", consent, "--json", expect=3).stdout)
    assert checked["error"] == "PassportConsentStale"
    result = lux("transfer", "--consent", consent, "--to", dev_address(BOB), "--dev-account", RESELLER, expect=1)
    assert "PassportConsentStale" in result.stderr


def test_unaccredited_reseller_is_refused(lux, sold, tmp_path):
    consent = tmp_path / "consent.json"
    lux("consent", "sign", "--brand", "1", "--id", sold, "--any-reseller", "--terms", "x", "--out", consent, "--dev-account", ALICE)
    result = lux("transfer", "--consent", consent, "--to", dev_address(BOB), "--dev-account", 3, expect=1)
    assert "PassportResellerNotAccredited" in result.stderr


def test_only_the_owner_can_sign(lux, sold, tmp_path):
    result = lux("consent", "sign", "--brand", "1", "--id", sold, "--any-reseller", "--terms", "x", "--out", tmp_path / "c.json",
                 "--dev-account", BOB, expect=1)
    assert "does not own passport" in result.stderr


def test_library_checks_a_consent_exactly_as_the_contract(as_account, sold, reseller, signer):
    alice = as_account(ALICE)
    signed = sign_resale_consent(alice, sold, None, "EUR 4,800", 2**40, None)
    message = signed.message
    consent = (int(message["chainId"]), message["collection"], sold, message["reseller"], message["buyer"],
               bytes.fromhex(message["termsHash"][2:]), int(message["nonce"]), int(message["deadline"]))
    assert alice.chain.call(alice.contract.functions.consentDigest(consent)) == signed.digest
    assert check_consent(alice, signed) == ConsentCheck(True, None, f"signed by the owner {signer(ALICE).address}")
    forged = Signed(signed.kind, {**signed.typed_data, "message": {**message, "deadline": 2**41}}, signed.signature,
                    signed.signer)
    assert check_consent(alice, forged).error == "PassportConsentNotOwner"


def _typed_data_file(as_account, sold, tmp_path):
    signed = sign_resale_consent(as_account(ALICE), sold, dev_address(BOB), "EUR 4,800", 2**40, None)
    path = tmp_path / "typed.json"
    path.write_text(json.dumps(signed.typed_data))
    return signed, path


def _submit_foreign(lux, tmp_path, signed, signature):
    foreign = Signed(signed.kind, signed.typed_data, signature, dev_address(ALICE))
    path = tmp_path / "foreign-consent.json"
    path.write_text(json.dumps(foreign.to_dict()))
    return json.loads(lux("transfer", "--consent", path, "--dev-account", RESELLER, "--json").stdout)


def test_consent_signed_by_ethers_is_accepted(lux, as_account, sold, reseller, tmp_path, luxpass_home):
    signed, typed = _typed_data_file(as_account, sold, tmp_path)
    script = ("const {HDNodeWallet} = require('ethers'); const fs = require('fs');"
              "const t = JSON.parse(fs.readFileSync(process.argv[1]));"
              "const types = {...t.types}; delete types.EIP712Domain;"
              "HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', '', \"m/44'/60'/0'/0/7\")"
              ".signTypedData(t.domain, types, t.message).then(s => console.log(s));")
    done = subprocess.run(["node", "-e", script, str(typed)], cwd=ROOT, capture_output=True, text=True, check=True)
    signature = done.stdout.strip()
    assert signature == signed.signature  # same bytes as eth-account: deterministic ECDSA over the same digest
    assert _submit_foreign(lux, tmp_path, signed, signature)["status"] == "recorded"


def test_consent_signed_by_cast_is_accepted(lux, as_account, sold, reseller, tmp_path):
    signed, typed = _typed_data_file(as_account, sold, tmp_path)
    from luxpass.chain.accounts import dev_account
    from eth_account import Account

    keystore = tmp_path / "alice.json"
    keystore.write_text(json.dumps(Account.encrypt(dev_account(ALICE, 31337).key, "pw")))
    (tmp_path / "pw").write_text("pw")
    cast = shutil.which("cast") or str(ROOT / "node_modules" / ".bin" / "cast")
    done = subprocess.run([cast, "wallet", "sign", "--data", "--from-file", str(typed), "--keystore", str(keystore),
                           "--password-file", str(tmp_path / "pw")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == signed.signature
    assert _submit_foreign(lux, tmp_path, signed, done.stdout.strip())["status"] == "recorded"


def test_typed_data_comes_from_the_contract_domain(as_account, sold):
    signed = sign_resale_consent(as_account(ALICE), sold, None, "x", 2**40, None)
    domain = signed.typed_data["domain"]
    assert domain["verifyingContract"] == as_account(0).address and domain["chainId"] == 31337
    assert typed_data_digest(signed.typed_data) == signed.digest


def test_permit_lets_a_marketplace_sell_without_custody(lux, sold, tmp_path, as_account, signer):
    permit = tmp_path / "permit.json"
    lux("consent", "permit", "--brand", "1", "--id", sold, "--spender", dev_address(RESELLER), "--out", permit,
        "--dev-account", ALICE)
    assert as_account(0).owner_of(sold) == signer(ALICE).address
    lux("transfer", "--permit", permit, "--to", dev_address(BOB), "--dev-account", RESELLER)
    assert as_account(0).owner_of(sold) == signer(BOB).address
    result = lux("transfer", "--permit", permit, "--to", dev_address(CAROL), "--dev-account", RESELLER, expect=1)
    assert "already used" in result.stderr


def test_recovery_after_the_delay_unless_cancelled(lux, sold, as_account, signer, chain):
    lux("recovery", "request", "--brand", "1", "--id", sold, "--to", dev_address(CAROL), "--dev-account", 1)
    result = lux("recovery", "complete", "--brand", "1", "--id", sold, "--dev-account", 2, expect=1)
    assert "PassportRecoveryNotReady" in result.stderr and " UTC)" in result.stderr  # the time as a date
    assert json.loads(lux("recovery", "show", "--brand", "1", "--id", sold, "--json").stdout)["ready_at"].endswith("UTC")
    chain.sleep(7 * 24 * 3600 + 1)
    chain.mine()
    lux("recovery", "complete", "--brand", "1", "--id", sold, "--dev-account", 2)
    assert as_account(0).owner_of(sold) == signer(CAROL).address


def test_old_address_cancels_a_recovery(lux, sold, chain):
    lux("recovery", "request", "--brand", "1", "--id", sold, "--to", dev_address(CAROL), "--dev-account", 1)
    assert json.loads(lux("recovery", "show", "--brand", "1", "--id", sold, "--json").stdout)["pending"]
    lux("recovery", "cancel", "--brand", "1", "--id", sold, "--dev-account", ALICE)
    chain.sleep(7 * 24 * 3600 + 1)
    chain.mine()
    assert "PassportNoRecovery" in lux("recovery", "complete", "--brand", "1", "--id", sold, "--dev-account", 2,
                                       expect=1).stderr


def test_brand_clears_a_report_on_the_owners_signed_request(lux, sold, as_account, tmp_path):
    lux("report", "stolen", "--brand", "1", "--id", sold, "--dev-account", ALICE)
    request = tmp_path / "clear.json"
    lux("report", "request-clear", "--brand", "1", "--id", sold, "--out", request, "--dev-account", ALICE)
    lux("report", "clear", request, "--dev-account", 1)
    assert as_account(0).passport(sold)["status"] == Status.ACTIVE
    assert "PassportInvalidStatusChange" in lux("report", "clear", request, "--dev-account", 1, expect=1).stderr


def test_a_brand_without_the_owners_request_cannot_clear(as_account, sold, signer):
    as_account(ALICE).report(sold, Status.STOLEN)
    with pytest.raises(ContractRevert, match="PassportNotStatusReporter"):
        as_account(1).report(sold, Status.ACTIVE)


def test_resale_figures_for_a_brand(lux, as_account, sold, reseller, tmp_path, consortium):
    consent = tmp_path / "consent.json"
    lux("consent", "sign", "--brand", "1", "--id", sold, "--any-reseller", "--terms", "x", "--out", consent, "--dev-account", ALICE)
    lux("transfer", "--consent", consent, "--to", dev_address(BOB), "--dev-account", RESELLER)
    figures = resale_figures(consortium, 1)
    assert figures.first_sales == 1 and figures.resales == 1
    assert figures.resales_per_reseller == {dev_address(RESELLER): 1}
    assert figures.days_first_sale_to_resale["count"] == 1
    assert json.loads(lux("resales", "--brand", "Maison Aurel", "--json").stdout)["resales"] == 1


def test_a_consent_names_its_reseller_by_default(lux, sold, tmp_path):
    result = lux("consent", "sign", "--brand", "1", "--id", sold, "--terms", "x", "--out", tmp_path / "c.json",
                 "--dev-account", ALICE, expect=2)
    assert "--reseller" in result.stderr


def test_a_revoked_consent_is_refused(lux, sold, reseller, tmp_path):
    consent = tmp_path / "consent.json"
    lux("consent", "sign", "--brand", "1", "--id", sold, "--reseller", dev_address(RESELLER), "--terms", "x",
        "--out", consent, "--dev-account", ALICE)
    lux("consent", "revoke", "--brand", "1", "--id", sold, "--dev-account", ALICE)
    assert json.loads(lux("consent", "check", consent, "--json", expect=3).stdout)["error"] == "PassportConsentStale"
    result = lux("transfer", "--consent", consent, "--to", dev_address(BOB), "--dev-account", RESELLER, expect=1)
    assert "PassportConsentStale" in result.stderr
