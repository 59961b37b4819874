"""A consortium chain on this machine: one geth node per member house, sealing Clique
proof-of-authority blocks, each house's signer key in a keystore of its own.

Clique lets a signer seal at most one of any floor(N/2)+1 consecutive blocks, so only a
majority of the houses can extend the chain; a block with floor(N/2) descendants has been
built on by a majority of distinct signers, and undoing it would take that majority signing a
second chain. That is the number of confirmations `consortium_confirmations` gives (3 of 4).

geth v1.13.15 is the last release that seals Clique; its Clique refuses Shanghai, so the
genesis stops at London (Paris EVM rules without PUSH0): the contracts must be built for paris.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import requests
from eth_account import Account
from web3 import Web3

from ..errors import InputError, LuxpassError
from .accounts import home
from .node_backup import alive

HOUSES = ("Maison Aurel", "Casa Vellutti", "Horlogerie Brandt", "Atelier Nouveau")
CHAIN_ID = 7531
BASE_HTTP_PORT = 8600
BASE_P2P_PORT = 30400
BASE_AUTH_PORT = 8700
PERIOD = 1  # seconds between blocks
GAS_LIMIT = 30_000_000
FUNDS = 10**6 * 10**18  # wei for each house's signer
GETH_VERSION = "1.13.15"


def consortium_confirmations(signers: int) -> int:
    """Blocks after which a Clique block is final against a minority: floor(N/2)+1 in all."""
    return signers // 2 + 1


@dataclass
class NodeState:
    house: str
    signer: str
    rpc_url: str
    running: bool
    pid: int | None
    block: int | None
    peers: int | None
    keystore: str
    data_dir: str


def net_dir(path: str | None = None) -> Path:
    return Path(path) if path else home() / "consortium-net"


def geth_binary() -> str:
    configured = os.environ.get("LUXPASS_GETH")
    candidates = [configured] if configured else []
    candidates += [str(Path(__file__).resolve().parents[3] / ".tools" / "geth" / "bin" / "geth"), shutil.which("geth")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise LuxpassError("geth was not found (.tools/geth/bin/geth, $LUXPASS_GETH or PATH)",
                       "run `make geth` (builds geth v1.13.15 from the Go module proxy)")


def slug(house: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", house.lower()).strip("-")


def up(folder: Path, houses: tuple[str, ...] | None = None, chain_id: int | None = None, period: int | None = None,
       base_port: int | None = None, timeout: float = 60, funded: tuple[str, ...] = (),
       log: Callable[[str], None] = lambda _: None) -> list[NodeState]:
    """Create the network on first use (houses, chain id, period and ports default to HOUSES,
    CHAIN_ID, PERIOD, BASE_HTTP_PORT), its genesis funding the houses' signers and `funded`, then
    start every node not running, connect them all, settle a deadlock between forks if there is
    one, and only then let them seal (a node sealing alone makes a fork of its own; on a new
    chain, the first house seals block 1 alone before they connect, see `_seal_block_one`). Run again,
    after a stop or a partition, it resumes the same chain from the nodes' data folders; the
    creation's choices, given again, must be the network's. Every check of the input, the folder,
    the ports, the keystores' password files and the nodes' data dirs comes before anything is
    created or started."""
    funded = tuple(_address(a) for a in funded)
    config = _load(folder)
    if config is None:
        houses, base_port = houses or HOUSES, base_port or BASE_HTTP_PORT
        _check_new(folder, houses, base_port)
        geth = geth_binary()
        config = _create(folder, geth, houses, chain_id or CHAIN_ID, period or PERIOD, base_port, funded)
    else:
        _check_resumed(folder, config, houses, chain_id, period, base_port, funded)
        stopped = [node for node in config["nodes"] if not _running(folder, node)]
        for node in stopped:
            _check_startable(folder, node)
        geth = geth_binary()
        for node in stopped:
            _check_genesis(folder, node, geth)
    started = []
    try:  # a node that cannot start (a wrong password, say) leaves the network as it was
        for node in [node for node in config["nodes"] if not _running(folder, node)]:
            _start(folder, config, node, geth)
            started.append(node)
        deadline = time.monotonic() + timeout
        for node in config["nodes"]:
            _wait_answers(folder, node, deadline)
        _seal_block_one(config, deadline)
        _connect(config, deadline)
        _settle(config, log, deadline)
        _start_sealing(config, deadline)
        _wait_sealing(config, time.monotonic() + timeout, log)
    except (LuxpassError, requests.RequestException) as exc:
        exited = [node for node in started if not _running(folder, node)]
        _stop(folder, started)
        if exited:  # it answered, then exited (geth unlocks the signer key after it opens RPC)
            raise _exited(folder, exited[0]) from None
        if isinstance(exc, LuxpassError):
            raise
        raise LuxpassError(f"a node stopped answering while the network started ({exc})",
                           "see the nodes' geth.log, then run the same command again") from None
    return status(folder)


def down(folder: Path, timeout: float = 30) -> list[NodeState]:
    """SIGTERM every node, so that geth writes its state, and wait for each to exit."""
    _stop(folder, _require(folder)["nodes"], timeout)
    return status(folder)


def _stop(folder: Path, nodes: list[dict], timeout: float = 30) -> None:
    pids = [pid for node in nodes if (pid := _running(folder, node))]
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids:
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            raise LuxpassError(f"geth (pid {pid}) did not stop within {timeout:.0f} s", "stop it by hand")
    for node in nodes:
        (folder / f"{node['slug']}.pid").unlink(missing_ok=True)


def status(folder: Path) -> list[NodeState]:
    config = _require(folder)
    states = []
    for node in config["nodes"]:
        pid = _running(folder, node)
        block = peers = None
        if pid:
            try:
                block = int(_rpc(node["rpc_url"], "eth_blockNumber"), 16)
                peers = len(_rpc(node["rpc_url"], "admin_peers"))
            except (requests.RequestException, KeyError, ValueError):
                pass
        states.append(NodeState(node["house"], node["signer"], node["rpc_url"], pid is not None, pid, block, peers,
                                node["keystore"], str(folder / node["slug"])))
    return states


def rpc_urls(folder: Path) -> list[str]:
    return [node["rpc_url"] for node in _require(folder)["nodes"]]


def password_file(folder: Path, house: str) -> Path:
    return folder / f"{slug(house)}.password"


def as_dicts(states: list[NodeState]) -> list[dict]:
    return [asdict(state) for state in states]


# --- checks before anything is created or started ----------------------------------------

def _ports(base_port: int, index: int) -> dict[str, int]:
    """The ports of the network's `index`-th node: RPC from `base_port` on, P2P and engine API beside."""
    shift = base_port - BASE_HTTP_PORT
    return {"http_port": base_port + index, "p2p_port": BASE_P2P_PORT + shift + index,
            "auth_port": BASE_AUTH_PORT + shift + index}


