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

from cli_helpers import error_line
from luxpass.chain.accounts import dev_address

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
    assert held["unchanged"] is True and web3.eth.block_number == block


def test_ctrl_c_in_a_bulk_mint_says_how_many_are_minted_keeps_their_certificates_and_resumes(
        rpc_url, consortium, luxpass_home, tmp_path):
    products = tmp_path / "products.csv"
    products.write_text("serial,model\n" + "".join(f"AUR-INT-{n:04d},Tote\n" for n in range(300)))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "luxpass", "mint", "--brand", "1", "--csv", str(products), "--out", str(out),
           "--batch-size", "10", "--dev-account", "5", "--rpc-url", rpc_url]
    env = {**os.environ, "LUXPASS_HOME": str(luxpass_home)}
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr = []
    for line in process.stderr:
        stderr.append(line)
        if sum(seen.startswith("mint batch") for seen in stderr) == 8:
            process.send_signal(signal.SIGINT)
            break
    stderr += process.stderr.readlines()
    assert process.wait(timeout=60) == 130, "".join(stderr)
    (error,) = [line for line in stderr if line.startswith("error:")]
    assert "Aborted!" not in "".join(stderr) and "Traceback" not in "".join(stderr)
    minted = int(re.search(r"stopped: (\d+) of 300 passports minted so far", error).group(1))
    assert 0 < minted < 300 and "run the same command again to mint the rest" in error
    rows = list(csv.DictReader(open(out / "passports.csv")))
    assert len(rows) == minted and len(list((out / "certificates").glob("*.json"))) == minted
    rerun = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["already_minted"] >= minted and result["already_minted"] + result["minted_now"] == 300
    assert len(list(csv.DictReader(open(out / "passports.csv")))) == 300
