"""The houses as hosts: each house's geth runs in a network namespace of its own, with its own
address, joined to the others by a veth link to one bridge (tests/house_hosts.py: made in a namespace
this module moves its own process into, so nothing of the machine's network is touched). The network
is made by `consortium-net up --address`; a partition is a cut link: the lone house's link is moved to
a bridge of its own, which the operator's namespace still reaches but the other houses do not."""
import json
import os
import subprocess
import sys
import time

import pytest
from house_hosts import house_hosts
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware

from luxpass.consortium import config as net

SUBNET = "10.75.0"
BASE_PORT = 8620
FINAL = net.consortium_confirmations(len(net.HOUSES))


def luxpass(*args):
    done = subprocess.run([sys.executable, "-m", "luxpass", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, f"{args} exited {done.returncode}: {done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout} s")


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Four house namespaces (tests/house_hosts.py), a geth wrapper that starts each node in the
    namespace of the address its --http.addr names (geth init and dumpgenesis: here), and the
    network made over them."""
    work = tmp_path_factory.mktemp("hosts")
    folder = work / "net"
    with house_hosts(SUBNET, len(net.HOUSES), work) as links:
        geth = links.wrapper(work / "geth", os.environ["LUXPASS_GETH"], "--http.addr")
        try:
            states = json.loads(luxpass("consortium-net", "up", "--dir", folder, "--base-port", BASE_PORT, "--geth",
                                        geth, *[f"--address={a}" for a in links.addresses], "--json").stdout)
            yield folder, states, links
        finally:
            if (folder / "net.json").exists():
                luxpass("consortium-net", "down", "--dir", folder)


def web3s(states):
    found = [Web3(Web3.HTTPProvider(s["rpc_url"], request_kwargs={"timeout": 5})) for s in states]
    for w3 in found:
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return found


def rpc(w3, method, *params):
    reply = w3.provider.make_request(method, list(params))
    assert "error" not in reply, reply
    return reply["result"]


def test_each_house_on_its_own_host_peers_over_the_links_and_seals(hosts):
    folder, states, _ = hosts
    assert [s["rpc_url"] for s in states] == [f"http://{SUBNET}.{i + 1}:{BASE_PORT + i}" for i in range(4)]
    assert all(s["running"] and s["peers"] == 3 and s["sealing"] for s in states), states
    w3s = web3s(states)
    for i, w3 in enumerate(w3s):  # each peer seen at its own host's address, none on loopback
        remotes = {peer["network"]["remoteAddress"].split(":")[0] for peer in rpc(w3, "admin_peers")}
        assert remotes <= {f"{SUBNET}.{j + 1}" for j in range(4) if j != i}, remotes
    start = w3s[0].eth.block_number
    wait_for(lambda: all(w3.eth.block_number >= start + FINAL for w3 in w3s), 30, "every host sealing on")
    asked = luxpass("node", "status", "--rpc-url", ",".join(s["rpc_url"] for s in states)).stdout
    assert "the chain grows: block" in asked and asked.count(", sealing)") == 4, asked
    assert len({w3.eth.get_block(start)["hash"] for w3 in w3s}) == 1


def test_a_cut_link_leaves_the_three_sealing_and_the_lone_house_comes_back_to_their_chain(hosts, report_figure):
    """Atelier Nouveau's link is cut: the three others (a majority) seal on; the lone house seals at
    most one block of its own and stands still; `status` says it is not on the best chain. The link
    put back, with `consortium-net watch` running, the lone node takes the majority's chain, and
    no block confirmed before the cut changed."""
    folder, states, links = hosts
    w3s = web3s(states)
    lone, three = w3s[3], w3s[:3]
    before = three[0].eth.block_number
    confirmed = before - FINAL + 1
    confirmed_hash = three[0].eth.get_block(confirmed)["hash"]
    links.cut(3)
    cut_at = time.time()
    try:
        lone_start = lone.eth.block_number
        wait_for(lambda: three[0].eth.block_number >= before + 6, 40, "the three sealing on without Atelier")
        assert lone.eth.block_number <= lone_start + 1, "the lone house sealed more than one block alone"
        seen = json.loads(luxpass("consortium-net", "status", "--dir", folder, "--json").stdout)["health"]
        assert seen["growing"], seen
        atelier = next(n for n in seen["nodes"] if n["house"] == states[3]["house"])
        assert atelier["answers"] and atelier["place"] in ("behind", "other head"), atelier
    finally:
        links.heal(3)
    healed = time.time()
    watching = subprocess.Popen([sys.executable, "-m", "luxpass", "consortium-net", "watch", "--dir", folder],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        target = three[0].eth.block_number
        wait_for(lambda: lone.eth.block_number >= target and
                 lone.eth.get_block(target)["hash"] == three[0].eth.get_block(target)["hash"], 90,
                 "the lone node on the majority's chain")
        took = time.time() - healed
    finally:
        watching.terminate()
        _, said = watching.communicate(timeout=30)
    assert {w3.eth.get_block(confirmed)["hash"] for w3 in w3s} == {confirmed_hash}
    report_figure(f"consortium-net over veth links: Atelier's link cut for {healed - cut_at:.0f} s, the three "
                  f"sealed on, the lone house sealed at most 1 block; healed, it held the majority's chain "
                  f"{took:.1f} s later (watch: {len(said.splitlines())} action(s))")


def test_two_against_two_over_cut_links_neither_side_goes_on_and_healed_the_chain_does(hosts, report_figure):
    """Vellutti's and Atelier's links are cut from Aurel's and Brandt's: two houses alone seal at
    most two blocks, so both sides stop. The links put back, with `consortium-net watch` running
    (it settles a deadlock of equal-weight forks if one forms), the chain grows again on every
    node, one chain, and no block confirmed before the cut changed."""
    folder, states, links = hosts
    w3s = web3s(states)
    one, two = [w3s[0], w3s[2]], [w3s[1], w3s[3]]
    before = w3s[0].eth.block_number
    confirmed = before - FINAL + 1
    confirmed_hash = w3s[0].eth.get_block(confirmed)["hash"]
    links.cut(1, 3)
    cut_at = time.time()
    try:
        starts = [w3.eth.block_number for w3 in w3s]
        time.sleep(4 * (net.PERIOD + 2))  # time for a side to seal what Clique lets it: at most two blocks
        grown = [w3.eth.block_number - start for w3, start in zip(w3s, starts)]
        assert all(g <= 2 for g in grown), f"a side of two sealed more than two blocks: {grown}"
        stalled = [w3.eth.block_number for w3 in one + two]
        time.sleep(net.PERIOD + 3)
        assert [w3.eth.block_number for w3 in one + two] == stalled, "a side of two went on"
        seen = json.loads(luxpass("consortium-net", "status", "--dir", folder, "--json").stdout)["health"]
        assert seen["growing"] is False and seen["reason"], seen
        urls = ",".join(s["rpc_url"] for s in states)  # a member's operator, who knows only the nodes' URLs
        asked = json.loads(luxpass("node", "status", "--rpc-url", urls, "--json").stdout)["health"]
        assert asked["growing"] is False and asked["stalled_since"] is not None and asked["reason"], asked
    finally:
        links.heal(1, 3)
    healed = time.time()
    watching = subprocess.Popen([sys.executable, "-m", "luxpass", "consortium-net", "watch", "--dir", folder],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        top = max(stalled)
        wait_for(lambda: all(w3.eth.block_number >= top + FINAL for w3 in w3s), 90, "the chain growing again")
        took = time.time() - healed
        wait_for(lambda: len({w3.eth.get_block(top)["hash"] for w3 in w3s}) == 1, 30, "one chain on every node")
    finally:
        watching.terminate()
        _, said = watching.communicate(timeout=30)
    assert {w3.eth.get_block(confirmed)["hash"] for w3 in w3s} == {confirmed_hash}
    settled = "a deadlock settled by the watcher" if "stood still on a fork" in said else "no deadlock formed"
    report_figure(f"consortium-net 2+2 over veth links: cut for {healed - cut_at:.0f} s, each side sealed at most "
                  f"{max(grown)} block(s) and stood still ({seen['reason'][:60]}…); healed, the chain grew "
                  f"{FINAL} blocks on every node {took:.1f} s later ({settled})")