PORT_ROLES = {"http_port": "RPC", "p2p_port": "P2P", "auth_port": "engine API"}


def _check_new(folder: Path, houses: tuple[str, ...], base_port: int) -> None:
    if len(houses) < 2 or len(set(map(slug, houses))) != len(houses) or not all(map(slug, houses)):
        raise InputError(f"a consortium network needs at least two houses with distinct names, not {list(houses)}",
                         "repeat --house NAME, once per house, each name its own (letters or digits)")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(f"{folder} is not an empty folder and holds no network (net.json is missing)",
                         "pass an empty or new --dir")
    for i, house in enumerate(houses):
        for key, port in _ports(base_port, i).items():
            if port > 65535:
                raise InputError(f"--base-port {base_port} puts the {PORT_ROLES[key]} port of {house}'s node at "
                                 f"{port}, above 65535", f"pass a --base-port of at most {base_port - (port - 65535)}")
            _check_port_free(port, PORT_ROLES[key], house, "stop that program, or pick other ports with --base-port")


def _check_resumed(folder: Path, config: dict, houses, chain_id, period, base_port, funded) -> None:
    """The creation's options, given again to a network that exists, must be its own."""
    held = {"--house": (tuple(houses) if houses else None, tuple(n["house"] for n in config["nodes"])),
            "--chain-id": (chain_id, config["chain_id"]), "--period": (period, config["period"]),
            "--base-port": (base_port, config["nodes"][0]["http_port"] if config["nodes"] else None)}
    for option, (given, own) in held.items():
        if given is not None and given != own:
            shown = ", ".join(own) if option == "--house" else own
            raise InputError(f"{option} applies when a network is created, and the one in {folder} has {shown}",
                             f"leave {option} out to resume it, or create a new network with another --dir")
    if not set(funded) <= set(config.get("funded", [])):
        raise InputError(f"--fund applies when a network is created, and {folder} holds one already",
                         "send funds from a house's account, or create a new network with another --dir")


