"""One house's geth node: where geth is, the command line that starts it sealing, its peers file,
its process and pid file, and its JSON-RPC (through `chain.rpc`, like every other request).

Sealing is part of the command line (`--mine`, the house's signer unlocked at start), so a node
started again by anything (`consortium-net up`, `consortium-net run`, systemd, a hand) seals again.
Its peers are in its config file (static and trusted nodes), so it finds them by itself too.

The state is written to disk with every block (`--gcmode archive`): a node killed at any moment,
or every node at once, comes back at its head, and nothing confirmed is sealed again
(docs/consortium-network.md has the measurement that chose it). The audit's pinned reads get any
block's state too."""
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import requests
from web3 import Web3

from ..chain import rpc
from ..chain.node_backup import alive
from ..errors import InputError, LuxpassError
from .config import GAS_LIMIT, NetworkConfig, NodeConfig, data_dir, password_file

STORAGE_FLAGS = ("--gcmode", "archive")
RPC_FAILURES = (LuxpassError, requests.RequestException, KeyError, TypeError, ValueError)
HTTP_APIS = "eth,net,web3,admin,clique,txpool,miner,debug"


def geth_binary(configured: str | None = None) -> str:
    """`configured` (the --geth option), else $LUXPASS_GETH, else geth on the PATH."""
    configured = configured or os.environ.get("LUXPASS_GETH")
    candidate = configured or shutil.which("geth")
    if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    where = f"{configured} is not an executable file" if configured else "geth was not found on the PATH"
    raise LuxpassError(f"{where} (geth v1.13.15 runs the consortium's nodes)",
                       "run `make geth` and set LUXPASS_GETH=$PWD/.tools/geth/bin/geth, or pass --geth PATH")


def peers_file(data: Path, peers: list[str]) -> Path:
    """The node's geth config file: its peers, static (dialled again whenever the link drops) and
    trusted (let in above the peer limit)."""
    path = data / "config.toml"
    listed = json.dumps(peers)
    path.write_text(f"[Node.P2P]\nStaticNodes = {listed}\nTrustedNodes = {listed}\n")
    return path


def command(geth: str, config: NetworkConfig, node: NodeConfig, data: Path, password: Path) -> list[str]:
    """The geth command line of `node`, the same whoever starts it."""
    return [geth, "--config", str(data / "config.toml"), "--datadir", str(data), "--networkid", str(config.chain_id),
            "--syncmode", "full", *STORAGE_FLAGS, "--port", str(node.p2p_port), "--nodiscover",
            "--nat", f"extip:{node.host}", "--ipcdisable",
            "--http", "--http.addr", node.host, "--http.port", str(node.http_port), "--http.api", HTTP_APIS,
            "--authrpc.port", str(node.auth_port),
            "--mine", "--miner.etherbase", node.signer, "--miner.gaslimit", str(GAS_LIMIT),
            "--unlock", node.signer, "--password", str(password), "--allow-insecure-unlock", "--verbosity", "3"]


def start(folder: Path, config: NetworkConfig, node: NodeConfig, geth: str) -> int:
    """Start the node's geth in a session of its own, its output appended to its geth.log; its pid
    in the network folder once the child runs geth."""
    data = data_dir(folder, node)
    peers_file(data, config.peers_of(node))
    cmd = command(geth, config, node, data, password_file(folder, node.house))
    with open(data / "geth.log", "ab") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    deadline = time.monotonic() + 10
    while process.poll() is None and not _is_geth(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)  # until the child has exec'd geth: before, its command line is Python's
    (folder / f"{node.slug}.pid").write_text(str(process.pid))
    return process.pid


def running(folder: Path, node: NodeConfig) -> int | None:
    """The pid of the node's geth, if the one its pid file names still runs."""
    try:
        pid = int((folder / f"{node.slug}.pid").read_text())
    except (OSError, ValueError):
        return None
    return pid if _is_geth(pid) and alive(pid) else None


def _is_geth(pid: int) -> bool:
    try:
        return b"geth" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def stop(folder: Path, nodes: list[NodeConfig], timeout: float = 30) -> None:
    """SIGTERM each node, so that geth writes its state, and wait for each to exit."""
    pids = [pid for node in nodes if (pid := running(folder, node))]
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids:
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            raise LuxpassError(f"geth (pid {pid}) did not stop within {timeout:.0f} s", "stop it by hand")
    for node in nodes:
        (folder / f"{node.slug}.pid").unlink(missing_ok=True)


def check_genesis(data: Path, house: str, genesis_file: Path, geth: str, fix: str) -> None:
    """The data dir holds the chain of `genesis_file`: one initialised from another genesis would run
    a chain of its own, which the other nodes refuse to peer with."""
    done = subprocess.run([geth, "--datadir", str(data), "dumpgenesis"], capture_output=True, text=True)
    try:
        held = json.loads(done.stdout)
    except ValueError:
        raise LuxpassError(f"geth could not read the genesis in {data}: {last_line(done.stderr)}",
                           f"see {data / 'geth.log'}") from None
    own = json.loads(genesis_file.read_text())
    if (held["config"].get("chainId"), held.get("extraData", "").lower()) != (own["config"]["chainId"],
                                                                               own["extradata"].lower()):
        raise InputError(f"the data dir of {house}'s node ({data}) holds another chain (chain id "
                         f"{held['config'].get('chainId')}) than this network's genesis", fix)


def init(geth: str, data: Path, genesis_file: Path, house: str) -> None:
    done = subprocess.run([geth, "init", "--datadir", str(data), str(genesis_file)], capture_output=True, text=True)
    if done.returncode != 0:
        raise LuxpassError(f"geth init failed for {house}: {last_line(done.stderr)}",
                           f"check {geth} (`{geth} version`), then run the same command again: nothing was kept")


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("Fatal")]
    return (fatal or lines or ["no output"])[-1]


def exited(data: Path, house: str) -> LuxpassError:
    log = data / "geth.log"
    return LuxpassError(f"the node of {house} exited at start: {last_line(log.read_text(errors='replace')[-4000:])}",
                        f"see {log}")


# --- JSON-RPC ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _client(rpc_url: str) -> Web3:
    return Web3(rpc.RetryingProvider(rpc_url, log=lambda _: None, attempts=1))


def call(rpc_url: str, method: str, *params):
    """The result of `method(params)` on the node at `rpc_url`: one attempt, NodeUnavailable when
    it does not answer, NodeRefused when it refuses."""
    return rpc.request(_client(rpc_url), method, list(params), f"{method} on {rpc_url}", "see the node's geth.log")


@dataclass
class View:
    """A running node's chain as it answers: its head, its peers, whether it seals (None: it does not say)."""

    block: int
    hash: str
    peers: int | None
    sealing: bool | None


def view(rpc_url: str) -> View | None:
    """The node's view, or None when it does not answer."""
    try:
        number, block_hash = head(rpc_url)
    except RPC_FAILURES:
        return None
    return View(number, block_hash, _optional(lambda: len(call(rpc_url, "admin_peers"))),
                _optional(lambda: bool(call(rpc_url, "eth_mining"))))


def _optional(ask):
    try:
        return ask()
    except RPC_FAILURES:
        return None


def head(rpc_url: str) -> tuple[int, str]:
    block = call(rpc_url, "eth_getBlockByNumber", "latest", False)
    return int(block["number"], 16), block["hash"]


def hash_at(rpc_url: str, number: int) -> str | None:
    """The hash of the node's block `number`, or None while it holds none so high."""
    block = call(rpc_url, "eth_getBlockByNumber", hex(number), False)
    return block["hash"] if block else None
