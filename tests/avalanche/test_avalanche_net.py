"""The consortium's L1 on Avalanche: four avalanchego nodes, the houses' validators, the L1 running
subnet-evm, driven through `luxpass avalanche-net`. Run by `make test-avalanche`
(LUXPASS_TEST_AVALANCHE=1), in a network namespace of its own. Without the binaries `make
avalanche` builds, every test fails with the missing binaries named, never a skip."""
import json
import signal
import subprocess
import sys
import time

import pytest
import requests
from web3 import Web3
from web3.exceptions import TransactionNotFound
from web3.middleware import ExtraDataToPOAMiddleware

from luxpass.avalanche import allow_list as av_allow_list
from luxpass.avalanche import config as av_config
from luxpass.avalanche import network as av_network
from luxpass.avalanche import node as av_node
from luxpass.avalanche import tools as av_tools
from luxpass.chain.connection import Chain
from luxpass.onchain.safe import Safe

BASE_PORT = 9700
BUILD_EVM = json.loads(open("build/contracts/BrandPassport.json").read())["compiler"]["evm_version"]


def luxpass(*args, expect=0):
    done = subprocess.run([sys.executable, "-m", "luxpass", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == expect, f"{args} exited {done.returncode}: {done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"{what} within {timeout} s")


def web3(url):
    w3 = Web3(Web3.HTTPProvider(url))
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)  # subnet-evm's extraData carries its fee window
    return w3


def p_chain(house, method, **params):
    answer = requests.post(f"{house.uri}/ext/bc/P", json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                          "params": params}, timeout=10).json()
    assert "error" not in answer, answer
    return answer["result"]


@pytest.fixture(scope="module")
def network(tmp_path_factory, report_figure):
    av_tools.find()  # the binaries `make avalanche` builds, or the error naming what is missing
    folder = tmp_path_factory.mktemp("avalanche") / "net"
    started = time.monotonic()
    try:
        up = json.loads(luxpass("avalanche-net", "up", "--dir", folder, "--base-port", BASE_PORT, "--json").stdout)
        report_figure(f"avalanche: four validators and the L1 up in {time.monotonic() - started:.0f} s "
                      f"({json.dumps(av_config.require(folder).timings)})")
        yield folder, av_config.require(folder), up
    finally:
        if (folder / "net.json").exists():
            luxpass("avalanche-net", "down", "--dir", folder)


def house_cli(folder, config, house, *args, expect=0):
    """`luxpass ARGS` as `house`: its keystore, its password file, its own node's L1 RPC."""
    return luxpass(*args, "--rpc-url", config.rpc_url(house), "--keystore", house.keystore,
                   "--password-file", av_config.password_file(folder, house.house), expect=expect)


def test_four_houses_validate_the_l1_and_every_node_serves_it(network):
    folder, config, up = network
    assert [n["running"] for n in up["nodes"]] == [True] * 4
    validators = p_chain(config.houses[0], "platform.getCurrentValidators", subnetID=config.subnet_id)["validators"]
    assert sorted(v["nodeID"] for v in validators) == sorted(h.node_id for h in config.houses)
    assert {int(v["weight"]) for v in validators} == {av_config.VALIDATOR_WEIGHT}
    for house in config.houses:
        w3 = web3(config.rpc_url(house))
        assert w3.eth.chain_id == av_config.EVM_CHAIN_ID
        # avalanchego's own database is pebble (it syncs each write), not the unsynced LevelDB; so is the L1's
        assert (av_config.house_dir(folder, house) / "db" / f"network-{config.network_id}" / "pebble").is_dir()
        chain_log = (av_config.house_dir(folder, house) / "logs" / f"{config.chain_id}.log").read_text()
        assert '"sync":true' in chain_log and '"sync":false' not in chain_log


