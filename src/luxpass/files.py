"""Files luxpass reads and writes: size caps checked before a file is read, JSON read with a
one-line error, atomic writes, and writes that never replace a file (a signed or salted file is
never lost)."""
import json
import os
from pathlib import Path

from .errors import InputError

MAX_CSV_BYTES = 256 * 1024 * 1024  # a product CSV or a marketplace's listings
MAX_SMALL_JSON_BYTES = 1024 * 1024  # a certificate, consent, record or disclosure is a few kilobytes
LARGE_JSON = {"job", "serial ledger", "audit report", "deployment", "EPCIS document"}  # these grow with the products


def read_json(path, what: str):
    """A JSON file, size-capped before it is read: 1 MiB but for the files in LARGE_JSON."""
    try:
        if what not in LARGE_JSON and Path(path).stat().st_size > MAX_SMALL_JSON_BYTES:
            raise InputError(f"{what} file {path} is larger than {MAX_SMALL_JSON_BYTES // 1024} KiB, "
                             f"too large to be a {what}", "pass the file luxpass wrote")
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} file {path} is not UTF-8 text", "fix or replace the file") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep to be one of ours
        raise InputError(f"{what} file {path} is not valid JSON (line {getattr(exc, 'lineno', '?')})", "fix or replace the file") from None


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
