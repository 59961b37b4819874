"""The local node: started and stopped cleanly, its chain kept across restarts, and a damaged
state file answered with a way back instead of a silent empty chain."""
import json

import pytest
from click.testing import CliRunner

from luxpass.chain import node
from luxpass.chain.accounts import dev_account
from luxpass.chain.connection import Chain
from luxpass.cli import cli
from luxpass.errors import InputError, LuxpassError
from luxpass.local.deployments import deploy, open_consortium
from luxpass.onchain.collection import Collection
from luxpass.onchain.registry import Founder

PORT = 8671
RPC = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LUXPASS_HOME", str(tmp_path / "home"))
    data = tmp_path / "node"
    yield data
    node.stop(data)


def signer(index):
    return Chain(RPC, dev_account(index, 31337), log=lambda _: None)


def test_chain_survives_a_restart(folder):
    started = node.start(folder, PORT)
    assert started.running and started.chain_id == 31337
    deploy(signer(0), [Founder("Maison Aurel", "AUR", signer(1).address), Founder("Casa Vellutti", "VEL", signer(2).address)])
    collection = Collection(signer(1), open_consortium(signer(1)).brand(1).collection)
    collection.set_role("minter", signer(1).address, True)
    minted = collection.mint({"serial": "AUR-1"})
    block = node.status(folder).block
    assert not node.stop(folder).running
    assert json.loads((folder / "state.json").read_text())

    restarted = node.start(folder, PORT)
    assert restarted.block == block
    consortium = open_consortium(signer(0))
    assert Collection(signer(0), consortium.brand(1).collection).owner_of(int(minted.passport_id, 16)) \
        == signer(1).address
    assert (folder / "state.json.1").exists()


def test_truncated_state_file_is_refused_with_the_backup_named(folder):
    node.start(folder, PORT)
    node.stop(folder)
    node.start(folder, PORT)  # keeps state.json.1, the last good state
    node.stop(folder)
    state = folder / "state.json"
    state.write_text(state.read_text()[: len(state.read_text()) // 2])
    with pytest.raises(InputError, match="truncated or corrupt") as refused:
        node.start(folder, PORT)
    assert "state.json.1" in refused.value.fix
    assert not node.status(folder).running
    (folder / "state.json.1").replace(state)
    assert node.start(folder, PORT).running


def test_cli_node_commands(folder):
    runner = CliRunner()
    started = runner.invoke(cli, ["node", "start", "--data-dir", str(folder), "--port", PORT, "--json"])
    assert started.exit_code == 0, started.output
    assert json.loads(started.stdout)["rpc_url"] == RPC
    status = json.loads(runner.invoke(cli, ["node", "status", "--data-dir", str(folder), "--json"]).stdout)
    assert status["running"] and status["chain_id"] == 31337
    stopped = runner.invoke(cli, ["node", "stop", "--data-dir", str(folder)])
    assert stopped.exit_code == 0 and "running: False" in stopped.stdout


def test_port_in_use_is_a_clear_error(folder, tmp_path):
    node.start(folder, PORT)
    with pytest.raises(LuxpassError, match="already answers on port"):
        node.start(tmp_path / "other", PORT)
