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
from luxpass.errors import InputError, LuxpassError

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


def test_each_house_node_listens_and_is_reached_at_its_own_address():
    """`up --address`: a node's HTTP API, staking port and public IP are its house's address, and
    the others bootstrap from theirs."""
    other = {**HOUSE, "house": "Casa Vellutti", "slug": "casa-vellutti", "node_id": "NodeID-2", "host": "10.0.0.2",
             "http_port": 9702, "staking_port": 9703}
    config = av_config.AvalancheNet.from_json({**NET, "houses": [{**HOUSE, "host": "10.0.0.1"}, other]})
    cmd = av_node.command(Tools(Path("/tools")), Path("/net"), config, config.houses[0])
    assert {"--public-ip=10.0.0.1", "--http-host=10.0.0.1", "--staking-host=10.0.0.1",
            "--bootstrap-ips=10.0.0.2:9703", "--bootstrap-ids=NodeID-2"} <= set(cmd)
    assert config.rpc_url(config.houses[1]) == "http://10.0.0.2:9702/ext/bc/c/rpc"


@pytest.mark.parametrize("hosts, wrong", [(("10.0.0.1",), "1 --address for 2 houses"),
                                          (("10.0.0.1", "my-host"), "'my-host' is not an IPv4 address")])
def test_addresses_are_one_ipv4_address_per_house(tmp_path, hosts, wrong):
    with pytest.raises(InputError, match=wrong):
        av_config.check_new(tmp_path / "net", ("Maison Aurel", "Casa Vellutti"), 9700, hosts)
    assert not (tmp_path / "net").exists()


def test_a_port_on_an_address_this_machine_lacks_is_not_refused(tmp_path):
    """A node on a host (or in a namespace) of its own: its own avalanchego says if the port is taken."""
    av_config.check_new(tmp_path / "net", ("Maison Aurel",), 9700, ("192.0.2.7",))


def test_resumed_with_other_addresses_is_refused_and_with_none_or_its_own_goes_on(tmp_path):
    config = av_config.AvalancheNet.from_json({**NET, "houses": [{**HOUSE, "host": "10.0.0.1"}]})
    av_config.check_resumed(tmp_path, config, ())
    av_config.check_resumed(tmp_path, config, ("10.0.0.1",))
    with pytest.raises(InputError, match="--address applies when a network is created, and the one in .* has 10.0.0.1"):
        av_config.check_resumed(tmp_path, config, ("10.0.0.9",))


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
