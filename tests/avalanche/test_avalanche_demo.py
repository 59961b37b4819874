"""`make demo-avalanche`: `make demo`'s whole story, the owner's included, on the consortium's L1,
each house signing with its keystore on its own node's /ext/bc/<chain>/rpc and every other actor
admitted and funded by an allow-list admin (`luxpass avalanche-net admit`). The demo runs as a
subprocess on a network of its own (its own folder; ports 9740-9747, 8646-8647), not the module
network of test_avalanche_net.py. Run by `make test-avalanche` (LUXPASS_TEST_AVALANCHE=1)."""
import json
import subprocess
import sys
import time

import pytest

from test_avalanche_net import house_cli, luxpass

from luxpass.avalanche import config as av_config
from luxpass.avalanche import network as av_network
from luxpass.avalanche import tools as av_tools


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    av_tools.find()  # the binaries `make avalanche` builds, or the error naming what is missing
    home = tmp_path_factory.mktemp("avalanche-demo") / "demo"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "demo/demo.py", "--avalanche", "--home", str(home)],
                          capture_output=True, text=True, timeout=3600)
    return home, done, time.monotonic() - started


def test_the_demo_tells_the_whole_story_on_the_avalanche_l1(demo, report_figure):
    home, done, seconds = demo
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    assert "Traceback" not in out, out[-6000:]
    assert f"luxpass waits for {av_config.confirmations()} confirmation" in out
    for house in av_config.HOUSES:
        assert f"[{house}'s node]" in out, f"no step ran on {house}'s node"
    # the actors outside the genesis were admitted (each as its own account), the owner too
    admitted = [line for line in out.splitlines() if "sends: enabled" in line]
    assert len(admitted) >= 18, out[-6000:]
    assert "Emma's balance: 0 wei" in out, "the owner's story did not run to its end"
    assert "not authorized to deploy" in out, "the forger's deployment was not refused by the deployer allow list"
    assert not any(s.running for s in av_network.status(home / "net")), "the demo left a node running"
    steps = out.count("  $ luxpass ")
    report_figure(f"avalanche: the demo's whole story (owner's included) on the L1: {steps} luxpass steps, "
                  f"{seconds:.0f} s with the network's start")


def test_admit_run_again_sends_nothing_and_pays_no_one_twice(demo):
    """On the demo's network, started again: the reseller the demo admitted with 100 coins, who has
    paid gas since, is admitted again with the same --fund: one payment tops it up to 100 coins,
    nothing re-enables it; a new account is paid and its admission to send (not to deploy) drafted
    for the houses' council Safe, which three houses sign; run a second time (signed by another
    house), `admit` sends nothing and the balances stay."""
    home, done, _ = demo
    assert done.returncode == 0, "the demo did not run"
    folder = home / "net"
    reseller = "0x" + json.loads((home / "keystores" / "maison-seconde.json").read_text())["address"].removeprefix("0x")
    stranger = "0x" + "5e" * 20
    luxpass("avalanche-net", "up", "--dir", folder)
    try:
        first = json.loads(luxpass("avalanche-net", "admit", "--dir", folder, reseller, stranger, "--fund", "100",
                                   "--json").stdout)
        config = av_config.require(folder)
        for house in config.houses[:3]:
            house_cli(folder, config, house, "safe", "sign", first[1]["drafted"])
        house_cli(folder, config, config.houses[2], "safe", "exec", first[1]["drafted"])
        again = json.loads(luxpass("avalanche-net", "admit", "--dir", folder, reseller, stranger, "--fund", "100",
                                   "--json", "--house", "Casa Vellutti").stdout)
    finally:
        luxpass("avalanche-net", "down", "--dir", folder)
    by_address = {a["address"].lower(): a for a in first}
    assert len(by_address[reseller.lower()]["transactions"]) == 1, "the admitted reseller was enabled again"
    assert by_address[reseller.lower()]["balance_wei"] == 100 * 10**18
    assert by_address[reseller.lower()]["drafted"] is None
    assert len(by_address[stranger]["transactions"]) == 1 and by_address[stranger]["drafted"]  # paid; enabling drafted
    assert [(a["sends"], a["deploys"]) for a in again] == [("enabled", "none")] * 2
    assert [a["transactions"] for a in again] == [[], []]
    assert [a["balance_wei"] for a in again] == [a["balance_wei"] for a in first]
    assert by_address[stranger]["balance_wei"] == 100 * 10**18
