"""Files luxpass writes: whole or not at all, and never over a file that is there (a signed or
salted file is never lost). The on-chain layer never imports this module (pyproject's
import-linter contract): what luxpass keeps on this machine is written by `luxpass.local`, the
sender's journal (`chain.journal`) and the proofs' own files."""
import json
import os
from pathlib import Path

from .errors import InputError


def write_json_new(path: Path, data, what: str = "file") -> None:
    """Write `data` to `path` only if nothing is there: a signed or salted file is never overwritten."""
    if Path(path).exists():
        raise InputError(f"{what} {path} already exists and would be lost",
                         "pass another path, or move the old file away first")
    write_json_atomic(Path(path), data)


def write_json_atomic(path: Path, data, durable: bool = True) -> None:
    """Write whole or not at all; `durable` also waits until it is on disk (files that a job can
    write again after a crash need not)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}", "pass a path in a writable folder") from None
