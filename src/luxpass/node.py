"""A local Anvil node whose chain is kept in a data folder across restarts.

Anvil writes its state file when it stops on SIGTERM or SIGINT (and every `--state-interval`
seconds); the file is not written atomically, so each start first keeps a rotated copy of the
last good one."""
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from .accounts import DEV_ACCOUNTS, home
from .errors import InputError, LuxpassError

STATE_INTERVAL = 10
BACKUPS = 3


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
    project_bin = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "anvil"
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
            return status(folder)
        time.sleep(0.1)
    stop(folder)
    raise LuxpassError(f"anvil did not answer on port {port} within {timeout:.0f} s", f"see {folder / 'anvil.log'}")


def stop(folder: Path, timeout: float = 30) -> NodeStatus:
    """SIGTERM, so that Anvil writes its state, then wait for it to exit."""
    info = _info(folder)
    if info and _alive(info["pid"]):
        os.kill(info["pid"], signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(info["pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(info["pid"]):
            raise LuxpassError(f"anvil (pid {info['pid']}) did not stop within {timeout:.0f} s", "stop it by hand")
    (folder / "node.json").unlink(missing_ok=True)
    return status(folder)


def status(folder: Path) -> NodeStatus:
    info = _info(folder)
    state = str(folder / "state.json")
    if not info or not _alive(info["pid"]):
        return NodeStatus(False, None, None, None, None, str(folder), state)
    rpc_url = f"http://127.0.0.1:{info['port']}"
    chain_id = block = None
    try:
        chain_id = int(_rpc(rpc_url, "eth_chainId"), 16)
        block = int(_rpc(rpc_url, "eth_blockNumber"), 16)
    except (requests.RequestException, KeyError, ValueError):
        pass
    return NodeStatus(True, info["pid"], rpc_url, chain_id, block, str(folder), state)


def _check_and_rotate(state: Path) -> None:
    if not state.exists():
        return
    try:
        json.loads(state.read_text())
    except ValueError:
        backups = [b for b in (state.with_name(f"state.json.{i}") for i in range(1, BACKUPS + 1)) if b.exists()]
        fix = f"restore the newest good backup: cp {backups[0]} {state}" if backups else f"remove {state} to start an empty chain"
        raise InputError(f"the node's state file {state} is truncated or corrupt", fix) from None
    for i in range(BACKUPS, 1, -1):
        older = state.with_name(f"state.json.{i - 1}")
        if older.exists():
            older.replace(state.with_name(f"state.json.{i}"))
    shutil.copy2(state, state.with_name("state.json.1"))


def _info(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "node.json").read_text())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def _answers(rpc_url: str) -> bool:
    try:
        _rpc(rpc_url, "eth_chainId")
        return True
    except (requests.RequestException, KeyError, ValueError):
        return False


def _rpc(rpc_url: str, method: str):
    reply = requests.post(rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": []}, timeout=2)
    return reply.json()["result"]
