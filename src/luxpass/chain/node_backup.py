"""Rotated backups of the local node's state file: state.json.1 (newest) to state.json.3.

`luxpass node start` keeps a copy of the last good state at each start, and runs this module
beside Anvil (`python -m luxpass.chain.node_backup FOLDER PID`) to keep one every BACKUP_INTERVAL
seconds while the node runs: a copy is made only of a state file that parses (Anvil does not
write it atomically) and that changed since the newest backup. The watcher ends with Anvil."""
import json
import os
import shutil
import sys
import time
from pathlib import Path

BACKUPS = 3
BACKUP_INTERVAL = 60


def backup_paths(state: Path) -> list[Path]:
    return [state.with_name(f"{state.name}.{i}") for i in range(1, BACKUPS + 1)]


def is_good(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
        return True
    except (OSError, ValueError):
        return False


def good_backups(state: Path) -> list[Path]:
    """The backups that parse, newest first."""
    return [b for b in backup_paths(state) if b.exists() and is_good(b)]


def rotate(state: Path) -> Path | None:
    """Copy a good, changed state file to state.json.1, shifting the older copies; the new
    backup's path, or None when there was nothing (new) to keep."""
    try:
        content = state.read_bytes()
        json.loads(content)
    except (OSError, ValueError):
        return None
    paths = backup_paths(state)
    if paths[0].exists() and paths[0].read_bytes() == content:
        return None
    for newer, older in reversed(list(zip(paths, paths[1:]))):
        if newer.exists():
            newer.replace(older)
    tmp = paths[0].with_name(paths[0].name + ".tmp")
    tmp.write_bytes(content)
    shutil.copystat(state, tmp)
    tmp.replace(paths[0])
    return paths[0]


def watch(folder: Path, pid: int, interval: float = BACKUP_INTERVAL) -> None:
    state = folder / "state.json"
    while alive(pid):
        time.sleep(interval)
        rotate(state)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


if __name__ == "__main__":
    watch(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else BACKUP_INTERVAL)