def _check_port_free(port: int, role: str, house: str, fix: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as geth's own listeners: TIME_WAIT is free
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            raise InputError(f"port {port} ({role} of {house}'s node) is in use by another program", fix) from None


def _check_startable(folder: Path, node: dict) -> None:
    """A stopped node can start: its keystore and password file are there, its ports are free, and
    its data dir holds a chain."""
    house = node["house"]
    for what, path in (("keystore", Path(node["keystore"])), ("keystore's password file", password_file(folder, house))):
        if not path.is_file():
            raise InputError(f"the {what} of {house} ({path}) is missing",
                             "put it back from your backup: geth cannot unlock the house's signer key without it")
    for key, role in PORT_ROLES.items():
        _check_port_free(node[key], role, house,
                         f"stop that program: the network's ports were chosen when it was created ({folder / 'net.json'})")
    data = folder / node["slug"]
    if not (data / "geth" / "chaindata").is_dir():
        raise InputError(f"the data dir of {house}'s node ({data}) holds no chain", _reinit_fix(folder, data))


def _reinit_fix(folder: Path, data: Path) -> str:
    return (f"move {data} away, run `geth init --datadir {data} {folder / 'genesis.json'}`, then `luxpass "
            "consortium-net up` again: the node syncs the chain from the others")


def _check_genesis(folder: Path, node: dict, geth: str) -> None:
    """The node's data dir holds this network's chain: one initialised from another genesis would run
    a chain of its own, which the other nodes refuse to peer with."""
    data = folder / node["slug"]
    done = subprocess.run([geth, "--datadir", str(data), "dumpgenesis"], capture_output=True, text=True)
    try:
        held = json.loads(done.stdout)
    except ValueError:
        raise LuxpassError(f"geth could not read the genesis in {data}: {_last_line(done.stderr)}",
                           f"see {data / 'geth.log'}") from None
    own = json.loads((folder / "genesis.json").read_text())
    if (held["config"].get("chainId"), held.get("extraData", "").lower()) != (own["config"]["chainId"],
                                                                               own["extradata"].lower()):
        raise InputError(f"the data dir of {node['house']}'s node ({data}) holds another chain (chain id "
                         f"{held['config'].get('chainId')}) than this network's genesis", _reinit_fix(folder, data))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("Fatal")]
    return (fatal or lines or ["no output"])[-1]


# --- creation -----------------------------------------------------------------------------

def _address(text: str) -> str:
    if not Web3.is_address(text):
        raise InputError(f"{text!r} is not an address", "pass a 0x-prefixed 20-byte address to --fund")
    return Web3.to_checksum_address(text)


