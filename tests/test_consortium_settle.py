"""How `consortium-net up` and the watcher settle Clique's deadlock between forks (`network.settle`), on nodes
simulated in memory: which nodes are on a fork and which are only behind, which fork is kept,
and that a rewound node stops sealing until it holds the kept fork. The real deadlocks, after a
2 + 2 partition and on a new chain, are in tests/net."""
from types import SimpleNamespace

import pytest

from luxpass.consortium import network as net
from luxpass.consortium import node as geth_node
from luxpass.consortium.config import NetworkConfig, NodeConfig


class Nodes:
    """Each node's chain as a list of block hashes, block n at index n. Peering a node again with
    one whose chain extends its own makes it sync that chain, as geth does after the handshake."""

    def __init__(self, **chains):
        self.chains = {slug: list(chain) for slug, chain in chains.items()}
        self.sealing = dict.fromkeys(chains, True)
        self.calls = []
        self.now = 0.0

    def rpc(self, rpc_url, method, *params):
        slug = rpc_url.removeprefix("http://").split(":")[0]
        chain = self.chains[slug]
        self.calls.append((slug, method))
        if method == "eth_getBlockByNumber":
            number = len(chain) - 1 if params[0] == "latest" else int(params[0], 16)
            return {"number": hex(number), "hash": chain[number]} if number < len(chain) else None
        if method == "debug_setHead":
            del chain[int(params[0], 16) + 1:]
        elif method in ("miner_stop", "miner_start"):
            assert self.sealing[slug] != (method == "miner_start"), f"{method} twice on {slug}"
            self.sealing[slug] = method == "miner_start"
        elif method == "admin_nodeInfo":
            return {"enode": slug}
        elif method == "admin_addPeer":
            peer = self.chains[params[0]]
            if len(peer) > len(chain) and peer[:len(chain)] == chain:
                assert not self.sealing[slug], f"{slug} synced while sealing"
                chain[:] = peer
        return True

    def sleep(self, seconds):
        self.now += seconds

    def rewinds(self):
        return [slug for slug, method in self.calls if method == "debug_setHead"]


@pytest.fixture
def nodes(monkeypatch):
    def make(**chains):
        fake = Nodes(**chains)
        monkeypatch.setattr(geth_node, "call", fake.rpc)
        monkeypatch.setattr(net, "time", SimpleNamespace(monotonic=lambda: fake.now, sleep=fake.sleep))
        nodes = [NodeConfig(slug.title(), slug, "0x" + "00" * 20, "", slug, 0, 0, 0, host=slug) for slug in chains]
        return fake, NetworkConfig(1, 1, nodes)
    return make


def settle(config, still=False):
    said = []
    net.settle(config, said.append, deadline=600, still=still)
    return said


def test_nodes_behind_another_are_not_on_a_fork(nodes):
    """A new chain: the first house sealed block 1 alone, the others still hold only genesis."""
    fake, config = nodes(aurel=["g", "a1"], vellutti=["g"], brandt=["g"], atelier=["g"])
    assert settle(config) == []
    assert fake.rewinds() == [] and fake.now == 0, "nothing waits or is rewound for nodes that are only behind"


def test_one_same_head_is_left_alone(nodes):
    fake, config = nodes(aurel=["g", "b1"], vellutti=["g", "b1"])
    assert settle(config) == [] and fake.rewinds() == []


def test_two_forks_of_equal_weight_keep_the_lower_hash(nodes):
    """The 2 + 2 deadlock: two nodes on each fork, of the same length."""
    common = ["g", "c1"]
    fake, config = nodes(aurel=common + ["a2", "a3"], vellutti=common + ["a2", "a3"],
                         brandt=common + ["b2", "b3"], atelier=common + ["b2"])
    # atelier is behind brandt, on brandt's fork: it is rewound with it
    said = settle(config)
    assert sorted(fake.rewinds()) == ["atelier", "brandt"]
    assert {tuple(chain) for chain in fake.chains.values()} == {tuple(common + ["a2", "a3"])}
    assert all(fake.sealing.values()), "the rewound nodes seal again once they hold the kept fork"
    assert "Brandt's node stood still on a fork of equal weight at block 3: rewound to block 1, " \
           "where it parts from Aurel's" in said


def test_the_fork_most_nodes_are_on_is_kept(nodes):
    """A lone house sealed a block of its own; the three others went on."""
    common = ["g", "c1"]
    fake, config = nodes(aurel=common + ["z2", "z3", "z4"], vellutti=common + ["z2", "z3", "z4"],
                         brandt=common + ["z2", "z3"], atelier=common + ["a2"])
    settle(config)
    assert fake.rewinds() == ["atelier"]
    assert fake.chains["atelier"] == common + ["z2", "z3", "z4"]


def test_heads_seen_standing_still_are_settled_without_waiting(nodes):
    """The watcher has seen the forks stand still already: it settles at once."""
    common = ["g", "c1"]
    fake, config = nodes(aurel=common + ["a2"], vellutti=common + ["a2"], brandt=common + ["b2"])
    settle(config, still=True)
    assert fake.rewinds() == ["brandt"] and fake.chains["brandt"] == common + ["a2"]
    assert fake.now < 4, "it waited for the heads to stand still"
    assert fake.sealing["brandt"] is True
