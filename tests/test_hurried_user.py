"""Issue 13: nothing a hurried user does loses a product, mints it twice, or makes a genuine one
look fake. Each test reproduces one reported case through the CLI against the test chain."""
import json
import shutil

import pytest
from cli_helpers import error_line
from luxpass.chain.accounts import dev_address
from luxpass.local.deployments import record_path

ALICE, BOB, RETAILER, FACTORY, NOBODY = 7, 8, 6, 5, 9
GOOD_GTIN, BAD_GTIN = "03760123450003", "03760123450004"


def mint_json(lux, *args):
    return json.loads(lux("mint", "--brand", "1", *args, "--dev-account", FACTORY, "--json").stdout)


def test_deploy_over_a_deployment_is_refused_and_force_keeps_old_passports_genuine(lux, web3, tmp_path):
    cert = tmp_path / "cert.json"
    mint_json(lux, "--serial", "DEP-1", "--certificate", cert)
    record = record_path(web3.eth.chain_id)
    kept = tmp_path / "deployment.json"
    shutil.copy(record, kept)
    block = web3.eth.block_number
    founders = ("--founder", f"Nouveau:NV:{dev_address(4)}", "--founder", f"Atelier Second:ASC:{dev_address(5)}")
    assert "already has a luxpass registry" in error_line(lux("deploy", *founders, "--dev-account", 0, expect=2))
    assert web3.eth.block_number == block and record.read_text() == kept.read_text()
    try:
        lux("deploy", *founders, "--dev-account", 0, "--force")
        assert json.loads(record.read_text())["earlierRegistries"] == [json.loads(kept.read_text())["registry"]]
        verdict = json.loads(lux("verify", cert, "--json").stdout)
        assert verdict["authentic"] and "earlier registry" in verdict["warnings"][-1]
    finally:
        shutil.copy(kept, record)


def test_a_serial_is_issued_once_unless_reissued_on_purpose(lux, web3, tmp_path):
    first = mint_json(lux, "--serial", "TWICE-1")
    block = web3.eth.block_number
    refused = lux("mint", "--brand", "1", "--serial", "TWICE-1", "--dev-account", FACTORY, expect=2)
    assert f"serial 'TWICE-1' already has passport {first['passport_id']}" in error_line(refused)
    assert web3.eth.block_number == block
    again = mint_json(lux, "--serial", "TWICE-1", "--reissue", "tag damaged in repair")
    assert again["passport_id"] != first["passport_id"]

    products = tmp_path / "products.csv"
    products.write_text("serial,model\nCSV-1,Tote\nCSV-2,Sac\n")
    lux("mint", "--brand", "1", "--csv", products, "--dev-account", FACTORY)
    lux("mint", "--brand", "1", "--csv", products, "--dev-account", FACTORY)  # a resume of the same job
    block = web3.eth.block_number
    for command in ("mint", "issue"):
        refused = lux(command, "--brand", "1", "--csv", products, "--out", tmp_path / command, "--dev-account",
                      FACTORY, expect=2)
        assert "serial 'CSV-1' already has passport" in error_line(refused)
    assert web3.eth.block_number == block


def test_a_certificate_is_never_overwritten_and_always_written(lux, web3, tmp_path):
    cert = tmp_path / "cert.json"
    mint_json(lux, "--serial", "CERT-1", "--certificate", cert)
    before, block = cert.read_text(), web3.eth.block_number
    refused = lux("mint", "--brand", "1", "--serial", "CERT-2", "--certificate", cert, "--dev-account", FACTORY,
                  expect=2)
    assert "already exists" in error_line(refused)
    assert cert.read_text() == before and web3.eth.block_number == block
    minted = mint_json(lux, "--serial", "CERT-3")
    saved = json.loads(open(minted["certificate_file"]).read())
    assert saved["salt"] == minted["certificate"]["salt"]
    consent_out = tmp_path / "signed.json"
    consent_out.write_text("keep me")
    refused = lux("consent", "sign", "--brand", "1", "--id", minted["passport_id"], "--terms", "x", "--out",
                  consent_out, "--any-reseller", "--dev-account", FACTORY, expect=2)
    assert "exists" in error_line(refused) and consent_out.read_text() == "keep me"