def _create(folder: Path, geth: str, houses: tuple[str, ...], chain_id: int, period: int, base_port: int,
            funded: tuple[str, ...]) -> dict:
    """The keystores, the genesis and each node's data dir; if `geth init` fails, nothing is left."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _write_network(folder, geth, houses, chain_id, period, base_port, funded)
    except BaseException:
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        if made:
            folder.rmdir()
        raise


def _write_network(folder: Path, geth: str, houses: tuple[str, ...], chain_id: int, period: int, base_port: int,
                   funded: tuple[str, ...]) -> dict:
    nodes = []
    for i, house in enumerate(houses):
        name = slug(house)
        password = secrets.token_urlsafe(24)
        secret = password_file(folder, house)
        secret.write_text(password)
        os.chmod(secret, 0o600)
        account = Account.create()
        keystore = folder / name / "keystore" / f"{name}.json"
        keystore.parent.mkdir(parents=True)
        keystore.write_text(json.dumps(Account.encrypt(account.key, password)))
        os.chmod(keystore, 0o600)
        nodes.append({"house": house, "slug": name, "signer": account.address, "keystore": str(keystore),
                      "rpc_url": f"http://127.0.0.1:{base_port + i}", **_ports(base_port, i)})
    genesis = _genesis(chain_id, period, [node["signer"] for node in nodes], list(funded))
    (folder / "genesis.json").write_text(json.dumps(genesis, indent=1))
    for node in nodes:
        done = subprocess.run([geth, "init", "--datadir", str(folder / node["slug"]), str(folder / "genesis.json")],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise LuxpassError(f"geth init failed for {node['house']}: {_last_line(done.stderr)}",
                               f"check {geth} (`{geth} version`), then run the same command again: nothing was kept")
    config = {"chain_id": chain_id, "period": period, "geth": GETH_VERSION, "nodes": nodes, "funded": list(funded)}
    tmp = folder / "net.json.tmp"
    tmp.write_text(json.dumps(config, indent=1))
    tmp.replace(folder / "net.json")
    return config


def _genesis(chain_id: int, period: int, signers: list[str], funded: list[str]) -> dict:
    sealers = "".join(s[2:].lower() for s in sorted(signers, key=str.lower))
    forks = {f"{name}Block": 0 for name in ("homestead", "eip150", "eip155", "eip158", "byzantium",
                                            "constantinople", "petersburg", "istanbul", "berlin", "london")}
    return {
        "config": {"chainId": chain_id, **forks, "clique": {"period": period, "epoch": 30_000}},
        "difficulty": "0x1",
        "gasLimit": hex(GAS_LIMIT),
        "extradata": "0x" + "00" * 32 + sealers + "00" * 65,
        "alloc": {a[2:].lower(): {"balance": hex(FUNDS)} for a in signers + funded},
    }


# --- processes ----------------------------------------------------------------------------

def _start(folder: Path, config: dict, node: dict, geth: str) -> None:
    data = folder / node["slug"]
    cmd = [geth, "--datadir", str(data), "--networkid", str(config["chain_id"]), "--syncmode", "full",
           "--port", str(node["p2p_port"]), "--nodiscover", "--nat", "extip:127.0.0.1", "--ipcdisable",
           "--http", "--http.addr", "127.0.0.1", "--http.port", str(node["http_port"]),
           "--http.api", "eth,net,web3,admin,clique,txpool,miner,debug", "--authrpc.port", str(node["auth_port"]),
           "--miner.etherbase", node["signer"], "--unlock", node["signer"],
           "--password", str(password_file(folder, node["house"])), "--allow-insecure-unlock",
           "--miner.gaslimit", str(GAS_LIMIT), "--verbosity", "3"]
    log = open(data / "geth.log", "ab")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 10
    while process.poll() is None and b"geth" not in _cmdline(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)  # until the child has exec'd geth: before, its command line is Python's
    (folder / f"{node['slug']}.pid").write_text(str(process.pid))


def _wait_answers(folder: Path, node: dict, deadline: float) -> None:
    while time.monotonic() < deadline:
        if not _running(folder, node):
            raise _exited(folder, node)
        try:
            _rpc(node["rpc_url"], "eth_blockNumber")
            return
        except (requests.RequestException, KeyError, ValueError):
            time.sleep(0.2)
    raise LuxpassError(f"the node of {node['house']} did not answer on {node['rpc_url']}",
                       f"see {folder / node['slug'] / 'geth.log'}")


def _exited(folder: Path, node: dict) -> LuxpassError:
    log = folder / node["slug"] / "geth.log"
    return LuxpassError(f"the node of {node['house']} exited at start: "
                        f"{_last_line(log.read_text(errors='replace')[-4000:])}", f"see {log}")


def _wait_unlocked(node: dict, deadline: float) -> None:
    """Until geth has unlocked the house's signer key (it does so after it answers RPC)."""
    while True:
        try:
            _rpc(node["rpc_url"], "eth_sign", [node["signer"], "0x00"])
            return
        except LuxpassError:
            if time.monotonic() > deadline:
                raise LuxpassError(f"the node of {node['house']} did not unlock its signer key in time",
                                   "see its geth.log") from None
            time.sleep(0.2)


def _connect(config: dict, deadline: float) -> None:
    """Every node peers with every other (the network has no discovery); waits until they do."""
    enodes = {n["slug"]: _rpc(n["rpc_url"], "admin_nodeInfo")["enode"] for n in config["nodes"]}
    for node in config["nodes"]:
        for other, enode in enodes.items():
            if other != node["slug"]:
                _rpc(node["rpc_url"], "admin_addTrustedPeer", [enode])
                _rpc(node["rpc_url"], "admin_addPeer", [enode])
    want = len(config["nodes"]) - 1
    while time.monotonic() < deadline:
        if all(len(_rpc(n["rpc_url"], "admin_peers")) >= want for n in config["nodes"]):
            return
        time.sleep(0.2)
    raise LuxpassError("the nodes did not all connect to each other in time", "see each node's geth.log")


