"""The consortium's own chain: four geth nodes sealing Clique blocks, driven through
`luxpass consortium-net`. Run by `make test-net` (LUXPASS_TEST_NET=1), in a network namespace."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from eth_account import Account
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware

from luxpass.chain import network as net
from luxpass.chain.node_backup import alive

BASE_PORT = 8600


def luxpass(*args, expect=0):
    done = subprocess.run([sys.executable, "-m", "luxpass", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == expect, f"{args} exited {done.returncode}: {done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done


def net_cmd(folder, *args):
    return json.loads(luxpass("consortium-net", *args, "--dir", folder, "--json").stdout)


def web3s(nodes):
    found = [Web3(Web3.HTTPProvider(n["rpc_url"])) for n in nodes]
    for w3 in found:
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return found


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout} s")


FINAL = net.consortium_confirmations(len(net.HOUSES))


def agree_on(w3s, number):
    """Once block `number` has its confirmations on every node, they all hold the same one.
    (At the tip they may not: two houses can seal competing blocks, and Clique picks one.)"""
    wait_for(lambda: all(w3.eth.block_number >= number + FINAL - 1 for w3 in w3s), 30,
             f"block {number} confirmed on every node")
    hashes = {w3.eth.get_block(number)["hash"] for w3 in w3s}
    return len(hashes) == 1


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    folder = tmp_path_factory.mktemp("consortium") / "net"
    try:
        yield folder, net_cmd(folder, "up", "--base-port", BASE_PORT)
    finally:
        if (folder / "net.json").exists():
            luxpass("consortium-net", "down", "--dir", folder)


def test_four_houses_seal_and_peer(network):
    folder, nodes = network
    assert [n["house"] for n in nodes] == list(net.HOUSES)
    assert all(n["running"] and n["peers"] == 3 for n in nodes), nodes
    w3s = web3s(nodes)
    signers = {s.lower() for s in w3s[0].provider.make_request("clique_getSigners", [])["result"]}
    assert signers == {n["signer"].lower() for n in nodes}
    start = w3s[0].eth.block_number
    wait_for(lambda: w3s[0].eth.block_number >= start + 8, 30, "eight more blocks")
    sealers = {w3s[0].provider.make_request("clique_getSigner", [hex(b)])["result"].lower()
               for b in range(start + 1, start + 9)}
    assert len(sealers) >= 3, "Clique takes turns: no house may seal two of three consecutive blocks"
    assert agree_on(w3s, start + 6)


def test_house_key_in_its_keystore_pays_on_its_own_node(network):
    """Each house signs with its own keystore on its own node; every node sees the same block."""
    folder, nodes = network
    house = nodes[3]
    key = Account.decrypt(json.loads(open(house["keystore"]).read()),
                          net.password_file(folder, house["house"]).read_text())
    w3 = web3s([house])[0]
    receiver = Account.create().address
    tx = Account.from_key(key).sign_transaction({
        "to": receiver, "value": 10**18, "gas": 21_000, "nonce": w3.eth.get_transaction_count(house["signer"]),
        "chainId": net.CHAIN_ID, "maxFeePerGas": 2 * w3.eth.get_block("latest")["baseFeePerGas"] + 10**9,
        "maxPriorityFeePerGas": 10**9})
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(tx.raw_transaction), timeout=30)
    w3s = web3s(nodes)
    assert agree_on(w3s, receipt["blockNumber"])
    assert {x.eth.get_balance(receiver) for x in w3s} == {10**18}


def test_killed_node_chain_goes_on_and_it_rejoins(network):
    """SIGKILL one house's node: the other three (a majority) keep sealing; `up` restarts it and
    it syncs to the same chain."""
    folder, _ = network
    nodes = net_cmd(folder, "status")
    victim = nodes[1]
    os.kill(victim["pid"], signal.SIGKILL)
    wait_for(lambda: not alive(victim["pid"]), 10, "the node gone")
    others = web3s([n for n in nodes if n is not victim])
    start = others[0].eth.block_number
    wait_for(lambda: others[0].eth.block_number >= start + 5, 40, "the chain goes on without the killed node")
    states = net_cmd(folder, "status")
    assert [s["running"] for s in states] == [True, False, True, True]
    restarted = net_cmd(folder, "up")
    assert all(s["running"] and s["peers"] == 3 for s in restarted), restarted
    head = others[0].eth.block_number
    w3 = web3s([victim])[0]
    wait_for(lambda: w3.eth.block_number >= head, 60, "the restarted node synced")
    assert agree_on([w3, *others], head)


def test_down_then_up_resumes_the_same_chain(network):
    folder, _ = network
    w3 = web3s(net_cmd(folder, "status"))[0]
    genesis, before = w3.eth.get_block(0)["hash"], w3.eth.block_number
    stopped = net_cmd(folder, "down")
    assert not any(s["running"] for s in stopped)
    resumed = net_cmd(folder, "up")
    assert all(s["running"] and s["peers"] == 3 for s in resumed), resumed
    w3 = web3s(resumed)[0]
    assert w3.eth.get_block(0)["hash"] == genesis
    assert w3.eth.block_number >= before
    wait_for(lambda: w3.eth.block_number > before + 2, 30, "sealing again after the restart")


# --- the consortium's story on its own chain: each house through its own node -------------

def house_cli(folder, node, *args, rpc_url=None, expect=0):
    """`luxpass ARGS` as `node`'s house: its keystore, its password file, its own node."""
    return luxpass(*args, "--rpc-url", rpc_url or node["rpc_url"], "--keystore", node["keystore"],
                   "--password-file", net.password_file(folder, node["house"]), expect=expect)


