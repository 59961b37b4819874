"""One house's avalanchego node: its command line (offline: its own network id and genesis, the
other houses as bootstrappers, its staking key, certificate and BLS signer key), its process and pid
file, and the questions asked of its APIs (health, the P-chain's height, the L1's EVM)."""
import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from ..chain import rpc
from ..chain.node_backup import alive
from ..errors import LuxpassError
from .config import AvalancheNet, House, house_dir
from .tools import Tools

FD_LIMIT = 16000  # avalanchego's default asks for more open files than the machine allows
RPC_FAILURES = (requests.RequestException, ValueError, KeyError)


def command(tools: Tools, folder: Path, config: AvalancheNet, house: House) -> list[str]:
    """The avalanchego command line of `house`, the same whoever starts it."""
    data = house_dir(folder, house)
    others = [h for h in config.houses if h.slug != house.slug]
    cmd = [str(tools.avalanchego), f"--network-id={config.network_id}", f"--genesis-file={folder / 'genesis.json'}",
           "--sybil-protection-enabled=true", f"--public-ip={house.host}", f"--fd-limit={FD_LIMIT}",
           f"--http-host={house.host}", f"--http-port={house.http_port}", "--http-allowed-hosts=*",
           f"--staking-host={house.host}", f"--staking-port={house.staking_port}", f"--data-dir={data}",
           f"--staking-tls-key-file={data / 'staker.key'}", f"--staking-tls-cert-file={data / 'staker.crt'}",
           f"--staking-signer-key-file={data / 'signer.key'}", f"--plugin-dir={tools.plugins}",
           f"--chain-config-dir={folder / 'chain-configs'}", "--log-level=info", "--log-display-level=warn",
           "--network-max-reconnect-delay=2s", f"--db-type={config.db_type}"]
    if others:
        cmd += ["--bootstrap-ips=" + ",".join(f"{h.host}:{h.staking_port}" for h in others),
                "--bootstrap-ids=" + ",".join(h.node_id for h in others)]
    if config.subnet_id:
        cmd.append(f"--track-subnets={config.subnet_id}")
    return cmd


def start(tools: Tools, folder: Path, config: AvalancheNet, house: House) -> int:
    """Start the house's avalanchego in a session of its own, its output appended to its node.log."""
    data = house_dir(folder, house)
    with open(data / "node.log", "ab") as log:
        process = subprocess.Popen(command(tools, folder, config, house), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    (folder / f"{house.slug}.pid").write_text(str(process.pid))
    return process.pid


def running(folder: Path, house: House) -> int | None:
    try:
        pid = int((folder / f"{house.slug}.pid").read_text())
    except (OSError, ValueError):
        return None
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None
    return pid if alive(pid) and Path(exe).name == "avalanchego" else None


def stop(folder: Path, house: House, sig: int = signal.SIGTERM, timeout: float = 30) -> bool:
    """Stop the house's node (SIGKILL: killed, as by a crash); whether one was running."""
    pid = running(folder, house)
    if pid is None:
        return False
    os.killpg(pid, sig)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        os.killpg(pid, signal.SIGKILL)
    return True


def api(house: House, path: str, method: str, params: dict | list | None = None, timeout: float = 5) -> dict:
    try:
        return rpc.ask(f"{house.uri}{path}", method, params if params is not None else {}, timeout)
    except rpc.NodeRefused as exc:
        raise LuxpassError(f"{house.house}'s node refused {method}: {exc.message}",
                           "read its node.log in the network folder") from None


def bootstrapped(house: House, chain: str) -> bool:
    try:
        return bool(api(house, "/ext/info", "info.isBootstrapped", {"chain": chain})["isBootstrapped"])
    except (*RPC_FAILURES, LuxpassError):
        return False


def evm_height(url: str, timeout: float = 3) -> int | None:
    """The L1's block height at `url`, or None when it does not answer."""
    try:
        return int(rpc.ask(url, "eth_blockNumber", [], timeout), 16)
    except (*RPC_FAILURES, rpc.NodeRefused):
        return None


def wait_for(what: str, ready, timeout: float, log_hint: str) -> float:
    """Poll `ready()` until true; the seconds it took. A time-out names what did not come."""
    started = time.monotonic()
    while not ready():
        if time.monotonic() - started > timeout:
            raise LuxpassError(f"{what} within {timeout:.0f} s", log_hint)
        time.sleep(0.25)
    return time.monotonic() - started
