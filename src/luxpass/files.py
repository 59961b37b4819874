"""Files luxpass reads: size caps checked before a file is read, and JSON read with a one-line
error. Writing is `luxpass.writes`'."""
import json
from pathlib import Path

from .errors import InputError, LuxpassError

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


def read_own_record(path) -> dict | None:
    """A record luxpass wrote for itself (a network's net.json), None when there is none."""
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise LuxpassError(f"{path} is not valid JSON", "put it back from your backup") from None
