"""The consortium's network on one machine: `up` creates it or resumes it, `down` stops it, `status`
tells each node's state, and `settle` undoes a deadlock between forks of equal weight."""
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import InputError, LuxpassError
from . import node as geth_node
from .config import (
    BASE_HTTP_PORT,
    CHAIN_ID,
    HOUSES,
    PERIOD,
    PORT_ROLES,
    NetworkConfig,
    NodeConfig,
    address,
    check_new,
    check_port_free,
    check_resumed,
    data_dir,
    genesis,
    load,
    new_house,
    password_file,
    ports,
    require,
    save,
)

RPC_FAILURES = geth_node.RPC_FAILURES


@dataclass
class NodeState:
    house: str
    signer: str
    rpc_url: str
    running: bool
    pid: int | None
    block: int | None
    peers: int | None
    sealing: bool | None  # geth's miner on, the signer unlocked
    keystore: str
    data_dir: str


def up(folder: Path, geth_binary: Callable[[], str], houses: tuple[str, ...] | None = None, chain_id: int | None = None,
       period: int | None = None, base_port: int | None = None, timeout: float = 60, funded: tuple[str, ...] = (),
       log: Callable[[str], None] = lambda _: None, hosts: tuple[str, ...] = ()) -> list[NodeState]:
    """Create the network on first use (houses, chain id, period and ports default to HOUSES,
    CHAIN_ID, PERIOD, BASE_HTTP_PORT), its genesis funding the houses' signers and `funded`, then
    start every node not running, one after the other (each dials those before it), wait until they
    peer, settle a deadlock between forks if there is one, and until they seal a block they all
    hold. Run again, after a stop, a crash or a partition, it resumes the same chain from the nodes'
    data folders; the creation's choices, given again, must be the network's. Every check of the
    input, the folder, the ports, the keystores' password files and the nodes' data dirs comes
    before anything is created or started. `geth_binary` finds geth, asked only when a node must
    be created or started. `hosts`: on creation, the address of each house's node (its RPC and the
    address its peers dial), in the order of `houses`; by default all on 127.0.0.1."""
    funded = tuple(address(a) for a in funded)
    config = load(folder)
    geth, created = "", config is None
    if config is None:
        houses, base_port = houses or HOUSES, base_port or BASE_HTTP_PORT
        check_new(folder, houses, base_port, hosts)
        geth = geth_binary()
        log(f"creating a network of {len(houses)} houses in {folder}: a signer key and a node for each, one genesis")
        config = _create(folder, geth, houses, chain_id or CHAIN_ID, period or PERIOD, base_port, funded, hosts)
    else:
        check_resumed(folder, config, houses, chain_id, period, base_port, funded, hosts)
        stopped = [node for node in config.nodes if not geth_node.running(folder, node)]
        for node in stopped:
            _check_startable(folder, node)
        if stopped:
            geth = geth_binary()
        for node in stopped:
            data = data_dir(folder, node)
            geth_node.check_genesis(data, node.house, folder / "genesis.json", geth, _reinit_fix(folder, data))
    started: list[NodeConfig] = []
    try:  # a node that cannot start (a wrong password, say) leaves the network as it was
        deadline = time.monotonic() + timeout
        for node in [node for node in config.nodes if not geth_node.running(folder, node)]:
            log(f"{'starting' if created else 'restarting, stopped:'} {node.house}'s node at {node.rpc_url}")
            geth_node.start(folder, config, node, geth)
            started.append(node)
            _wait_answers(folder, node, deadline)
        for node in config.nodes:
            _wait_answers(folder, node, deadline)
            if node in started:
                _wait_unlocked(node, deadline)
            elif not geth_node.call(node.rpc_url, "eth_mining"):  # stopped over RPC: sealing is its normal state
                geth_node.call(node.rpc_url, "miner_start")
                log(f"{node.house}'s node was not sealing: sealing again")
        if started:
            log(f"waiting until the {len(config.nodes)} nodes peer and seal a block they all hold")
        _wait_peered(config, deadline)
        settle(config, log, deadline)
        _wait_sealing(config, time.monotonic() + timeout, log)
        _wait_peered(config, time.monotonic() + timeout)  # a link dropped meanwhile is dialled again
    except RPC_FAILURES as exc:
        exited = [node for node in started if not geth_node.running(folder, node)]
        geth_node.stop(folder, started)
        if exited:  # it answered, then exited (geth unlocks the signer key after it opens RPC)
            raise geth_node.exited(data_dir(folder, exited[0]), exited[0].house) from None
        if isinstance(exc, LuxpassError):
            raise
        raise LuxpassError(f"a node stopped answering while the network started ({exc})",
                           "see the nodes' geth.log, then run the same command again") from None
    return status(folder)


def down(folder: Path, timeout: float = 30) -> list[NodeState]:
    """SIGTERM every node, so that geth writes its state, and wait for each to exit."""
    geth_node.stop(folder, require(folder).nodes, timeout)
    return status(folder)


