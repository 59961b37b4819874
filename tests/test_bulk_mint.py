"""Bulk minting from CSV: validated as a whole, batched, and safe to interrupt and resume."""
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from luxpass.checks.verify import verify
from luxpass.errors import InputError, Interrupted
from luxpass.jobs.bulk import mint_csv
from luxpass.jobs.products import read_products
from luxpass.proofs.certificate import Certificate

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample-products.csv"


def write_csv(path, rows, header=("serial", "model", "material")):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def products(tmp_path):
    return write_csv(tmp_path / "products.csv", [(f"AUR-{n:03d}", "Tote", "calfskin") for n in range(25)])


def minted_ids(collection, web3, since):
    logs = collection.contract.events.Transfer().get_logs(from_block=since)
    return [log["args"]["tokenId"] for log in logs if int(log["args"]["from"], 16) == 0]


def test_bulk_mint_writes_verifiable_certificates(as_account, consortium, products, tmp_path):
    result = mint_csv(as_account(5), products, tmp_path / "out", batch_size=10)
    assert (result.rows, result.minted_now, result.transactions) == (25, 25, 3)
    rows = list(csv.DictReader(open(result.result_file)))
    assert [r["serial"] for r in rows] == [f"AUR-{n:03d}" for n in range(25)]
    cert = Certificate.load(tmp_path / "out" / rows[7]["certificate"])
    assert verify(consortium, cert.collection, cert.passport_id, cert).authentic


def test_interrupted_bulk_mint_resumes_without_doubles_or_gaps(as_account, products, tmp_path, web3):
    start = web3.eth.block_number + 1
    batches = []

    def stop_after_two_batches(advance, total):
        if total == 0:
            batches.append(advance)
            if len(batches) == 2:
                raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="passports minted so far"):  # Ctrl-C, said as what is done
        mint_csv(as_account(5), products, tmp_path / "out", batch_size=2, progress=stop_after_two_batches)
    done_before = len(minted_ids(as_account(5), web3, start))
    assert 4 <= done_before < 25
    result = mint_csv(as_account(5), products, tmp_path / "out", batch_size=2)
    assert result.already_minted == done_before and result.minted_now == 25 - done_before
    ids = minted_ids(as_account(5), web3, start)
    assert len(ids) == len(set(ids)) == 25
    again = mint_csv(as_account(5), products, tmp_path / "out", batch_size=2)
    assert (again.minted_now, again.transactions) == (0, 0)


def test_killed_cli_bulk_mint_resumes(as_account, rpc_url, luxpass_home, tmp_path, web3):
    """SIGKILL the real command in the middle of minting the 1,000-product sample, then run it again."""
    start = web3.eth.block_number + 1
    out = tmp_path / "sample"
    cmd = [sys.executable, "-m", "luxpass", "mint", "--brand", "1", "--csv", str(SAMPLE), "--out", str(out),
           "--batch-size", "20", "--dev-account", "5", "--rpc-url", rpc_url]
    env = {**os.environ, "LUXPASS_HOME": str(luxpass_home)}
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sent = 0
    for line in process.stderr:
        sent += line.startswith("mint batch")
        if sent == 8:
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL
    time.sleep(0.5)
    before = len(minted_ids(as_account(5), web3, start))
    assert 0 < before < 1000
    rerun = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["already_minted"] + result["minted_now"] == 1000
    ids = minted_ids(as_account(5), web3, start)
    assert len(ids) == len(set(ids)) == 1000
    assert len(list(csv.DictReader(open(out / "passports.csv")))) == 1000


@pytest.mark.parametrize("content, problem", [
    ("", "is empty"),
    ("model,material\nTote,calfskin\n", "no `serial` column"),
    ("serial,model\n", "no products"),
    ("serial,model\nA-1,Tote\nA-2\n", "line 3: 1 values for 2 columns"),
    ("serial,model\nA-1,Tote,extra\n", "line 2: 3 values for 2 columns"),
    ("serial,model\nA-1,Tote\nA-1,Bag\n", "line 3: serial 'A-1' repeats line 2"),
    ("serial,model\n,Tote\n", "line 2: the product record has no serial"),
    ("serial,serial\nA,B\n", "repeated column"),
])
def test_malformed_csv_is_refused_before_anything_is_sent(as_account, tmp_path, web3, content, problem):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    block = web3.eth.block_number
    with pytest.raises(InputError, match=problem.replace("(", r"\(").replace("`", "`")):
        mint_csv(as_account(5), path, tmp_path / "out")
    assert web3.eth.block_number == block


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError, match="not UTF-8"):
        read_products(path)


def test_changed_csv_cannot_resume_an_old_job(as_account, products, tmp_path):
    mint_csv(as_account(5), products, tmp_path / "out", batch_size=10)
    write_csv(products, [("AUR-999", "Tote", "calfskin")])
    with pytest.raises(InputError, match="changed since the job"):
        mint_csv(as_account(5), products, tmp_path / "out")
