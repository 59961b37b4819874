"""A product system's CSV export, read and validated as a whole before anything is sent: every
bad line (up to 20) is reported in one run. The header may declare a column's type after its name
(`made_on:date`, `price_eur:number`; the types of values.FIELD_TYPES), and every value is checked
against it."""
import csv
from pathlib import Path

from ..errors import InputError
from ..files import MAX_CSV_BYTES
from ..values import check_new_record, normalize_record, parse_declared_column

MAX_LINES_PER_RECORD = 10  # a quoted multi-line field (an address, a note) spans a few lines, not a file
MAX_REPORTED = 20
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def csv_records(text: str):
    """(first line number, the values) of each record, one record per line unless a quoted field
    really spans lines; a quote that never closes, or closes only many lines later, is reported
    as an error line instead of swallowing the rows after it. Yields (line, None, problem) for those."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        first, record = i, lines[i]
        while record.count('"') % 2 and i + 1 < len(lines) and i - first < MAX_LINES_PER_RECORD:
            i += 1
            record += "\n" + lines[i]
        i += 1
        if record.count('"') % 2:
            yield first + 1, None, "a quote opens here and does not close on this line or the next few " \
                                   f"(close it, or write a literal quote as \"\")"
            i = first + 1  # report it and carry on with the next line
            continue
        try:
            yield first + 1, next(csv.reader([record], strict=True), []), None
        except csv.Error as exc:
            yield first + 1, None, f"malformed CSV ({exc})"


def read_products(path: Path) -> list[dict]:
    """The rows of a product CSV, validated as a whole before anything is sent; every bad line
    (up to 20) is reported in one run."""
    try:
        if Path(path).stat().st_size > MAX_CSV_BYTES:
            raise InputError(f"{path} is larger than {MAX_CSV_BYTES // 2**20} MiB",
                             "split the file into several jobs")
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", "export the CSV as UTF-8") from None
    records = csv_records(text)
    _, header, problem = next(records, (1, None, None))
    if problem:
        raise InputError(f"{path} line 1: {problem}", "the first line must name the columns")
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{path} is empty", "the first line must name the columns, one of them `serial`")
    try:
        header, types = zip(*(parse_declared_column(h) for h in header))
    except InputError as exc:
        raise InputError(f"{path} line 1: {exc.problem}", exc.fix) from None
    if "serial" not in header:
        raise InputError(f"{path} has no `serial` column", _delimiter_hint(header) or "name the serial number column `serial`")
    if len(set(header)) != len(header) or "" in header:
        raise InputError(f"{path} has empty or repeated column names", "give every column a distinct name")
    declared = {name: kind for name, kind in zip(header, types) if kind}
    rows, serials, bad = [], {}, []
    for line, values, problem in records:
        if problem is None and (not values or all(not v.strip() for v in values)):
            continue
        if problem is None and len(values) != len(header):
            problem = f"{len(values)} values for {len(header)} columns (quote values that contain commas)"
        if problem is None:
            try:
                record = check_new_record(normalize_record(dict(zip(header, values))), declared)
            except InputError as exc:
                problem = f"{exc.problem} ({exc.fix})" if exc.fix else exc.problem
        if problem is None and record["serial"] in serials:
            problem = f"serial {record['serial']!r} repeats line {serials[record['serial']]}"
        if problem is not None:
            bad.append(f"line {line}: {problem}")
            continue
        serials[record["serial"]] = line
        rows.append(record)
    if bad:
        shown = "; ".join(bad[:MAX_REPORTED]) + (f"; and {len(bad) - MAX_REPORTED} more" if len(bad) > MAX_REPORTED else "")
        raise InputError(f"{path}: {len(bad)} bad line(s), nothing was sent: {shown}", "fix those lines and run again")
    if not rows:
        raise InputError(f"{path} has a header but no products", "add one product per line")
    return rows


def _delimiter_hint(header) -> str | None:
    """How to fix a header that names `serial` but is split by another character than a comma."""
    for delimiter, named in OTHER_DELIMITERS.items():
        if any("serial" in (c.strip() for c in column.split(delimiter)) for column in header):
            return (f"the columns are separated by {named}, and luxpass reads comma-separated CSV: "
                    "export the file with commas as the separator")
    return None