def passport_heads(node, brand, ids):
    """The head of each passport's record, as this node sees it."""
    return [json.loads(luxpass("status", f"{brand}:{i}", "--rpc-url", node["rpc_url"], "--json").stdout)
            for i in ids]


@pytest.fixture(scope="module")
def consortium(network, tmp_path_factory):
    evm = json.loads(open("build/contracts/BrandPassport.json").read())["compiler"]["evm_version"]
    assert evm in ("london", "paris"), f"Clique runs London: build the contracts for paris, not {evm}"
    folder, nodes = network
    aurel, vellutti, brandt, atelier = nodes
    founders = [f"--founder={n['house']}:{n['house'][:3].upper()}:{n['signer']}" for n in nodes[:3]]
    house_cli(folder, aurel, "deploy", *founders)
    house_cli(folder, aurel, "brand", "propose", "admit", atelier["house"], "--symbol", "ATN",
              "--council", atelier["signer"])
    house_cli(folder, vellutti, "brand", "vote", "1", "--yes")
    house_cli(folder, aurel, "role", "grant", "minter", aurel["signer"], "--brand", aurel["house"])
    house_cli(folder, atelier, "role", "grant", "minter", atelier["signer"], "--brand", atelier["house"])
    return folder, nodes


def collection_of(node, brand):
    shown = json.loads(luxpass("brand", "show", brand, "--rpc-url", node["rpc_url"], "--json").stdout)
    return Web3.to_checksum_address(shown["collection"])


def minted_ids(w3, collection):
    """Token ids of every mint (Transfer from address zero) the node has logged."""
    transfer = Web3.keccak(text="Transfer(address,address,uint256)")
    logs = w3.eth.get_logs({"address": collection, "fromBlock": 0, "toBlock": "latest",
                            "topics": [transfer, "0x" + "00" * 32]})
    return [int.from_bytes(bytes(log["topics"][3]), "big") for log in logs]


def test_bulk_mint_survives_its_node_killed_and_all_nodes_agree(consortium, tmp_path, report_figure):
    """Maison Aurel's node dies in the middle of a bulk mint: the other three go on sealing; the
    same command against Casa Vellutti's node finishes the job with nothing minted twice; Aurel's
    node restarts, syncs, and every node holds the same head for every passport."""
    folder, _ = consortium
    nodes = net_cmd(folder, "status")  # the earlier tests restarted nodes: their pids now
    aurel, vellutti = nodes[0], nodes[1]
    products = tmp_path / "products.csv"
    lines = open("data/sample-products.csv").read().splitlines()[:301]
    products.write_text("\n".join(lines) + "\n")
    out = tmp_path / "aurel-batch"
    args = ["mint", "--brand", aurel["house"], "--csv", products, "--out", out, "--batch-size", "20", "--json"]
    first = subprocess.Popen([sys.executable, "-m", "luxpass", *map(str, args), "--rpc-url", aurel["rpc_url"],
                              "--keystore", aurel["keystore"], "--password-file",
                              net.password_file(folder, aurel["house"])],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    collection = collection_of(vellutti, aurel["house"])
    w3v = web3s([vellutti])[0]
    wait_for(lambda: len(minted_ids(w3v, collection)) >= 40, 60, "the first batches mined")
    os.kill(aurel["pid"], signal.SIGKILL)
    _, stderr = first.communicate(timeout=180)
    assert first.returncode != 0, "the bulk mint finished before its node was killed"
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr

    rerun = json.loads(house_cli(folder, aurel, *args, rpc_url=vellutti["rpc_url"]).stdout)
    assert rerun["rows"] == 300 and rerun["already_minted"] >= 40
    assert rerun["already_minted"] + rerun["minted_now"] == 300
    minted = minted_ids(w3v, collection)
    assert len(minted) == len(set(minted)) == 300, "a passport was minted twice or one is missing"
    report_figure(f"consortium-net: Aurel's node killed after {rerun['already_minted']} of 300 mints "
                  f"({errors[0]}); the rerun on Vellutti's node minted {rerun['minted_now']}")

    restarted = {s["house"]: s for s in net_cmd(folder, "up")}
    assert restarted[aurel["house"]]["running"] and restarted[aurel["house"]]["peers"] == 3
    head = w3v.eth.block_number
    w3s = web3s(nodes)
    wait_for(lambda: all(w3.eth.block_number >= head for w3 in w3s), 60, "every node at the same height")
    assert agree_on(w3s, head)
    abi = json.loads(open("build/contracts/BrandPassport.json").read())["abi"]
    views = [w3.eth.contract(address=collection, abi=abi).functions.heads(sorted(minted)).call(block_identifier=head)
             for w3 in w3s]
    assert all(view == views[0] for view in views), "the nodes disagree on a passport's head"
    assert len(views[0][0]) == 300
