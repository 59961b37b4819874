"""`make demo-avalanche`: `make demo`'s whole story, the owner's included, on the consortium's L1,
each house signing with its keystore on its own node's /ext/bc/<chain>/rpc and every other actor
admitted and funded by an allow-list admin (`luxpass avalanche-net admit`). The demo runs as a
subprocess on a network of its own (its own folder; ports 9740-9747, 8646-8647), not the module
network of test_avalanche_net.py. Run by `make test-avalanche` (LUXPASS_TEST_AVALANCHE=1)."""
import subprocess
import sys
import time

from luxpass.avalanche import config as av_config
from luxpass.avalanche import network as av_network
from luxpass.avalanche import tools as av_tools


def test_the_demo_tells_the_whole_story_on_the_avalanche_l1(tmp_path, report_figure):
    av_tools.find()  # the binaries `make avalanche` builds, or the error naming what is missing
    home = tmp_path / "demo"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "demo/demo.py", "--avalanche", "--home", str(home)],
                          capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - started
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
