"""What a newcomer trips over in every role (issue 26), on the test chain: an act not allowed is
never reported as done, a stopped bulk mint keeps what it did, a warning comes when it can still
help, and every line says who did what."""
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from cli_helpers import error_line
from luxpass.chain.accounts import dev_address
from luxpass.chain.sender import IN_FLIGHT

RETAILER = 6
VELLUTTI_COUNCIL = 2


def test_another_brands_council_is_told_it_is_not_the_admin_before_unchanged(lux, web3):
    block = web3.eth.block_number
    for verb, account in (("grant", dev_address(RETAILER)), ("revoke", dev_address(9))):
        refused = lux("role", verb, "retailer", account, "--brand", "Maison Aurel",
                      "--dev-account", VELLUTTI_COUNCIL, expect=1)
        assert "AccessControlUnauthorizedAccount(" in error_line(refused)
        assert "you are not this collection's admin" in error_line(refused)
        assert "unchanged" not in refused.stdout
    assert web3.eth.block_number == block
    held = json.loads(lux("role", "grant", "retailer", dev_address(RETAILER), "--brand", "Maison Aurel",
                          "--dev-account", 1, "--json").stdout)
    assert (held["status"], held["unchanged"]) == ("already-done", True) and web3.eth.block_number == block


def test_ctrl_c_in_a_bulk_mint_says_how_many_are_minted_keeps_their_certificates_and_resumes(
        rpc_url, web3, consortium, luxpass_home, tmp_path):
    """The chain mines only when this test says (automine off), so the bulk mint is certainly still
    running when Ctrl-C comes, however fast it runs: one block takes the first IN_FLIGHT batches,
    the mint sends the next IN_FLIGHT and waits for them, and then it is stopped."""
    products = tmp_path / "products.csv"
    products.write_text("serial,model\n" + "".join(f"AUR-INT-{n:04d},Tote\n" for n in range(1000)))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "luxpass", "mint", "--brand", "1", "--csv", str(products), "--out", str(out),
           "--batch-size", "5", "--dev-account", "5", "--rpc-url", rpc_url]
    env = {**os.environ, "LUXPASS_HOME": str(luxpass_home)}
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        # Ctrl-C as at a terminal, whatever this process inherited: a child started with SIGINT
        # ignored (as a shell's background job starts) keeps ignoring it and never stops.
        process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        stderr, sent = [], 0
        for line in process.stderr:
            stderr.append(line)
            if line.startswith("mint batch"):
                sent += 1
                if sent == IN_FLIGHT:  # the window is full: one block takes these batches
                    web3.provider.make_request("evm_mine", [])
                elif sent == 2 * IN_FLIGHT:  # the next ones sent and unmined: the mint waits for them
                    process.send_signal(signal.SIGINT)
                    break
        stderr += process.stderr.readlines()
        code = process.wait(timeout=60)
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    said = "".join(stderr)
    assert code == 130, said
    errors = [line for line in stderr if line.startswith("error:")]
    assert len(errors) == 1, said
    (error,) = errors
    assert "Aborted!" not in said and "Traceback" not in said, said
    minted = 5 * IN_FLIGHT
    assert f"stopped: {minted} of 1000 passports minted so far" in error, said
    assert f"{IN_FLIGHT} batch(es) sent and not yet confirmed are finished by the next run" in error, said
    assert "run the same command again to mint the rest" in error, said
    rows = list(csv.DictReader(open(out / "passports.csv")))
    assert len(rows) == minted and len(list((out / "certificates").glob("*.json"))) == minted, said
    web3.provider.make_request("evm_mine", [])  # the batches left in the pool land now
    rerun = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["already_minted"] == 2 * minted and result["already_minted"] + result["minted_now"] == 1000
    assert len(list(csv.DictReader(open(out / "passports.csv")))) == 1000


def test_an_audit_signed_by_a_key_not_accredited_warns_before_its_work(lux, tmp_path):
    done = lux("audit", "--all", "--out", tmp_path / "report", "--dev-account", 9, "--json")
    warning = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warning == [f"warning: {dev_address(9)} is not an accredited auditor of the consortium: the report will "
                       "be signed, but `luxpass audit check` will say it does not hold and `luxpass audit attest` "
                       f"is refused; the council accredits an auditor with `luxpass accredit {dev_address(9)} "
                       "--as auditor`"]
    summary = json.loads(done.stdout)
    assert summary["signed_by"] == dev_address(9) and summary["accredited_auditor"] is False
    unsigned = lux("audit", "--all", "--out", tmp_path / "unsigned", "--json")
    assert "warning:" not in unsigned.stderr and json.loads(unsigned.stdout)["accredited_auditor"] is None


