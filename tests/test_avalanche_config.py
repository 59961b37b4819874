"""The Avalanche network's configuration without its binaries: what each node is started with."""
import base64
import json
from pathlib import Path

import pytest

from luxpass.avalanche import config as av_config
from luxpass.avalanche import council as av_council
from luxpass.avalanche import network as av_network
from luxpass.avalanche import node as av_node
from luxpass.avalanche.tools import Tools
from luxpass.chain import rpc
from luxpass.chain.accounts import dev_account, dev_address
from luxpass.chain.sender import RawCall
from luxpass.errors import InputError, LuxpassError
from luxpass.onchain.safe import (Safe, SafeJob, SafeTransaction, add_signature, execution,
                                  safe_tx_hash)
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
    # the genesis travels in a P-chain transaction of at most 64 KiB: the Safe contracts are made after it
    assert genesis["alloc"][av_council.CREATE2_DEPLOYER[2:].lower()]["code"] == av_council.CREATE2_DEPLOYER_CODE
    assert len(json.dumps(genesis)) < 16_000


def test_a_named_admin_replaces_the_council():
    chosen = "0x" + "5a" * 20
    config = av_network.new_config(houses([dev_address(i) for i in range(4)]), [chosen])
    assert config.allow_list_admins == [chosen] and config.council == {}
    assert av_network.subnet_evm_genesis(config)["config"]["txAllowListConfig"]["adminAddresses"] == [chosen]


def test_the_genesis_deployer_creates_the_council_at_its_predicted_address(web3, signer):
    """The genesis' alloc put on a development chain as it is: the Safe contracts it creates make
    the council at the address the genesis names admin, with the houses as owners and a majority's
    threshold, and the singleton is set up already (threshold 1), so no one can take it."""
    accounts = [dev_address(i) for i in range(1, 5)]
    install_genesis(web3)
    board = av_council.predicted(accounts)
    chain = signer(0)
    assert av_council.create(chain, board) is True
    safe = Safe(chain, board.address)
    assert safe.owners() == accounts and safe.threshold() == 3
    assert av_council.create(chain, board) is False  # there already: nothing sent
    singleton = Safe(chain, av_council.safe_deployment().singleton)
    assert singleton.threshold() == 1
    with pytest.raises(Exception, match="GS200"):
        singleton.contract.functions.setup([chain.address], 1, ZERO_ADDRESS, b"", ZERO_ADDRESS, ZERO_ADDRESS, 0,
                                           ZERO_ADDRESS).call({"from": chain.address})


def install_genesis(web3):
    for address, account in av_council.genesis_alloc().items():
        web3.provider.make_request("anvil_setCode", ["0x" + address, account["code"]])


def test_the_council_makes_a_batch_in_one_transaction_once_a_majority_signed(web3, signer):
    """What `avalanche-net admit` drafts for several calls: one delegatecall to the genesis'
    MultiSendCallOnly, every call made by the Safe (here two payments), refused with two of four."""
    install_genesis(web3)
    board = av_council.predicted([dev_address(i) for i in range(1, 5)])
    chain = signer(0)
    av_council.create(chain, board)
    chain.sender.transact(RawCall(board.address, b"", 10**18), "fund the council")
    safe = Safe(chain, board.address)
    payees = [dev_address(7), dev_address(8)]
    before = [web3.eth.get_balance(p) for p in payees]
    job = safe.draft_batch([RawCall(p, b"", 1000) for p in payees], av_council.multi_send(), "pay two")
    assert job.tx.operation == 1 and job.tx.to == av_council.multi_send()
    for i in (1, 2):
        add_signature(job, safe, dev_account(i, 31337))
    with pytest.raises(InputError, match="2 of the 3 signatures"):
        chain.sender.submit(execution(job, safe, "job.json"))
    add_signature(job, safe, dev_account(3, 31337))
    chain.sender.submit(execution(job, safe, "job.json"))
    assert [web3.eth.get_balance(p) - b for p, b in zip(payees, before)] == [1000, 1000]


def test_an_owner_is_refused_a_delegatecall_to_any_contract_but_multisend(web3, signer):
    """A delegatecall runs the target's code as the Safe: drafted to another contract, it could
    change the council's owners; `add_signature` (luxpass safe sign) refuses it."""
    install_genesis(web3)
    board = av_council.predicted([dev_address(i) for i in range(1, 5)])
    chain = signer(0)
    av_council.create(chain, board)
    safe = Safe(chain, board.address)
    tx = SafeTransaction(to=av_council.safe_deployment().fallback_handler, data=b"\x00" * 4, nonce=safe.nonce(), operation=1)
    job = SafeJob(chain.chain_id, safe.address, "looks harmless", tx, safe_tx_hash(chain.chain_id, safe.address, tx), [])
    with pytest.raises(InputError, match="delegatecall .* not Safe's MultiSendCallOnly"):
        add_signature(job, safe, dev_account(1, 31337))
    assert job.signatures == []