def _seal_block_one(config: dict, deadline: float) -> None:
    """On a new chain, the first house seals block 1 alone, before the nodes connect. A node that
    has neither sealed nor synced since it started discards the blocks its peers propagate (geth:
    "Syncing, discarded propagated block"), and it syncs only from a peer whose total difficulty
    it learnt at their handshake to be above its own. Sealed before they connect, block 1 is
    above the others' genesis at every handshake: they sync it (geth forces a first sync 10 s
    after it starts), and from then on take the blocks propagated to them. A house alone cannot
    seal block 2: Clique lets a signer seal one of any floor(N/2)+1 blocks."""
    nodes = config["nodes"]
    if any(_head(node)[0] for node in nodes):
        return
    first = nodes[0]
    _wait_unlocked(first, deadline)
    _rpc(first["rpc_url"], "miner_start")
    while _head(first)[0] == 0:
        if time.monotonic() > deadline:
            raise LuxpassError(f"the node of {first['house']} did not seal block 1 in time", "see its geth.log")
        time.sleep(0.1)


def _start_sealing(config: dict, deadline: float) -> None:
    """Let every node seal. While the chain is at most floor(N/2) blocks long, every signer that
    has not sealed one of them may seal the next, and sealers started together, or one started
    without the newest block, fork into the deadlock `_settle` undoes (two houses each seal
    block 2 and two others each build on one: each fork's next sealers are then all on the
    other). So there each node starts once every node holds the newest block, and the next once
    it has sealed one (or at once if it signed too recently). Later, at most half the signers
    are barred from the next block and two blocks of one height share an eligible sealer that
    decides: the others start together."""
    nodes = config["nodes"]
    young = len(nodes) // 2
    for node in nodes:
        _wait_unlocked(node, deadline)  # a seal tried before is not tried again until new work comes
        heights = [_head(n)[0] for n in nodes]
        height = max(heights)
        tip = nodes[heights.index(height)]
        if height <= young:
            _catch_up(nodes, tip, height, deadline)
        _rpc(node["rpc_url"], "miner_start")
        if height < young and not _signed_recently(node, height, young):
            until = time.monotonic() + config["period"] + (young + 1) * 0.5 + 2  # Clique's out-of-turn delay: (N/2+1) × 0.5 s at most
            while _head(node)[0] <= height and time.monotonic() < until:
                time.sleep(0.1)


def _signed_recently(node: dict, height: int, young: int) -> bool:
    """Whether the node's house sealed one of the last floor(N/2) blocks up to `height`."""
    sealers = {_rpc(node["rpc_url"], "clique_getSigner", [hex(number)]).lower()
               for number in range(max(1, height - young + 1), height + 1)}
    return node["signer"].lower() in sealers


def _catch_up(nodes: list[dict], source: dict, number: int, until: float) -> None:
    """Until every node holds the block `number` that `source` holds, or `until` (the caller's
    next wait tells). A node still without it after a few seconds is peered with `source` again,
    for the handshake to tell it `source`'s total difficulty: then it syncs from it (at most 10 s on)."""
    block = _hash_at(source, number)
    repeered = time.monotonic()
    while True:
        behind = [node for node in nodes if _hash_at(node, number) != block]
        if not behind or time.monotonic() > until:
            return
        if time.monotonic() - repeered > 3:
            enode = _rpc(source["rpc_url"], "admin_nodeInfo")["enode"]
            for node in behind:
                _rpc(node["rpc_url"], "admin_removePeer", [enode])
                _rpc(node["rpc_url"], "admin_addPeer", [enode])
            repeered = time.monotonic() + 10
        time.sleep(0.2)


