"""The houses as hosts on Avalanche, as tests/net/test_hosts.py on Clique: each house's avalanchego
runs in a network namespace of its own, with its own address, joined to the others by a veth link to
one bridge (tests/house_hosts.py). The network is made by `avalanche-net up --address`; a partition
is a cut link: a house's link moved to a bridge of its own, which the operator's namespace (the hub)
still reaches but the other houses do not."""
import time

import pytest
from house_hosts import house_hosts
from test_avalanche_net import heads, luxpass, wait_for, web3
from web3.exceptions import TransactionNotFound

from luxpass.avalanche import config as av_config
from luxpass.avalanche import node as av_node
from luxpass.avalanche import tools as av_tools

SUBNET = "10.76.0"
BASE_PORT = 9800
STALL_S = 25  # how long a side that cannot reach alpha is watched for an accepted block
ACCEPT_TIMEOUT = 240


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, report_figure):
    """Four house namespaces (tests/house_hosts.py), a tools folder whose avalanchego starts each
    node in the namespace of the address its --http-host names (luxpass-l1 and the plugin: the built
    ones), and the network made over them."""
    built = av_tools.find()  # the binaries `make avalanche` builds, or the error naming what is missing
    work = tmp_path_factory.mktemp("avalanche-hosts")
    folder = work / "net"
    with house_hosts(SUBNET, len(av_config.HOUSES), work) as links:
        tools = work / "tools"
        (tools / "bin").mkdir(parents=True)
        (tools / "bin" / "luxpass-l1").symlink_to(built.l1)
        (tools / "plugins").symlink_to(built.plugins)
        links.wrapper(tools / "bin" / "avalanchego", built.avalanchego, "--http-host")
        try:
            started = time.monotonic()
            luxpass("avalanche-net", "up", "--dir", folder, "--base-port", BASE_PORT, "--tools", tools,
                    *[f"--address={a}" for a in links.addresses], "--json")
            report_figure(f"avalanche over veth links: four validators on four hosts and the L1 up in "
                          f"{time.monotonic() - started:.0f} s")
            yield folder, av_config.require(folder), links
        finally:
            if (folder / "net.json").exists():
                luxpass("avalanche-net", "down", "--dir", folder)


_accounts = {}


def send_transfer(folder, config, house):
    """A transfer of 1 wei from `house`'s account, sent to its own node; its hash."""
    if house.slug not in _accounts:
        _accounts[house.slug] = av_config.house_account(folder, house)
    payer = _accounts[house.slug]
    w3 = web3(config.rpc_url(house))
    return w3.eth.send_raw_transaction(payer.sign_transaction({
        "to": config.houses[0].account, "value": 1, "gas": 21_000, "maxFeePerGas": 10 * av_config.MIN_BASE_FEE,
        "maxPriorityFeePerGas": 0, "chainId": config.evm_chain_id, "type": 2,
        "nonce": w3.eth.get_transaction_count(payer.address, "pending")}).raw_transaction)


def accepted(config, house, tx) -> bool:
    try:
        return web3(config.rpc_url(house)).eth.get_transaction_receipt(tx)["status"] == 1
    except TransactionNotFound:
        return False


def height(config, house) -> int:
    return av_node.evm_height(config.rpc_url(house)) or 0


def peer_ids(house) -> set[str]:
    return {peer["nodeID"] for peer in av_node.api(house, "/ext/info", "info.peers")["peers"]}


def on_one_chain(config, up_to) -> bool:
    return len({tuple(heads(config, house, up_to)) for house in config.houses}) == 1


def test_four_validators_on_four_hosts_peer_over_the_links_and_accept_blocks(hosts, report_figure):
    folder, config, links = hosts
    addresses = links.addresses
    assert [h.host for h in config.houses] == addresses
    assert [config.rpc_url(h) for h in config.houses] == [
        f"http://{a}:{BASE_PORT + 2 * i}/ext/bc/{config.chain_id}/rpc" for i, a in enumerate(addresses)]
    for i, house in enumerate(config.houses):  # each peer seen at its own host's address, none on loopback
        peers = av_node.api(house, "/ext/info", "info.peers")["peers"]
        assert {p["ip"].rsplit(":", 1)[0] for p in peers} == set(addresses) - {addresses[i]}, peers
    started = time.monotonic()
    sent = [send_transfer(folder, config, house) for house in config.houses]
    wait_for(lambda: all(accepted(config, h, tx) for h in config.houses for tx in sent), ACCEPT_TIMEOUT,
             "a transfer sent to each house's node accepted on every node")
    took = time.monotonic() - started
    assert on_one_chain(config, height(config, config.houses[0]))
    report_figure(f"avalanche over veth links: a transfer sent to each of the four hosts' nodes, all accepted "
                  f"on every node in {took:.1f} s")