def test_a_csv_with_an_unclosed_quote_sends_nothing_and_names_every_bad_line(lux, web3, tmp_path):
    rows = [f"Q-{n},Tote" for n in range(50)]
    rows[2] = 'Q-2,"Tote'
    rows[30] = "Q-30"
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text("serial,model\n" + "\n".join(rows) + "\n")
    block = web3.eth.block_number
    line = error_line(lux("mint", "--brand", "1", "--csv", unclosed, "--dev-account", FACTORY, expect=2))
    assert "2 bad line(s)" in line and "line 4: a quote opens here" in line and "line 32: 1 values" in line
    big = tmp_path / "big.csv"
    big.write_text("serial,model\n" + 'B-0,"' + "x" * 200_000 + "\n" + "\n".join(f"B-{n},T" for n in range(20_000)))
    assert "bad line" in error_line(lux("mint", "--brand", "1", "--csv", big, "--dev-account", FACTORY, expect=2))
    multiline = tmp_path / "multiline.csv"
    multiline.write_text('serial,model,note\nM-1,Tote,"two\nlines"\nM-2,Sac,one\n')
    assert json.loads(lux("mint", "--brand", "1", "--csv", multiline, "--dev-account", FACTORY, "--json").stdout
                      )["minted_now"] == 2
    assert web3.eth.block_number > block


def test_fields_with_a_known_format_are_checked_before_anything_is_sent(lux, web3, tmp_path):
    block = web3.eth.block_number
    refused = lux("mint", "--brand", "1", "--serial", "G-1", "--field", f"gtin={BAD_GTIN}", "--dev-account", FACTORY,
                  expect=2)
    assert "check digit 4, expected 3" in error_line(refused)
    products = tmp_path / "products.csv"
    products.write_text(f"serial,gtin,made_date\nG-2,{BAD_GTIN},2026-01-01\nG-3,{GOOD_GTIN},2026-13-01\n")
    line = error_line(lux("issue", "--brand", "1", "--csv", products, "--dev-account", FACTORY, expect=2))
    assert "line 2: GTIN" in line and "line 3: record field 'made_date'" in line
    assert web3.eth.block_number == block
    mint_json(lux, "--serial", "G-4", "--field", f"gtin={GOOD_GTIN}", "--field", "made_date=2026-01-01")


def test_an_account_without_eth_is_told_to_fund_it_and_a_refusal_is_decoded_first(lux, tmp_path, web3):
    password = tmp_path / "password"
    password.write_text("pw")
    address = json.loads(lux("account", "new", "unfunded", "--password-file", password, "--json").stdout)["address"]
    signing = ("--account", "unfunded", "--password-file", password)
    refused = lux("mint", "--brand", "1", "--serial", "F-1", *signing, expect=1)
    assert "AccessControlUnauthorizedAccount" in error_line(refused)
    lux("role", "grant", "minter", address, "--brand", "1", "--dev-account", 1)
    unfunded = lux("mint", "--brand", "1", "--serial", "F-1", *signing, expect=1)
    assert f"account {address} has 0.000000 ETH" in error_line(unfunded) and "fund the account" in error_line(unfunded)


def sold_to_alice(lux, serial):
    minted = mint_json(lux, "--serial", serial)
    lux("transfer", "--brand", "1", "--id", minted["passport_id"], "--first-sale", "--to", dev_address(ALICE),
        "--dev-account", RETAILER)
    return minted["passport_id"]


def test_consent_check_runs_every_check_of_the_contract_and_of_the_file(lux, web3, tmp_path):
    pid = sold_to_alice(lux, "CONS-1")
    consent = tmp_path / "consent.json"
    lux("consent", "sign", "--brand", "1", "--id", pid, "--terms", "EUR 900", "--deadline", "1h", "--out", consent,
        "--any-reseller", "--dev-account", ALICE)
    assert json.loads(lux("consent", "check", consent, "--json").stdout)["valid"]
    edited = tmp_path / "edited.json"
    data = json.loads(consent.read_text())
    data["terms"]["text"] = "EUR 90"
    edited.write_text(json.dumps(data))
    assert json.loads(lux("consent", "check", edited, "--json", expect=3).stdout)["error"] == "TermsAltered"
    web3.provider.make_request("evm_increaseTime", [3601])
    web3.provider.make_request("evm_mine", [])
    expired = json.loads(lux("consent", "check", consent, "--json", expect=3).stdout)
    assert expired["error"] == "PassportConsentExpired" and "UTC" in expired["reason"]


def test_audit_collection_takes_an_address_like_every_other_collection(lux, consortium, tmp_path):
    line = error_line(lux("audit", "--collection", "Maison Aurel", "--out", tmp_path / "r", expect=2))
    assert "is not an address" in line and "--brand 'Maison Aurel'" in line
    collection = consortium.brand(1).collection
    summary = json.loads(lux("audit", "--collection", collection, "--out", tmp_path / "r", "--json").stdout)
    report = json.loads((tmp_path / "r.json").read_text())
    assert summary["discrepancies"] == 0 and [c["address"] for c in report["collections"]] == [collection]