def status(folder: Path) -> list[NodeState]:
    config = require(folder)
    states = []
    for node in config.nodes:
        pid = geth_node.running(folder, node)
        seen = geth_node.view(node.rpc_url) if pid else None
        states.append(NodeState(node.house, node.signer, node.rpc_url, pid is not None, pid,
                                seen.block if seen else None, seen.peers if seen else None,
                                seen.sealing if seen else None, node.keystore, str(data_dir(folder, node))))
    return states


def rpc_urls(folder: Path) -> list[str]:
    return [node.rpc_url for node in require(folder).nodes]


# --- checks before a stopped node starts ---------------------------------------------------

def _check_startable(folder: Path, node: NodeConfig) -> None:
    """A stopped node can start: its keystore and password file are there, its ports are free, and
    its data dir holds a chain."""
    for what, path in (("keystore", Path(node.keystore)), ("keystore's password file",
                                                           password_file(folder, node.house))):
        if not path.is_file():
            raise InputError(f"the {what} of {node.house} ({path}) is missing",
                             "put it back from your backup: geth cannot unlock the house's signer key without it")
    for key, role in PORT_ROLES.items():
        check_port_free(node.host, getattr(node, key), role, node.house,
                        f"stop that program: the network's ports were chosen when it was created ({folder / 'net.json'})")
    data = data_dir(folder, node)
    if not (data / "geth" / "chaindata").is_dir():
        raise InputError(f"the data dir of {node.house}'s node ({data}) holds no chain", _reinit_fix(folder, data))


def _reinit_fix(folder: Path, data: Path) -> str:
    return (f"move {data} away, run `geth init --datadir {data} {folder / 'genesis.json'}` (and put its "
            "keystore/ and geth/nodekey back), then `luxpass consortium-net up` again: the node syncs the chain "
            "from the others")


# --- creation -----------------------------------------------------------------------------

def _create(folder: Path, geth: str, houses: tuple[str, ...], chain_id: int, period: int, base_port: int,
            funded: tuple[str, ...], hosts: tuple[str, ...]) -> NetworkConfig:
    """The keystores, node keys, the genesis and each node's data dir; if `geth init` fails, nothing is left."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        nodes = [new_house(folder, house, ports(base_port, i), *hosts[i:i + 1]) for i, house in enumerate(houses)]
        config = NetworkConfig(chain_id, period, nodes, list(funded))
        (folder / "genesis.json").write_text(json.dumps(genesis(chain_id, period, config.signers, list(funded)), indent=1))
        for node in nodes:
            geth_node.init(geth, data_dir(folder, node), folder / "genesis.json", node.house)
        save(folder, config)
        return config
    except BaseException:
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        if made:
            folder.rmdir()
        raise


# --- waiting for the nodes -------------------------------------------------------------------

def _wait_answers(folder: Path, node: NodeConfig, deadline: float) -> None:
    while time.monotonic() < deadline:
        if not geth_node.running(folder, node):
            raise geth_node.exited(data_dir(folder, node), node.house)
        try:
            geth_node.call(node.rpc_url, "eth_blockNumber")
            return
        except RPC_FAILURES:
            time.sleep(0.2)
    raise LuxpassError(f"the node of {node.house} did not answer on {node.rpc_url}",
                       f"see {data_dir(folder, node) / 'geth.log'}")


def _wait_unlocked(node: NodeConfig, deadline: float) -> None:
    """Until geth has unlocked the house's signer key and seals (it does so after it answers RPC)."""
    while not geth_node.call(node.rpc_url, "eth_mining"):
        if time.monotonic() > deadline:
            raise LuxpassError(f"the node of {node.house} did not unlock its signer key in time", "see its geth.log")
        time.sleep(0.2)


def _wait_peered(config: NetworkConfig, deadline: float) -> None:
    """Until every node peers with every other (each found them in its config file's static nodes)."""
    want = len(config.nodes) - 1
    while time.monotonic() < deadline:
        if all(len(geth_node.call(n.rpc_url, "admin_peers")) >= want for n in config.nodes):
            return
        time.sleep(0.2)
    raise LuxpassError("the nodes did not all connect to each other in time", "see each node's geth.log")


def _wait_sealing(config: NetworkConfig, deadline: float, log: Callable[[str], None]) -> None:
    """Until every node holds one same block above the highest head there was when they all ran; a
    deadlock between forks meanwhile is settled."""
    nodes = config.nodes
    target = max(geth_node.head(node.rpc_url)[0] for node in nodes) + 1
    while not _hold_one_block(nodes, target):
        if time.monotonic() > deadline:
            heads = ", ".join(f"{n.house} #{geth_node.head(n.rpc_url)[0]}" for n in nodes)
            raise LuxpassError(f"the nodes did not seal a block they all hold in time (heads: {heads})",
                               "see the nodes' geth.log, then run `luxpass consortium-net up` again")
        settle(config, log, deadline)  # at once when the nodes hold one head; else a few periods
        time.sleep(0.2)


def _hold_one_block(nodes: list[NodeConfig], number: int) -> bool:
    hashes = {geth_node.hash_at(node.rpc_url, number) for node in nodes}
    return len(hashes) == 1 and None not in hashes


# --- forks -----------------------------------------------------------------------------------

Head = tuple[int, str]