def _settle(config: dict, log: Callable[[str], None], deadline: float, sealing: bool = False) -> None:
    """Nodes that peer but stand still on forks of equal total difficulty never reorganise by
    themselves (Clique's known deadlock after a partition, go-ethereum#24705: each fork's next
    sealers are all recent on it). Keep the fork most nodes are on (then the higher, then the
    lower hash) and rewind the nodes of the others to where the forks part, their sealing stopped
    until they hold the kept fork (a node rewound while sealing seals its own block there again
    at once). A fork a minority sealed holds at most floor(N/2) blocks, never a confirmed one. A
    node whose head is an ancestor of another's is behind, not on a fork; a node that moves
    while this looks is left to the next look."""
    nodes = config["nodes"]
    if len(_tips(nodes)) == 1:
        return
    top = max(_head(node)[0] for node in nodes)
    time.sleep(4 * config["period"] + 1)  # time for a fork at the tip to resolve, or the chain to grow
    heads = {node["slug"]: _head(node) for node in nodes}
    tips = _tips(nodes, heads)
    if len(tips) == 1 or max(heads.values())[0] > top:
        return
    on = {tip: [node for node in nodes if _descends(tips[tip], tip, heads[node["slug"]])] for tip in tips}
    kept_head = max(sorted(tips), key=lambda tip: (len(on[tip]), tip[0]))  # ties: the lowest hash
    kept = tips[kept_head]
    stuck: dict[tuple[int, str], list[dict]] = {}
    for node in nodes:
        if node not in on[kept_head]:
            stuck.setdefault(heads[node["slug"]], []).append(node)
    rewound = []
    for head, fork in stuck.items():
        ancestor = min(head[0], kept_head[0])
        while ancestor >= 0 and _hash_at(fork[0], ancestor) != _hash_at(kept, ancestor):
            ancestor -= 1
        if ancestor < 0 or _head(fork[0]) != head:
            continue
        for node in fork:
            _rpc(node["rpc_url"], "miner_stop")
            _rpc(node["rpc_url"], "debug_setHead", [hex(ancestor)])
            rewound.append(node)
            log(f"{node['house']}'s node stood still on a fork of equal weight at block {head[0]}: "
                f"rewound to block {ancestor}, where it parts from {kept['house']}'s")
    _catch_up(rewound, kept, kept_head[0], min(deadline, time.monotonic() + 30))
    if sealing:
        for node in rewound:
            _rpc(node["rpc_url"], "miner_start")


def _tips(nodes: list[dict], heads: dict | None = None) -> dict[tuple[int, str], dict]:
    """The nodes' heads that are no other head's ancestor, each with a node that holds it."""
    heads = heads or {node["slug"]: _head(node) for node in nodes}
    holders: dict[tuple[int, str], dict] = {}
    for node in nodes:
        holders.setdefault(heads[node["slug"]], node)
    return {head: node for head, node in holders.items()
            if not any(other != head and _descends(holder, other, head) for other, holder in holders.items())}


def _descends(holder: dict, tip: tuple[int, str], head: tuple[int, str]) -> bool:
    """Whether `head` is `tip` or an ancestor of it, as `holder`, which holds `tip`, sees it."""
    return head == tip or (head[0] < tip[0] and _hash_at(holder, head[0]) == head[1])


def _wait_sealing(config: dict, deadline: float, log: Callable[[str], None]) -> None:
    """Until every node holds one same block above the highest head there was when they started
    sealing; a deadlock between forks meanwhile is settled."""
    nodes = config["nodes"]
    target = max(_head(node)[0] for node in nodes) + 1
    while not _hold_one_block(nodes, target):
        if time.monotonic() > deadline:
            heads = ", ".join(f"{n['house']} #{_head(n)[0]}" for n in nodes)
            raise LuxpassError(f"the nodes did not seal a block they all hold in time (heads: {heads})",
                               "see the nodes' geth.log, then run `luxpass consortium-net up` again")
        _settle(config, log, deadline, sealing=True)  # at once when the nodes hold one head; else a few periods
        time.sleep(0.2)


def _hold_one_block(nodes: list[dict], number: int) -> bool:
    hashes = {_hash_at(node, number) for node in nodes}
    return len(hashes) == 1 and None not in hashes


def _head(node: dict) -> tuple[int, str]:
    block = _rpc(node["rpc_url"], "eth_getBlockByNumber", ["latest", False])
    return int(block["number"], 16), block["hash"]


def _hash_at(node: dict, number: int) -> str | None:
    """The hash of the node's block `number`, or None while it holds none so high."""
    block = _rpc(node["rpc_url"], "eth_getBlockByNumber", [hex(number), False])
    return block["hash"] if block else None


def _running(folder: Path, node: dict) -> int | None:
    try:
        pid = int((folder / f"{node['slug']}.pid").read_text())
    except (OSError, ValueError):
        return None
    return pid if b"geth" in _cmdline(pid) and alive(pid) else None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _load(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "net.json").read_text())
    except OSError:
        return None


def _require(folder: Path) -> dict:
    config = _load(folder)
    if config is None:
        raise InputError(f"no consortium network in {folder}", "create one with `luxpass consortium-net up`")
    return config


def _rpc(rpc_url: str, method: str, params: list | None = None):
    reply = requests.post(rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []},
                          timeout=5)
    body = reply.json()
    if "error" in body:
        raise LuxpassError(f"{method} on {rpc_url} failed: {body['error'].get('message')}", "see the node's geth.log")
    return body["result"]
