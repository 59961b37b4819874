"""The Avalanche network's configuration without its binaries: what each node is started with."""
import base64
import json
from pathlib import Path

import pytest

from luxpass.avalanche import config as av_config
from luxpass.avalanche import council as av_council
from luxpass.avalanche import network as av_network
from luxpass.avalanche import node as av_node
from luxpass.avalanche.council import GENESIS_SAFE
from luxpass.avalanche.tools import Tools
from luxpass.chain.accounts import dev_address
from luxpass.chain.artifacts import safe_artifact
from luxpass.onchain.safe import SAFE_CONTRACTS, Safe
from luxpass.values import ZERO_ADDRESS

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


# --- the allow lists' admin: the houses' council Safe, known at genesis ---------------------

def houses(accounts):
    return [av_config.House(f"House {i}", f"house-{i}", f"NodeID-{i}", {}, account, "k.json", 9700 + 2 * i,
                            9701 + 2 * i) for i, account in enumerate(accounts)]


def test_the_lists_only_admin_is_the_houses_council_safe_and_every_house_is_enabled():
    accounts = [dev_address(i) for i in range(4)]
    config = av_network.new_config(houses(accounts), None)
    board = av_council.predicted(accounts)
    assert config.council == {"address": board.address, "owners": accounts, "threshold": 3, "salt": 0}
    genesis = av_network.subnet_evm_genesis(config)
    for allow_list in ("txAllowListConfig", "contractDeployerAllowListConfig"):
        listed = genesis["config"][allow_list]
        assert listed["adminAddresses"] == [board.address]  # no house is an admin: none acts alone
        assert sorted(listed["enabledAddresses"]) == sorted(accounts)
        assert not set(listed.get("managerAddresses", [])) & set(accounts)
    for name, address in zip(SAFE_CONTRACTS, (GENESIS_SAFE.singleton, GENESIS_SAFE.factory,
                                              GENESIS_SAFE.fallback_handler)):
        assert genesis["alloc"][address[2:].lower()]["code"] == safe_artifact(name)["deployedBytecode"]


def test_a_named_admin_replaces_the_council():
    chosen = "0x" + "5a" * 20
    config = av_network.new_config(houses([dev_address(i) for i in range(4)]), [chosen])
    assert config.allow_list_admins == [chosen] and config.council == {}
    assert av_network.subnet_evm_genesis(config)["config"]["txAllowListConfig"]["adminAddresses"] == [chosen]


def test_the_genesis_safe_contracts_create_the_council_at_its_predicted_address(web3, signer):
    """The genesis' alloc put on a development chain as it is: its factory makes the council at the
    address the genesis names admin, with the houses as owners and a majority's threshold, and the
    singleton is set up already (threshold 1), so no one can take it."""
    accounts = [dev_address(i) for i in range(1, 5)]
    for address, account in av_council.genesis_alloc().items():
        web3.provider.make_request("anvil_setCode", ["0x" + address, account["code"]])
        for slot, value in account.get("storage", {}).items():
            web3.provider.make_request("anvil_setStorageAt", ["0x" + address, slot, "0x" + value[2:].rjust(64, "0")])
    board = av_council.predicted(accounts)
    chain = signer(0)
    assert av_council.create(chain, board) is True
    safe = Safe(chain, board.address)
    assert safe.owners() == accounts and safe.threshold() == 3
    assert av_council.create(chain, board) is False  # there already: nothing sent
    singleton = Safe(chain, GENESIS_SAFE.singleton)
    assert singleton.threshold() == 1
    with pytest.raises(Exception, match="GS200"):
        singleton.contract.functions.setup([chain.address], 1, ZERO_ADDRESS, b"", ZERO_ADDRESS, ZERO_ADDRESS, 0,
                                           ZERO_ADDRESS).call({"from": chain.address})
