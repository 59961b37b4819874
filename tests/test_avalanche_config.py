"""The Avalanche network's configuration without its binaries: what each node is started with."""
import base64
import json
from pathlib import Path

import pytest

from luxpass.avalanche import config as av_config
from luxpass.avalanche import network as av_network
from luxpass.avalanche import node as av_node
from luxpass.avalanche.tools import Tools
from luxpass.chain import rpc
from luxpass.chain.accounts import dev_address
from luxpass.errors import LuxpassError

HOUSE = {"house": "Maison Aurel", "slug": "maison-aurel", "node_id": "NodeID-1", "signer": {},
         "account": "0x" + "11" * 20, "keystore": "k.json", "http_port": 9700, "staking_port": 9701}
NET = {"network_id": av_config.NETWORK_ID, "evm_chain_id": av_config.EVM_CHAIN_ID, "houses": [HOUSE],
       "allow_list_admins": [HOUSE["account"]], "subnet_id": "s", "chain_id": "c"}


def db_type_flags(config):
    return [a for a in av_node.command(Tools(Path("/tools")), Path("/net"), config, config.houses[0])
            if a.startswith("--db-type")]


def test_a_network_made_before_pebbledb_keeps_its_leveldb():
    """Its nodes' data is in LevelDB: started on pebbledb they would open an empty database."""
    assert db_type_flags(av_config.AvalancheNet.from_json(NET)) == ["--db-type=leveldb"]


def test_a_new_network_runs_its_nodes_on_pebbledb():
    new = av_config.AvalancheNet.from_json({**NET, "db_type": av_config.DB_TYPE})
    assert db_type_flags(new) == ["--db-type=pebbledb"]


def test_the_l1_chain_config_syncs_subnet_evms_database(tmp_path):
    config = av_config.AvalancheNet.from_json(NET)
    av_network.chain_config(tmp_path, config)
    written = json.loads((tmp_path / "chain-configs" / "c" / "config.json").read_text())
    assert json.loads(base64.b64decode(written["database-config"])) == {"sync": True}
    assert written["pruning-enabled"] is False


def test_net_json_is_saved_whole_and_read_back_and_a_broken_one_is_named(tmp_path):
    config = av_config.AvalancheNet.from_json({**NET, "db_type": av_config.DB_TYPE})
    av_config.save(tmp_path, config)
    assert av_config.load(tmp_path) == config and not list(tmp_path.glob("*.tmp"))
    assert av_config.load(tmp_path / "none") is None
    (tmp_path / "net.json").write_text('{"network_id": 88')
    with pytest.raises(LuxpassError) as refused:
        av_config.load(tmp_path)
    assert str(refused.value) == f"{tmp_path / 'net.json'} is not valid JSON; put it back from your backup"


def test_the_evm_probe_names_a_node_that_does_not_answer_instead_of_guessing_its_target(rpc_url, monkeypatch):
    assert av_network.evm_target(rpc_url, dev_address(0)) == "cancun"  # Anvil runs every probed opcode
    monkeypatch.setattr(rpc, "RPC_BACKOFF", 0)
    with pytest.raises(rpc.NodeUnavailable):
        av_network.evm_target("http://127.0.0.1:9", dev_address(0))  # nothing listens on port 9