def settle(config: NetworkConfig, log: Callable[[str], None], deadline: float, still: bool = False) -> list[str]:
    """Nodes that peer but stand still on forks of equal total difficulty never reorganise by
    themselves (Clique's known deadlock after a partition, go-ethereum#24705: each fork's next
    sealers are all recent on it, and a peer's equal weight starts no sync). Keep the fork most
    nodes are on (then the higher, then the lower hash) and rewind the nodes of the others to where
    the forks part, their sealing stopped until they hold the kept fork (a node rewound while
    sealing seals its own block there again at once). A fork a minority sealed holds at most
    floor(N/2) blocks, never a confirmed one. A node whose head is an ancestor of another's is
    behind, not on a fork; a node that moves while this looks is left to the next look. `still`:
    the caller has seen the heads stand still already. Returns what it did, one line per node."""
    nodes = [node for node in config.nodes if _answers(node)]
    if len(tips(nodes)) < 2:
        return []
    top = max(geth_node.head(node.rpc_url)[0] for node in nodes)
    if not still:
        time.sleep(4 * config.period + 1)  # time for a fork at the tip to resolve, or the chain to grow
    heads = {node.slug: geth_node.head(node.rpc_url) for node in nodes}
    found = tips(nodes, heads)
    if len(found) < 2 or max(heads.values())[0] > top:
        return []
    on = {tip: [node for node in nodes if descends(found[tip], tip, heads[node.slug])] for tip in found}
    kept_head = max(sorted(found), key=lambda tip: (len(on[tip]), tip[0]))  # ties: the lowest hash
    kept = found[kept_head]
    stuck: dict[Head, list[NodeConfig]] = {}
    for node in nodes:
        if node not in on[kept_head]:
            stuck.setdefault(heads[node.slug], []).append(node)
    rewound, done = [], []
    for fork_head, fork in stuck.items():
        ancestor = min(fork_head[0], kept_head[0])
        while ancestor >= 0 and geth_node.hash_at(fork[0].rpc_url, ancestor) != geth_node.hash_at(kept.rpc_url, ancestor):
            ancestor -= 1
        if ancestor < 0 or geth_node.head(fork[0].rpc_url) != fork_head:
            continue
        for node in fork:
            geth_node.call(node.rpc_url, "miner_stop")
            geth_node.call(node.rpc_url, "debug_setHead", hex(ancestor))
            rewound.append(node)
            line = (f"{node.house}'s node stood still on a fork of equal weight at block {fork_head[0]}: "
                    f"rewound to block {ancestor}, where it parts from {kept.house}'s")
            log(line)
            done.append(line)
    catch_up(rewound, kept, kept_head[0], min(deadline, time.monotonic() + 30))
    for node in rewound:
        geth_node.call(node.rpc_url, "miner_start")
    return done


def _answers(node: NodeConfig) -> bool:
    try:
        geth_node.call(node.rpc_url, "eth_blockNumber")
        return True
    except RPC_FAILURES:
        return False


def tips(nodes: list[NodeConfig], heads: dict[str, Head] | None = None) -> dict[Head, NodeConfig]:
    """The nodes' heads that are no other head's ancestor, each with a node that holds it."""
    heads = heads or {node.slug: geth_node.head(node.rpc_url) for node in nodes}
    holders: dict[Head, NodeConfig] = {}
    for node in nodes:
        holders.setdefault(heads[node.slug], node)
    return {head: node for head, node in holders.items()
            if not any(other != head and descends(holder, other, head) for other, holder in holders.items())}


def descends(holder: NodeConfig, tip: Head, head: Head) -> bool:
    """Whether `head` is `tip` or an ancestor of it, as `holder`, which holds `tip`, sees it."""
    return head == tip or (head[0] < tip[0] and geth_node.hash_at(holder.rpc_url, head[0]) == head[1])


def catch_up(nodes: list[NodeConfig], source: NodeConfig, number: int, until: float) -> list[NodeConfig]:
    """Until every node of `nodes` holds the block `number` that `source` holds, or `until`. A node
    still without it after a few seconds is peered with `source` again, for the handshake to tell it
    `source`'s total difficulty: then it syncs from it (within geth's 10 s sync cycle). Returns the
    nodes that were peered again."""
    block = geth_node.hash_at(source.rpc_url, number)
    repeered: list[NodeConfig] = []
    since = time.monotonic()
    while True:
        behind = [node for node in nodes if geth_node.hash_at(node.rpc_url, number) != block]
        if not behind or time.monotonic() > until:
            return repeered
        if time.monotonic() - since > 3:
            for node in behind:
                repeer(node, source)
            repeered += [node for node in behind if node not in repeered]
            since = time.monotonic() + 10
        time.sleep(0.2)


def repeer(node: NodeConfig, source: NodeConfig) -> None:
    """Drop and dial again the link from `node` to `source`: a new handshake."""
    geth_node.call(node.rpc_url, "admin_removePeer", source.enode)
    geth_node.call(node.rpc_url, "admin_addPeer", source.enode)
    geth_node.call(node.rpc_url, "admin_addTrustedPeer", source.enode)