def test_the_evm_target_is_probed_and_the_build_runs_on_it(network, report_figure):
    folder, config, _ = network
    runs = av_network.evm_target(config.rpc_url(config.houses[0]), config.houses[0].account)
    order = ("london", "paris", "shanghai", "cancun")
    assert order.index(BUILD_EVM) <= order.index(runs), f"subnet-evm runs {runs}; the build is for {BUILD_EVM}"
    report_figure(f"avalanche: subnet-evm v{av_tools.SUBNET_EVM_VERSION} runs the {runs} EVM (probed); build: {BUILD_EVM}")


# --- the consortium's story on its L1, and its faults ----------------------------------------

@pytest.fixture(scope="module")
def consortium(network):
    folder, config, _ = network
    aurel, vellutti, brandt, _ = config.houses
    founders = [f"--founder={h.house}:{h.house[:3].upper()}:{h.account}" for h in (aurel, vellutti, brandt)]
    deployed = house_cli(folder, config, aurel, "deploy", *founders)
    assert "final once accepted: waiting for 1 confirmation" in deployed.stderr
    house_cli(folder, config, aurel, "role", "grant", "minter", aurel.account, "--brand", aurel.house)
    return folder, config


def mint(folder, config, house, serial, brand=None):
    started = time.monotonic()
    done = house_cli(folder, config, house, "mint", "--brand", brand or house.house, "--serial", serial, "--json")
    return json.loads(done.stdout), time.monotonic() - started


def heads(config, house, up_to):
    w3 = web3(config.rpc_url(house))
    return [w3.eth.get_block(n)["hash"] for n in range(up_to + 1)]


def accepted_on(config, tx):
    """The houses whose node has accepted the block that holds `tx`."""
    have = []
    for house in config.houses:
        try:
            web3(config.rpc_url(house)).eth.get_transaction_receipt(tx)
            have.append(house.house)
        except TransactionNotFound:
            pass
    return have


def test_a_house_mints_on_its_own_node_with_one_confirmation(consortium, report_figure):
    folder, config = consortium
    minted, seconds = mint(folder, config, config.houses[0], "AUR-AVA-1")
    have = accepted_on(config, minted["tx"])
    receipt = web3(config.rpc_url(config.houses[1])).eth.get_transaction_receipt(minted["tx"])
    assert receipt["status"] == 1
    report_figure(f"avalanche: one mint, send to final (1 confirmation), CLI start to end: {seconds:.1f} s; "
                  f"accepted on {len(have)} of {len(config.houses)} nodes when the command exited")


def test_an_account_the_consortium_has_not_admitted_cannot_send(consortium):
    """Paid for by a house, an account the tx allow list does not name still sends nothing."""
    folder, config = consortium
    w3 = web3(config.rpc_url(config.houses[0]))
    stranger = w3.eth.account.create()
    payer = av_config.house_account(folder, config.houses[0])
    fees = {"maxFeePerGas": 10 * av_config.MIN_BASE_FEE, "maxPriorityFeePerGas": 0, "chainId": config.evm_chain_id,
            "type": 2, "gas": 21_000}
    paid = w3.eth.send_raw_transaction(payer.sign_transaction(
        {**fees, "to": stranger.address, "value": 10**18, "nonce": w3.eth.get_transaction_count(payer.address)}
    ).raw_transaction)
    assert w3.eth.wait_for_transaction_receipt(paid, timeout=60)["status"] == 1
    with pytest.raises(Exception, match="not authorized|allow"):
        w3.eth.send_raw_transaction(stranger.sign_transaction(
            {**fees, "to": config.houses[0].account, "value": 0, "nonce": 0}).raw_transaction)


# --- the allow lists' admin: the houses' council Safe, never one house alone ------------------

def send_raw(w3, account, config, **tx):
    signed = account.sign_transaction({"maxFeePerGas": 10 * av_config.MIN_BASE_FEE, "maxPriorityFeePerGas": 0,
                                       "chainId": config.evm_chain_id, "type": 2, "value": 0,
                                       "nonce": w3.eth.get_transaction_count(account.address), **tx})
    return w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction), timeout=60)


def roles(folder, config, address):
    chain = Chain(config.rpc_url(config.houses[0]), av_config.house_account(folder, config.houses[0]))
    return [av_allow_list.role(chain, lst, address) for lst in (av_allow_list.TX_ALLOW_LIST,
                                                               av_allow_list.DEPLOYER_ALLOW_LIST)]