def test_audit_check_of_a_report_by_an_unaccredited_signer_is_not_valid(lux, tmp_path):
    stem = tmp_path / "report"
    lux("audit", "--brand", "1", "--out", stem, "--dev-account", NOBODY)
    check = json.loads(lux("audit", "check", f"{stem}.json", "--json", expect=3).stdout)
    assert not check["valid"] and check["signature_valid"] and check["accredited_auditor"] is False
    assert "not accredited" in check["reason"]
    assert json.loads(lux("audit", "check", f"{stem}.json", "--offline", "--json").stdout)["signature_valid"]


def test_a_transfer_to_oneself_is_refused_and_owners_are_counted_once(lux, web3, tmp_path):
    pid = sold_to_alice(lux, "SELF-1")
    block = web3.eth.block_number
    refused = lux("transfer", "--brand", "1", "--id", pid, "--to", dev_address(ALICE), "--dev-account", ALICE,
                  expect=2)
    assert "already owns this passport" in error_line(refused) and web3.eth.block_number == block
    lux("transfer", "--brand", "1", "--id", pid, "--to", dev_address(BOB), "--dev-account", ALICE)
    lux("transfer", "--brand", "1", "--id", pid, "--to", dev_address(ALICE), "--dev-account", BOB)
    assert json.loads(lux("history", "--brand", "1", "--id", pid, "--json").stdout)["owners"] == 2


def test_account_names_cannot_leave_the_keystore_folder(lux, tmp_path, luxpass_home):
    password = tmp_path / "password"
    password.write_text("pw")
    for name in ("../evil", "/tmp/evil", "a/b", ".hidden", ""):
        assert "is not a plain name" in error_line(lux("account", "new", name, "--password-file", password, expect=2))
    assert not (luxpass_home / "evil.json").exists()


def test_granting_a_role_already_held_sends_nothing(lux, web3):
    block = web3.eth.block_number
    held = json.loads(lux("role", "grant", "minter", dev_address(FACTORY), "--brand", "1", "--dev-account", 1,
                          "--json").stdout)
    assert held["unchanged"] and held["tx"] is None and web3.eth.block_number == block
    assert json.loads(lux("role", "revoke", "minter", dev_address(NOBODY), "--brand", "1", "--dev-account", 1,
                          "--json").stdout)["unchanged"]
    assert web3.eth.block_number == block


def test_a_wrong_password_at_the_prompt_gets_another_try(tmp_path, monkeypatch):
    from luxpass.chain import accounts

    monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)
    address, path = accounts.create_keystore("retry", "right", tmp_path)
    typed = iter(["wrong", "right"])
    assert accounts.unlock(path, None, lambda: next(typed)).address == address
    typed = iter(["wrong"] * accounts.PASSWORD_ATTEMPTS)
    with pytest.raises(accounts.WrongPassword):
        accounts.unlock(path, None, lambda: next(typed))
    (tmp_path / "pw").write_text("wrong")
    with pytest.raises(accounts.WrongPassword):
        accounts.unlock(path, str(tmp_path / "pw"), lambda: "right")  # a file is not asked again


def test_input_files_are_size_capped_before_they_are_read(lux, tmp_path):
    huge = tmp_path / "huge-certificate.json"
    huge.write_text('{"format": "' + "x" * (2 * 1024 * 1024) + '"}')
    assert "larger than 1024 KiB" in error_line(lux("verify", huge, expect=2))
    assert "larger than 1024 KiB" in error_line(lux("consent", "check", huge, expect=2))


def test_every_option_of_every_command_has_help():
    import click

    from luxpass.cli import cli

    def options(command, path):
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                yield from options(command.get_command(ctx, name), [*path, name])
        else:
            yield from (f"{' '.join(path)} {p.opts[0]}" for p in command.params
                        if isinstance(p, click.Option) and not p.help)
    assert not list(options(cli, ["luxpass"]))


def test_a_listing_is_filed_as_a_case_once(lux, consortium, signer, web3):
    from luxpass.local.deployments import open_consortium
    from luxpass.spec import Accreditation

    proposal = open_consortium(signer(1)).propose_accreditation(dev_address(NOBODY), Accreditation.MARKETPLACE, True)
    open_consortium(signer(2)).vote(proposal.proposal_id, True)
    filing = ("cases", "file", "--brand", "1", "--listing", "shop/123", "--evidence", "photos", "--dev-account", NOBODY)
    case = json.loads(lux(*filing, "--json").stdout)
    block = web3.eth.block_number
    assert f"already case {case['case_id']} (pending)" in error_line(lux(*filing, expect=2))
    assert web3.eth.block_number == block