def test_one_house_cut_off_the_three_accept_the_lone_one_nothing_and_healed_it_takes_their_chain(
        hosts, report_figure):
    """Atelier Nouveau's link is cut: the three others hold 75% of the weight, exactly alpha=15 of
    k=20, and accept a transfer sent to Aurel's node; the lone node accepts nothing, not even the
    transfer sent to it. The link put back, the lone node holds the three's chain, its own transfer
    is accepted, and no block accepted before (on any node) changed."""
    folder, config, links = hosts
    aurel, lone = config.houses[0], config.houses[3]
    three = config.houses[:3]
    top = height(config, aurel)
    before = heads(config, aurel, top)
    links.cut(3)
    cut_at = time.monotonic()
    try:
        lone_height = height(config, lone)
        from_lone = send_transfer(folder, config, lone)
        from_aurel = send_transfer(folder, config, aurel)
        dropped = []  # when Aurel's node stopped counting Atelier's as a peer

        def three_accepted():
            if not dropped and lone.node_id not in peer_ids(aurel):
                dropped.append(time.monotonic() - cut_at)
            return all(accepted(config, h, from_aurel) for h in three)
        wait_for(three_accepted, ACCEPT_TIMEOUT, "the three houses accepting a transfer without Atelier")
        three_took = time.monotonic() - cut_at
        time.sleep(max(0.0, cut_at + STALL_S - time.monotonic()))
        assert height(config, lone) == lone_height, "the lone house accepted a block alone"
        assert not accepted(config, lone, from_lone) and not accepted(config, aurel, from_lone)
    finally:
        links.heal(3)
    healed = time.monotonic()
    target = height(config, aurel)
    wait_for(lambda: height(config, lone) >= target, ACCEPT_TIMEOUT, "the lone node on the three's chain")
    back = time.monotonic() - healed
    wait_for(lambda: all(accepted(config, h, from_lone) for h in config.houses), ACCEPT_TIMEOUT,
             "the lone house's transfer accepted after the heal")
    lone_tx_took = time.monotonic() - healed
    now = height(config, aurel)
    assert on_one_chain(config, now)
    assert all(heads(config, h, top) == before for h in config.houses), "a block accepted before the cut changed"
    report_figure(f"avalanche over veth links: Atelier's link cut for {healed - cut_at:.0f} s: the three accepted a "
                  f"transfer {three_took:.1f} s after the cut (Aurel's node dropped Atelier's as a peer "
                  f"{f'after {dropped[0]:.1f} s' if dropped else 'not by then'}), the lone node nothing (height {lone_height} "
                  f"throughout); healed, it held their chain {back:.1f} s later and its own transfer was accepted "
                  f"{lone_tx_took:.1f} s after the heal; blocks 0-{top} unchanged on every node")


def test_two_against_two_neither_side_accepts_and_healed_the_chain_goes_on(hosts, report_figure):
    """Casa Vellutti's and Atelier Nouveau's links are cut from Maison Aurel's and Horlogerie Brandt's:
    each side holds 50% of the weight, below alpha, and accepts nothing, not the transfer sent to
    each. The links put back, both transfers are accepted, one chain on every node, and no block
    accepted before the cut changed."""
    folder, config, links = hosts
    aurel, vellutti = config.houses[0], config.houses[1]
    top = height(config, aurel)
    wait_for(lambda: all(height(config, h) == top for h in config.houses), 60, "every node at one height")
    before = heads(config, aurel, top)
    links.cut(1, 3)
    cut_at = time.monotonic()
    try:
        sent = [send_transfer(folder, config, aurel), send_transfer(folder, config, vellutti)]
        time.sleep(max(0.0, cut_at + STALL_S - time.monotonic()))
        stalled = [height(config, h) for h in config.houses]
        assert stalled == [top] * 4, f"a side of two accepted a block: heights {stalled}, was {top}"
        assert not any(accepted(config, h, tx) for h in config.houses for tx in sent)
    finally:
        links.heal(1, 3)
    healed = time.monotonic()
    wait_for(lambda: all(accepted(config, h, tx) for h in config.houses for tx in sent), ACCEPT_TIMEOUT,
             "both sides' transfers accepted on every node after the heal")
    took = time.monotonic() - healed
    now = min(height(config, h) for h in config.houses)
    assert now > top and on_one_chain(config, now)
    assert all(heads(config, h, top) == before for h in config.houses), "a block accepted before the cut changed"
    report_figure(f"avalanche over veth links 2+2: cut for {healed - cut_at:.0f} s, neither side accepted a block "
                  f"(height {top} on all four); healed, both sides' transfers accepted on every node {took:.1f} s "
                  f"later, one chain, blocks 0-{top} unchanged")


def test_up_refuses_addresses_that_are_not_one_ipv4_per_house_and_makes_nothing(tmp_path):
    folder = tmp_path / "net"
    for wrong, said in ((["10.0.0.1", "10.0.0.2"], "error: 2 --address for 4 houses"),
                        (["10.0.0.1", "10.0.0.2", "10.0.0.3", "atelier"], "error: --address 'atelier' is not an IPv4")):
        done = luxpass("avalanche-net", "up", "--dir", folder, *[f"--address={a}" for a in wrong], expect=2)
        assert done.stderr.startswith(said) and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert not folder.exists()


def test_up_again_with_other_addresses_is_refused_and_changes_nothing(hosts):
    folder, config, links = hosts
    kept = (folder / "net.json").read_text()
    others = [f"10.77.0.{i + 1}" for i in range(len(config.houses))]
    done = luxpass("avalanche-net", "up", "--dir", folder, *[f"--address={a}" for a in others], expect=2)
    assert done.stderr.startswith(f"error: --address applies when a network is created, and the one in {folder} "
                                  f"has {', '.join(links.addresses)}"), done.stderr
    assert (folder / "net.json").read_text() == kept
    assert all(av_node.running(folder, house) for house in config.houses)