def test_the_council_safe_is_the_lists_only_admin_and_no_house_alone_changes_them(network):
    """An attacker's house calls the precompiles itself: to admit an account of its own, and to take
    a rival house off the lists (which would stop its transactions, its votes included). Both revert."""
    folder, config, _ = network
    council = config.council
    assert config.allow_list_admins == [council["address"]] and council["threshold"] == 3
    chain = Chain(config.rpc_url(config.houses[0]), av_config.house_account(folder, config.houses[0]))
    safe = Safe(chain, council["address"])
    assert safe.owners() == [h.account for h in config.houses] and safe.threshold() == 3
    assert roles(folder, config, council["address"]) == ["admin", "admin"]
    for house in config.houses:
        assert roles(folder, config, house.account) == ["enabled", "enabled"]
    aurel, vellutti = av_config.house_account(folder, config.houses[0]), config.houses[1].account
    w3 = web3(config.rpc_url(config.houses[0]))
    stranger = w3.eth.account.create().address
    set_enabled, set_none = Web3.keccak(text="setEnabled(address)")[:4], Web3.keccak(text="setNone(address)")[:4]
    for allow_list in (av_allow_list.TX_ALLOW_LIST, av_allow_list.DEPLOYER_ALLOW_LIST):
        for selector, target in ((set_enabled, stranger), (set_none, vellutti)):
            data = "0x" + (selector + bytes(12) + bytes.fromhex(target[2:])).hex()
            assert send_raw(w3, aurel, config, to=allow_list, data=data, gas=200_000)["status"] == 0
    assert roles(folder, config, stranger) == ["none", "none"]
    assert roles(folder, config, vellutti) == ["enabled", "enabled"]


def test_three_houses_safe_transaction_admits_accounts_that_then_send(network, report_figure):
    folder, config, _ = network
    aurel, vellutti, brandt, _ = config.houses
    w3 = web3(config.rpc_url(aurel))
    newcomers = [w3.eth.account.create() for _ in range(2)]
    admitted = json.loads(luxpass("avalanche-net", "admit", "--dir", folder, *(n.address for n in newcomers),
                                  "--deployer", "--fund", "1", "--json").stdout)
    job = admitted[0]["drafted"]
    assert job and {a["drafted"] for a in admitted} == {job}  # one Safe transaction for the four calls
    assert [(a["sends"], a["deploys"], a["balance_wei"]) for a in admitted] == [("none", "none", 10**18)] * 2
    for house in (aurel, vellutti):
        house_cli(folder, config, house, "safe", "sign", job)
    refused = house_cli(folder, config, brandt, "safe", "exec", job, expect=2)
    assert "2 of the 3 signatures" in refused.stderr
    house_cli(folder, config, brandt, "safe", "sign", job)
    started = time.monotonic()
    house_cli(folder, config, brandt, "safe", "exec", job)
    report_figure(f"avalanche: the council Safe admitted 2 accounts to both allow lists in one transaction, "
                  f"3 of 4 houses signing; `safe exec` {time.monotonic() - started:.1f} s")
    for newcomer in newcomers:
        assert roles(folder, config, newcomer.address) == ["enabled", "enabled"]
        assert send_raw(w3, newcomer, config, to=aurel.account, gas=21_000)["status"] == 1
    again = json.loads(luxpass("avalanche-net", "admit", "--dir", folder, *(n.address for n in newcomers),
                               "--deployer", "--fund", "1", "--json").stdout)
    assert all(a["drafted"] is None for a in again)