def test_history_names_the_minter(lux, tmp_path):
    certificate = tmp_path / "cert.json"
    lux("mint", "--brand", "Maison Aurel", "--serial", "AUR-H1", "--certificate", certificate, "--dev-account", 5)
    story = lux("history", certificate)
    (mint_line,) = [line for line in story.stdout.splitlines() if " mint: " in line]
    assert mint_line.endswith(f"mint: to {dev_address(5)}  by {dev_address(5)}")
    assert "0x0000000000000000000000000000000000000000" not in story.stdout
    entries = json.loads(lux("history", certificate, "--json").stdout)["entries"]
    assert entries[0]["kind"] == "mint" and entries[0]["by"] == dev_address(5)


def test_an_unfunded_account_is_told_how_much_is_missing(lux, tmp_path):
    password = tmp_path / "password"
    password.write_text("pw")
    address = json.loads(lux("account", "new", "penniless", "--password-file", password, "--json").stdout)["address"]
    lux("role", "grant", "minter", address, "--brand", "1", "--dev-account", 1)
    unfunded = lux("mint", "--brand", "1", "--serial", "F-2", "--account", "penniless", "--password-file", password,
                   expect=1)
    assert re.search(rf"account {address} has 0\.000000 ETH, not enough to pay the gas of mint passport 0x[0-9a-f]+… "
                     r"\((0\.\d{6}) ETH missing for about [\d,]+ gas at [\d.]+ gwei\)", error_line(unfunded))


def test_small_ones(lux, tmp_path, certificate_with_gtin):
    """`certificate qr --out x.svg` writes x.svg and x.png, and says what shortens a dense link;
    read-only commands take no --confirmations; help says ~/.luxpass; the CSVs' columns are described."""
    done = lux("certificate", "qr", certificate_with_gtin, "--out", tmp_path / "x.svg", "--resolver",
               "https://id.maison-aurel.example")
    assert sorted(p.name for p in tmp_path.glob("x.*")) == ["x.png", "x.svg"]
    assert "note: the link is" in done.stderr and "a shorter --resolver shortens it" in done.stderr
    for command in (["verify"], ["history"], ["screen"], ["brand", "list"], ["audit", "check"], ["cases", "list"]):
        assert "--confirmations" not in lux(*command, "--help").stdout
    assert "--confirmations" in lux("mint", "--help").stdout
    assert "$LUXPASS_HOME" not in lux("mint", "--help").stdout and "~/.luxpass/certificates" in lux("mint", "--help").stdout
    assert "made_on:date" in lux("mint", "--help").stdout
    assert "relative to LISTINGS' folder" in lux("screen", "--help").stdout


@pytest.fixture
def certificate_with_gtin(lux, tmp_path):
    path = tmp_path / "watch.json"
    lux("mint", "--brand", "Maison Aurel", "--serial", "AUR-Q1", "--field", "gtin=03760123450003", "--field",
        "model=Montre", "--certificate", path, "--dev-account", 5)
    return path


def test_verify_on_the_wrong_chain_names_the_certificates_chain(lux, certificate_with_gtin, tmp_path, monkeypatch):
    other = json.loads(certificate_with_gtin.read_text())
    other["chainId"] = 8453
    moved = tmp_path / "other-chain.json"
    moved.write_text(json.dumps(other))
    monkeypatch.setenv("LUXPASS_HOME", str(tmp_path / "no-deployment-here"))  # as on a chain luxpass never saw
    refused = lux("verify", moved, expect=2)
    assert "the certificate is for chain 8453 but the node at" in error_line(refused)
    assert "is chain 31337; pass --rpc-url of a node of chain 8453" in error_line(refused)


def test_cases_print_dates(lux, web3):
    lux("accredit", dev_address(8), "--as", "marketplace", "--dev-account", 1)
    lux("brand", "vote", "1", "--yes", "--dev-account", 2)
    filed = lux("cases", "file", "--brand", "Maison Aurel", "--listing", "market.example/item/7", "--evidence",
                "photos", "--dev-account", 8)
    today = time.strftime("%Y-%m-%d", time.gmtime(web3.eth.get_block("latest")["timestamp"]))
    assert re.search(rf"^filed_at: {today} \d\d:\d\d:\d\d UTC$", filed.stdout, re.M), filed.stdout
    listed = lux("cases", "list").stdout
    assert f"filed {today}" in listed
    ruled = lux("cases", "rule", "1", "counterfeit", "--reason", "stitching", "--dev-account", 1).stdout
    assert re.search(rf"^ruled_at: {today} ", ruled, re.M) and f"ruled {today}" in lux("cases", "list").stdout
    assert isinstance(json.loads(lux("cases", "list", "--json").stdout)[0]["filed_at"], int)
