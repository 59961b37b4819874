"""One house's node on a machine of its own. `export` writes a house folder from a network: the
genesis, the public part of the network (chain id and every house's enode, its bootnodes), the
house's own node (signer, keystore and password file by reference, ports, node key) and a systemd
unit. `join` makes such a folder for a new house from another house's folder: a new keystore, a
new node key, the same genesis and peers. `run` starts the house's geth from its folder and starts
it again whenever it exits, until it is asked to stop."""
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from ..errors import InputError, LuxpassError
from . import node as geth_node
from .config import NetworkConfig, NodeConfig, data_dir, enode, new_keys, password_file, ports, require, slug

RESTART_DELAY = 2.0  # seconds before a node that exited is started again


@dataclass
class HouseNode:
    """A house folder's node.json: the network's public part and the house's own node."""

    chain_id: int
    period: int
    node: NodeConfig
    peers: list[str]  # the other houses' enodes: its bootnodes, dialled again whenever a link drops
    password_file: str
    data_dir: str

    @classmethod
    def read(cls, folder: Path) -> "HouseNode":
        try:
            data = json.loads((folder / "node.json").read_text())
        except OSError:
            raise InputError(f"{folder} holds no house node (node.json is missing)",
                             "make one with `luxpass consortium-net house` or `luxpass consortium-net join`") from None
        return cls(data["chain_id"], data["period"], NodeConfig(**data["node"]), data["peers"], data["password_file"],
                   data["data_dir"])

    def write(self, folder: Path) -> None:
        (folder / "node.json").write_text(json.dumps(asdict(self), indent=1))

    def network(self) -> NetworkConfig:
        return NetworkConfig(self.chain_id, self.period, [self.node])


def export(folder: Path, house: str, out: Path, geth_binary: Callable[[], str]) -> HouseNode:
    """The house folder of `house`'s node in the network at `folder`, its data dir the node's own.
    `geth_binary` finds geth (the unit names it), asked once the input is checked."""
    config = require(folder)
    node = config.node(house)
    _check_out(out)
    geth = geth_binary()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / "genesis.json", out / "genesis.json")
    made = HouseNode(config.chain_id, config.period, node, config.peers_of(node),
                     str(password_file(folder, node.house)), str(data_dir(folder, node)))
    _finish(out, made, geth)
    return made


def join(source: Path, house: str, out: Path, password: str, http_port: int, host: str,
         geth_binary: Callable[[], str]) -> HouseNode:
    """A new house's folder beside the house folder `source`: the same genesis and chain, every
    house of `source` (and `source`'s own node) as its peers, a new signer key in a keystore under
    `password`, a new node key, its data dir initialised from the genesis."""
    known = HouseNode.read(source)
    name = slug(house)
    if not name:
        raise InputError(f"{house!r} is not a house name", "name the house with letters or digits")
    _check_out(out)
    geth = geth_binary()
    out.mkdir(parents=True)
    data = out / "data"
    secret = out / f"{name}.password"
    secret.write_text(password)
    os.chmod(secret, 0o600)
    signer, keystore, public = new_keys(data, name, password)
    shutil.copy(source / "genesis.json", out / "genesis.json")
    own_ports = ports(http_port, 0)
    node = NodeConfig(house, name, signer, str(keystore), enode(public, host, own_ports["p2p_port"]), host=host,
                      **own_ports)
    made = HouseNode(known.chain_id, known.period, node, [known.node.enode, *known.peers], str(secret), str(data))
    geth_node.init(geth, data, out / "genesis.json", house)
    _finish(out, made, geth)
    return made


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} is not an empty folder", "pass an empty or new --out: a house folder is never overwritten")


def _finish(out: Path, made: HouseNode, geth: str) -> None:
    made.write(out)
    geth_node.peers_file(Path(made.data_dir), made.peers)
    (out / f"luxpass-node-{made.node.slug}.service").write_text(unit(out, made, geth))


def unit(out: Path, made: HouseNode, geth: str) -> str:
    """A systemd unit that runs the house's node (geth itself, restarted by systemd whenever it exits)."""
    cmd = geth_node.command(geth, made.network(), made.node, Path(made.data_dir), Path(made.password_file))
    return "\n".join([
        "[Unit]",
        f"Description=luxpass consortium node of {made.node.house} (chain {made.chain_id})",
        "After=network-online.target", "Wants=network-online.target", "",
        "[Service]",
        "ExecStart=" + " ".join(cmd),
        "Restart=always", f"RestartSec={RESTART_DELAY:g}",
        "KillSignal=SIGTERM", "TimeoutStopSec=60", "",
        "[Install]", "WantedBy=multi-user.target", ""])


def run(folder: Path, geth_binary: Callable[[], str], log: Callable[[str], None], restarts: int | None = None) -> None:
    """Start the house's geth from its folder, and again whenever it exits (after RESTART_DELAY), until
    SIGTERM or SIGINT, which stop it cleanly. `restarts`: at most so many (None: no end)."""
    made = HouseNode.read(folder)
    data = Path(made.data_dir)
    if not (data / "geth" / "chaindata").is_dir():
        raise InputError(f"the data dir of {made.node.house}'s node ({data}) holds no chain",
                         f"run `geth init --datadir {data} {folder / 'genesis.json'}`")
    geth = geth_binary()
    geth_node.peers_file(data, made.peers)
    cmd = geth_node.command(geth, made.network(), made.node, data, Path(made.password_file))
    stopping = False
    process: subprocess.Popen | None = None

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = 0
    while not stopping:
        with open(data / "geth.log", "ab") as out:
            process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        started += 1
        log(f"run: {made.node.house}'s node started (pid {process.pid}), RPC {made.node.rpc_url}")
        code = process.wait()
        if stopping:
            log(f"run: {made.node.house}'s node stopped")
            return
        log(f"run: {made.node.house}'s node exited with {code}: {geth_node.last_line((data / 'geth.log').read_text(errors='replace')[-4000:])}")
        if restarts is not None and started > restarts:
            raise LuxpassError(f"{made.node.house}'s node exited {started} times", f"see {data / 'geth.log'}")
        time.sleep(RESTART_DELAY)
        log("run: starting it again")