def test_one_validator_killed_the_l1_goes_on_and_it_catches_up(consortium, report_figure):
    folder, config = consortium
    aurel, atelier = config.houses[0], config.houses[3]
    av_node.stop(folder, atelier, signal.SIGKILL)
    try:
        minted, seconds = mint(folder, config, aurel, "AUR-AVA-KILLED-1")
    finally:
        luxpass("avalanche-net", "up", "--dir", folder)
    report_figure(f"avalanche: one of four validators killed: a mint still final in {seconds:.1f} s "
                  "(k=20, alpha=15: 75% of the weight answers, the least a poll needs)")
    block = web3(config.rpc_url(aurel)).eth.get_transaction_receipt(minted["tx"])["blockNumber"]
    wait_for(lambda: (av_node.evm_height(config.rpc_url(atelier)) or 0) >= block, 120, "the restarted node caught up")
    assert heads(config, atelier, block) == heads(config, aurel, block)


def test_two_of_four_validators_killed_nothing_is_accepted_until_a_third_is_back(consortium, report_figure):
    """Half the weight cannot reach alpha=15 of 20: a house's transfer waits, accepted by no node,
    and is accepted once the two are back; nothing accepted before it changed."""
    folder, config = consortium
    aurel = config.houses[0]
    w3 = web3(config.rpc_url(aurel))
    top = w3.eth.block_number
    before = heads(config, aurel, top)
    for house in config.houses[2:]:
        av_node.stop(folder, house, signal.SIGKILL)
    payer = av_config.house_account(folder, aurel)
    sent = w3.eth.send_raw_transaction(payer.sign_transaction({
        "to": config.houses[1].account, "value": 1, "gas": 21_000, "maxFeePerGas": 10 * av_config.MIN_BASE_FEE,
        "maxPriorityFeePerGas": 0, "chainId": config.evm_chain_id, "type": 2,
        "nonce": w3.eth.get_transaction_count(payer.address)}).raw_transaction)
    time.sleep(20)
    stalled = w3.eth.block_number
    luxpass("avalanche-net", "up", "--dir", folder)
    started = time.monotonic()
    receipt = w3.eth.wait_for_transaction_receipt(sent, timeout=180)
    report_figure(f"avalanche: two of four validators killed: nothing accepted in 20 s (height {stalled}, was {top}); "
                  f"both back, the waiting transfer accepted {time.monotonic() - started:.1f} s after `up`")
    assert stalled == top and receipt["status"] == 1
    assert heads(config, aurel, top) == before


# What avalanchego's proposervm logs at start when the chain's own database holds fewer accepted
# blocks than it does: the node had lost accepted blocks and rolls back to what its chain kept.
ROLLBACK = "repairing accepted chain by height"
CRASH_ROUNDS = 3


def rollbacks(folder, config):
    return sum((av_config.house_dir(folder, h) / "logs" / f"{config.chain_id}.log").read_text().count(ROLLBACK)
               for h in config.houses)


def test_every_node_killed_at_once_no_accepted_block_changes(consortium, report_figure):
    """Every validator SIGKILLed at once (a crash of every house's node), three times in a row, each time
    just after a mint luxpass reported final (1 confirmation): every accepted block keeps its hash on
    every node, each mint is there, and no node lost an accepted block from its chain database (its
    proposervm logged no roll-back). Before the L1's chain config synced subnet-evm's database
    (`avalanche/network.py` L1_CHAIN_CONFIG), 3 of 7 runs lost the last mint on every node; with it,
    22 runs in a row passed (66 kills of every node, the last 8 runs with avalanchego on pebbledb too;
    all four back and serving in 3.4-8.4 s)."""
    folder, config = consortium
    aurel = config.houses[0]
    rolled_back = rollbacks(folder, config)
    mints, restarts = [], []
    for crash in range(1, CRASH_ROUNDS + 1):
        minted, _ = mint(folder, config, aurel, f"AUR-AVA-CRASH-{crash}")
        mints.append(minted["tx"])
        top = web3(config.rpc_url(aurel)).eth.block_number
        before = heads(config, aurel, top)
        for house in config.houses:
            av_node.stop(folder, house, signal.SIGKILL)
        started = time.monotonic()
        luxpass("avalanche-net", "up", "--dir", folder)
        restarts.append(time.monotonic() - started)
        for house in config.houses:
            try:
                wait_for(lambda: (av_node.evm_height(config.rpc_url(house)) or 0) >= top, 120,
                         f"{house.house} at #{top}")
            except AssertionError:
                seen = {h.house: av_node.evm_height(config.rpc_url(h)) for h in config.houses}
                raise AssertionError(f"crash {crash}: after every node was killed, the L1's heights are {seen}, "
                                     f"not #{top}: accepted blocks were lost") from None
            assert heads(config, house, top) == before, f"crash {crash}: {house.house}'s accepted blocks changed"
        assert rollbacks(folder, config) == rolled_back, f"crash {crash}: a node lost accepted blocks and rolled back"
        for tx in mints:
            assert web3(config.rpc_url(config.houses[2])).eth.get_transaction_receipt(tx)["status"] == 1
    report_figure(f"avalanche: every node killed at once, {CRASH_ROUNDS} times: all four back and serving in "
                  f"{', '.join(f'{s:.1f}' for s in restarts)} s; no accepted block changed, no node rolled back")
    again, _ = mint(folder, config, aurel, "AUR-AVA-AFTER-CRASH")
    assert again["tx"] not in mints


