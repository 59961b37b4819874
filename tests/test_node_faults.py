"""Faults of the local node: killed in the middle of a bulk mint, restarted with its state, its
state file missing with backups beside it, and backups kept while it runs."""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from luxpass.chain import node, node_backup, sender
from luxpass.chain.accounts import dev_account
from luxpass.chain.connection import Chain
from luxpass.checks.index import Index
from luxpass.errors import InputError
from luxpass.jobs import bulk
from luxpass.local.deployments import deploy, open_consortium
from luxpass.onchain.collection import Collection
from luxpass.onchain.registry import Founder

PORT = 8816
RPC = f"http://127.0.0.1:{PORT}"
ROWS = 4000


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LUXPASS_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(node, "STATE_INTERVAL", 1)
    data = tmp_path / "node"
    yield data
    node.stop(data)


def signer(index):
    return Chain(RPC, dev_account(index, 31337), log=lambda _: None)


def brand_with_minter() -> Collection:
    """Brand 1 on the node, dev account 5 its minter; returns the collection as the minter sees it."""
    deploy(signer(0), [Founder("Maison Aurel", "AUR", signer(1).address), Founder("Casa Vellutti", "VEL", signer(2).address)])
    address = open_consortium(signer(1)).brand(1).collection
    Collection(signer(1), address).set_role("minter", signer(5).address, True)
    return Collection(signer(5), address)


def start_or_restore(folder) -> str:
    """Start the node; when its state file was cut short by the kill, take the way back the error names."""
    try:
        node.start(folder, PORT)
        return "state file intact"
    except InputError as refused:
        assert "truncated or corrupt" in refused.problem and refused.fix.startswith("restore the newest good backup")
        source, target = refused.fix.split("cp ", 1)[1].split()
        shutil.copyfile(source, target)
        node.start(folder, PORT)
        return "state file cut short, restored from its backup"


def test_node_killed_during_a_bulk_mint_then_the_same_command_mints_each_row_once(folder, tmp_path, report_figure):
    node.start(folder, PORT)
    minter = brand_with_minter()
    node.stop(folder)
    node.start(folder, PORT)  # the deployment is now in the state file and its backup
    products = tmp_path / "products.csv"
    products.write_text("serial,model\n" + "".join(f"KILL-{n:05d},Tote\n" for n in range(ROWS)))
    out = tmp_path / "batch"
    cmd = [sys.executable, "-m", "luxpass", "mint", "--brand", "1", "--csv", str(products), "--out", str(out),
           "--batch-size", "5", "--dev-account", "5", "--rpc-url", RPC]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _kill_the_node_after_a_state_dump_with_passports(folder, minter)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 1, stderr
    assert len([line for line in stderr.splitlines() if line.startswith("error:")]) == 1, stderr
    assert "run the same command again" in stderr and not (out / "passports.csv").exists()

    restart = start_or_restore(folder)
    survived = minter.chain.call(minter.contract.functions.balanceOf(minter.chain.address))
    assert survived < ROWS  # the rest was lost with the node (all of it, when the backup was restored)
    rerun = subprocess.run(cmd + ["--json"], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    ids = [int(row["passport_id"], 16) for row in csv.DictReader(open(out / "passports.csv"))]
    assert len(ids) == len(set(ids)) == result["rows"] == ROWS
    # before it reads what exists, the rerun finishes the batches the killed run signed and journalled
    # (sent.json) as the same bytes: at most the IN_FLIGHT batches of 5 that were in flight
    finished = result["already_minted"] - survived
    assert 0 <= finished <= 5 * sender.IN_FLIGHT and result["already_minted"] + result["minted_now"] == ROWS
    assert all(minter.exists(ids))
    assert minter.chain.call(minter.contract.functions.balanceOf(minter.chain.address)) == ROWS
    report_figure(f"node faults: anvil SIGKILLed in the middle of a bulk mint of {ROWS} rows; {restart}; {survived} "
                  f"passports in the saved state, the same command finished {finished} from its journal as the same "
                  f"bytes and minted the other {result['minted_now']}: {ROWS} rows, {ROWS} passports, none twice")


def _kill_the_node_after_a_state_dump_with_passports(folder, minter, timeout=30):
    """SIGKILL Anvil once its state file was written after some passports were minted, so that
    the restart keeps some of the batch and has lost the rest."""
    deadline = time.monotonic() + timeout
    while minter.chain.call(minter.contract.functions.balanceOf(minter.chain.address)) < 200:
        assert time.monotonic() < deadline, "the bulk mint did not start"
        time.sleep(0.02)
    state = folder / "state.json"
    dumped = state.stat().st_mtime_ns
    while state.stat().st_mtime_ns == dumped:
        assert time.monotonic() < deadline, "Anvil wrote no state during the bulk mint"
        time.sleep(0.02)
    os.kill(json.loads((folder / "node.json").read_text())["pid"], signal.SIGKILL)


def test_restart_keeps_the_chain_the_deployment_and_the_index(folder):
    node.start(folder, PORT)
    minter = brand_with_minter()
    minted = [minter.mint({"serial": f"AUR-{n}"}) for n in range(3)]
    index = Index(open_consortium(signer(0)))
    index.sync()
    indexed = index.all_records(minter.address)
    block = node.status(folder).block
    node.stop(folder)

    assert node.start(folder, PORT).block == block
    consortium = open_consortium(signer(0))  # the deployment record still points at code
    assert [Collection(signer(0), minter.address).owner_of(int(m.passport_id, 16)) for m in minted] == \
        [signer(5).address] * 3
    again = Index(consortium)
    synced = again.sync()
    assert synced.rolled_back_to is None and synced.records_added == 0
    assert again.all_records(minter.address) == indexed and len(indexed) == 3


def test_missing_state_file_with_a_backup_is_refused_with_the_way_back(folder):
    node.start(folder, PORT)
    brand_with_minter()
    node.stop(folder)
    node.start(folder, PORT)  # keeps state.json.1
    block = node.status(folder).block
    node.stop(folder)
    (folder / "state.json").unlink()
    with pytest.raises(InputError, match="is missing, but backups of it exist") as refused:
        node.start(folder, PORT)
    assert not node.status(folder).running
    source, target = refused.value.fix.split("cp ", 1)[1].split(" (")[0].split()
    shutil.copyfile(source, target)
    assert node.start(folder, PORT).block == block


def test_backups_are_kept_while_the_node_runs(folder, monkeypatch):
    monkeypatch.setattr(node_backup, "BACKUP_INTERVAL", 1)
    node.start(folder, PORT)
    minter = brand_with_minter()
    deadline = time.monotonic() + 20
    newest = folder / "state.json.1"
    while not (newest.exists() and json.loads(newest.read_text()).get("block", {}).get("number")):
        assert time.monotonic() < deadline, "no backup was made while the node ran"
        time.sleep(0.2)
    minter.mint({"serial": "AUR-LATE"})
    before = newest.read_bytes()
    while newest.read_bytes() == before:
        assert time.monotonic() < deadline, "the backup did not follow the chain"
        time.sleep(0.2)
    assert node_backup.good_backups(folder / "state.json")[:2] == [newest, folder / "state.json.2"]
    watcher = json.loads((folder / "node.json").read_text())["backup_pid"]
    node.stop(folder)
    assert not node_backup.alive(watcher)
