"""A local Anvil node whose chain is kept in a data folder across restarts.

Anvil writes its state file when it stops on SIGTERM or SIGINT (and every `--state-interval`
seconds); the file is not written atomically, so each start first keeps a rotated copy of the
last good one, and a watcher keeps one every minute while the node runs (node_backup.py). A
missing or damaged state file with a backup beside it stops the start with the way back."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from ..errors import InputError, LuxpassError
from . import node_backup, rpc
from .accounts import DEV_ACCOUNTS, home
from .node_backup import alive, good_backups, is_good, rotate

STATE_INTERVAL = 10


@dataclass
class NodeStatus:
    running: bool
    pid: int | None
    rpc_url: str | None
    chain_id: int | None
    block: int | None
    data_dir: str
    state_file: str


def data_dir(path: str | None = None) -> Path:
    return Path(path) if path else home() / "node"


def anvil_binary() -> str:
    configured = os.environ.get("LUXPASS_ANVIL")
    if configured:
        return configured
    project_bin = Path(__file__).resolve().parents[3] / "node_modules" / ".bin" / "anvil"
    found = shutil.which("anvil")
    if found:
        return found
    if project_bin.exists():
        return str(project_bin)
    raise LuxpassError("anvil was not found on PATH", "run `make setup` (npm ci installs @foundry-rs/anvil)")


def start(folder: Path, port: int = 8545, block_time: float | None = None, timeout: float = 30) -> NodeStatus:
    folder.mkdir(parents=True, exist_ok=True)
    current = status(folder)
    if current.running:
        return current
    state = folder / "state.json"
    _check_and_rotate(state)
    rpc_url = f"http://127.0.0.1:{port}"
    if _answers(rpc_url):
        raise LuxpassError(f"another node already answers on port {port}", "stop it or pass --port")
    cmd = [anvil_binary(), "--port", str(port), "--accounts", str(DEV_ACCOUNTS), "--state", str(state),
           "--state-interval", str(STATE_INTERVAL)]
    if block_time:
        cmd += ["--block-time", str(block_time)]
    log = open(folder / "anvil.log", "ab")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    (folder / "node.json").write_text(json.dumps({"pid": process.pid, "port": port}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            (folder / "node.json").unlink(missing_ok=True)
            raise LuxpassError(f"anvil exited at start (code {process.returncode})", f"see {folder / 'anvil.log'}")
        if _answers(rpc_url):
            _watch_backups(folder, process.pid, log)
            return status(folder)
        time.sleep(0.1)
    stop(folder)
    raise LuxpassError(f"anvil did not answer on port {port} within {timeout:.0f} s", f"see {folder / 'anvil.log'}")


def stop(folder: Path, timeout: float = 30) -> NodeStatus:
    """SIGTERM, so that Anvil writes its state, then wait for it to exit."""
    info = _info(folder)
    if info and alive(info["pid"]):
        os.kill(info["pid"], signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while alive(info["pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(info["pid"]):
            raise LuxpassError(f"anvil (pid {info['pid']}) did not stop within {timeout:.0f} s", "stop it by hand")
    if info:
        _stop_watcher(info)
    (folder / "node.json").unlink(missing_ok=True)
    return status(folder)


def status(folder: Path) -> NodeStatus:
    info = _info(folder)
    state = str(folder / "state.json")
    if not info or not alive(info["pid"]):
        return NodeStatus(False, None, None, None, None, str(folder), state)
    rpc_url = f"http://127.0.0.1:{info['port']}"
    chain_id = block = None
    try:
        chain_id = int(rpc.ask(rpc_url, "eth_chainId"), 16)
        block = int(rpc.ask(rpc_url, "eth_blockNumber"), 16)
    except (requests.RequestException, rpc.NodeRefused, KeyError, ValueError):
        pass
    return NodeStatus(True, info["pid"], rpc_url, chain_id, block, str(folder), state)


def _check_and_rotate(state: Path) -> None:
    """Never a silent empty chain: a missing or damaged state file with a good backup beside it
    stops the start and names the backup to restore."""
    backups = good_backups(state)
    restore = f"restore the newest good backup: cp {backups[0]} {state}" if backups else None
    if not state.exists():
        if restore:
            raise InputError(f"the node's state file {state} is missing, but backups of it exist",
                             f"{restore} (or move the backups away to start an empty chain)")
        return
    if not is_good(state):
        raise InputError(f"the node's state file {state} is truncated or corrupt",
                         restore or f"remove {state} to start an empty chain")
    rotate(state)


def _watch_backups(folder: Path, pid: int, log) -> None:
    watcher = subprocess.Popen([sys.executable, "-m", "luxpass.chain.node_backup", str(folder), str(pid),
                                str(node_backup.BACKUP_INTERVAL)], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    (folder / "node.json").write_text(json.dumps({**_info(folder), "backup_pid": watcher.pid}))


def _stop_watcher(info: dict) -> None:
    pid = info.get("backup_pid")
    try:
        mine = pid and b"luxpass.chain.node_backup" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        mine = False
    if mine and alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def _info(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "node.json").read_text())
    except (OSError, ValueError):
        return None


def _answers(rpc_url: str) -> bool:
    try:
        rpc.ask(rpc_url, "eth_chainId")
        return True
    except (requests.RequestException, rpc.NodeRefused, KeyError, ValueError):
        return False