def test_bulk_mint_fails_over_between_two_houses_nodes_and_mints_each_once(consortium, tmp_path, report_figure):
    """Maison Aurel mints 200 passports through `--rpc-url AUREL,VELLUTTI`; its own node is killed
    once the first batch is final. The job fails over to Casa Vellutti's node (or stops with one
    error line); the same command run again finishes it: 200 passports, none twice, every
    transaction of the job succeeded, one per nonce."""
    folder, config = consortium
    aurel, vellutti = config.houses[0], config.houses[1]
    both = f"{config.rpc_url(aurel)},{config.rpc_url(vellutti)}"
    products = tmp_path / "products.csv"
    products.write_text("\n".join(open("data/sample-products.csv").read().splitlines()[:201]) + "\n")
    args = ["mint", "--brand", aurel.house, "--csv", products, "--out", tmp_path / "aurel-batch", "--batch-size", "20",
            "--json", "--rpc-url", both, "--keystore", aurel.keystore,
            "--password-file", av_config.password_file(folder, aurel.house)]
    w3v = web3(config.rpc_url(vellutti))
    nonce_before = w3v.eth.get_transaction_count(aurel.account)
    started = time.monotonic()
    first = subprocess.Popen([sys.executable, "-m", "luxpass", *map(str, args)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    wait_for(lambda: w3v.eth.get_transaction_count(aurel.account) > nonce_before, 120, "the job's first batch final")
    av_node.stop(folder, aurel, signal.SIGKILL)
    stdout, stderr = first.communicate(timeout=300)
    assert "Traceback" not in stderr, stderr
    assert f"using {config.rpc_url(vellutti)}" in stderr, "the process did not fail over:\n" + stderr
    if first.returncode != 0:
        assert len([line for line in stderr.splitlines() if line.startswith("error:")]) == 1, stderr
    rerun = json.loads(luxpass(*args).stdout)
    seconds = time.monotonic() - started
    assert rerun["rows"] == 200 and rerun["already_minted"] + rerun["minted_now"] == 200
    nonce_after = w3v.eth.get_transaction_count(aurel.account)
    assert nonce_after - nonce_before == 10, f"200 rows in batches of 20 take 10 transactions, not {nonce_after - nonce_before}"
    statuses = []
    for number in range(w3v.eth.block_number, 0, -1):
        for tx in w3v.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["from"] == aurel.account and tx["nonce"] >= nonce_before:
                statuses.append(w3v.eth.get_transaction_receipt(tx["hash"])["status"])
        if len(statuses) == 10:
            break
    assert statuses == [1] * 10, "a transaction of the job failed on chain"
    report_figure(f"avalanche: bulk mint of 200 failed over from Aurel's killed node to Vellutti's "
                  f"(first run exit {first.returncode}; the rerun minted {rerun['minted_now']}); 10 transactions, "
                  f"one per nonce, all succeeded; {seconds:.0f} s in all")
    luxpass("avalanche-net", "up", "--dir", folder)
