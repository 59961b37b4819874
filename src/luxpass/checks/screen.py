"""Marketplace screening: thousands of listings checked against the registry at once.

Listings are grouped by collection; each collection is checked once against the registry,
then its passports are screened by the contract's `screen` view in chunks as large as the node's
call gas cap allows (`luxpass.checks.chunks`). Calls are encoded and decoded by hand: through
web3's contract layer the decoding, not the node, would be the bottleneck."""
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..files import MAX_CSV_BYTES
from ..onchain.collection import Collection, screen_codes
from ..onchain.registry import Consortium
from ..proofs.certificate import Certificate
from ..results import cli_name
from ..spec import BrandStatus, Screening
from ..values import parse_address
from .chunks import ChunkedCalls

VERDICTS = tuple(cli_name(Screening(code)) for code in range(len(Screening)))  # by the code `screen` returns


@dataclass
class Listing:
    line: int
    listing: str
    collection: str
    passport_id: int
    seller: str | None
    certificate_matches: bool | None = None
    malformed: str | None = None  # why the row could not be read: its verdict, the file goes on


@dataclass
class ScreenResult:
    listing: str
    collection: str
    passport_id: str
    seller: str | None
    authentic: bool
    reason: str


class ScreenResults(Sequence):
    """`screen`'s answer: `reasons`, the verdict of each listing in their order, and a ScreenResult
    a listing, built only when it is read (a marketplace that wants the verdicts alone of 50,000
    listings does not pay for 50,000 objects)."""

    def __init__(self, listings: list[Listing], reasons: list[str]):
        self.listings, self.reasons = listings, reasons

    def __len__(self) -> int:
        return len(self.reasons)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        listing, reason = self.listings[index], self.reasons[index]
        return ScreenResult(listing.listing, listing.collection, "0x%064x" % listing.passport_id, listing.seller,
                            reason == "authentic", reason)

    def as_json(self) -> list[ScreenResult]:
        return list(self)


def read_listings(path: Path) -> list[Listing]:
    """Rows with `listing` (optional), `seller` (optional), and either `certificate` (a path,
    relative to the file) or `collection` and `passport_id`."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise InputError(f"{path} is larger than {MAX_CSV_BYTES // 2**20} MiB", "split the listings into several files")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", "export the listings as UTF-8 CSV") from None
    rows = csv.DictReader(text.splitlines())
    columns = set(rows.fieldnames or [])
    if not ({"certificate"} <= columns or {"collection", "passport_id"} <= columns):
        raise InputError(f"{path} needs a `certificate` column or `collection` and `passport_id` columns",
                         "name the columns in the first line")
    listings, addresses = [], {}
    for line, row in enumerate(rows, start=2):
        try:
            if None in row or None in row.values():
                raise InputError("the number of values does not match the columns")
            listings.append(_listing(path, line, row, addresses))
        except InputError as exc:
            listings.append(Listing(line, row.get("listing") or str(line), "", 0, None,
                                    malformed=f"malformed row (line {line}): {exc.problem}"))
    if not listings:
        raise InputError(f"{path} has no listings", "add one listing per line")
    return listings


def _listing(path: Path, line: int, row: dict, addresses: dict) -> Listing:
    seller = _address(row.get("seller") or "", "seller", addresses) if row.get("seller") else None
    name = row.get("listing") or str(line)
    if row.get("certificate"):
        cert = Certificate.load(path.parent / row["certificate"])
        claimed = cert.claimed_passport_id or cert.passport_id
        return Listing(line, name, cert.collection, claimed, seller, cert.passport_id == claimed)
    collection = _address(row["collection"], "collection", addresses)
    text = row["passport_id"].strip()
    try:
        passport_id = int(text, 16) if text[:2].lower() == "0x" else int(text)
    except ValueError:
        raise InputError(f"passport id {text!r} is not a number", "write it as 0x… hex or decimal") from None
    if not 0 <= passport_id < 2**256:
        raise InputError(f"passport id {text!r} is out of range", "write a 256-bit id")
    return Listing(line, name, collection, passport_id, seller)


def _address(text: str, what: str, seen: dict) -> str:
    """Addresses repeat (a seller lists many items): check each distinct one once."""
    text = text.strip()
    if text not in seen:
        seen[text] = parse_address(text, what)
    return seen[text]


def screen(consortium: Consortium, listings: list[Listing], chunk: int | None = None,
           calls: ChunkedCalls | None = None) -> ScreenResults:
    """A verdict for each listing. `chunk` caps the passports of one call; `calls` (a new one by
    default) keeps the chunk sizes and counts the eth_calls, across runs if passed again."""
    calls = calls or ChunkedCalls(consortium.chain, chunk)
    verdicts: list[str | None] = [listing.malformed for listing in listings]
    by_collection: dict[str, list[int]] = {}
    for index, listing in enumerate(listings):
        if listing.malformed is None:
            by_collection.setdefault(listing.collection, []).append(index)
    for collection, indexes in by_collection.items():
        problem = _collection_problem(consortium, collection)
        if problem:
            for i in indexes:
                verdicts[i] = problem
            continue
        # Listings that name no seller are screened apart: a stand-in seller would be "not the
        # owner" and hide the verdicts the contract gives after that check (a pending recovery).
        named: list[int] = []
        unnamed: list[int] = []
        for i in indexes:
            listing = listings[i]
            if listing.certificate_matches is False:
                verdicts[i] = "certificate-mismatch"
            else:
                (named if listing.seller else unnamed).append(i)
        target = Collection(consortium.chain, collection)
        for kind, screened, with_sellers in (("screening", named, True), ("screening (no sellers)", unnamed, False)):
            ids = [listings[i].passport_id for i in screened]
            sellers = [listings[i].seller for i in screened] if with_sellers else []
            # `run` slices a range in O(1); each chunk's ids and sellers are sliced by its bounds.
            codes = calls.run(kind, range(len(screened)), lambda part: target.screen_call(
                ids[part.start:part.stop], sellers[part.start:part.stop]), screen_codes)
            for i, verdict in zip(screened, map(VERDICTS.__getitem__, codes)):
                verdicts[i] = verdict
    return ScreenResults(listings, verdicts)


def _collection_problem(consortium: Consortium, collection: str) -> str | None:
    brand_id, status = consortium.collection_status(collection)
    if brand_id == 0:
        return "unknown-collection"
    if status == BrandStatus.SUSPENDED:
        return "brand-suspended"
    if status == BrandStatus.REMOVED:
        return "brand-removed"
    return None


def write_results(results: Sequence[ScreenResult], out: Path) -> None:
    tmp = Path(out).with_name(Path(out).name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        _write_csv(results, fh)
    tmp.replace(out)


def csv_text(results: Sequence[ScreenResult]) -> str:
    """The verdicts as the CSV `write_results` writes, with newlines, for a terminal."""
    out = io.StringIO()
    _write_csv(results, out, lineterminator="\n")
    return out.getvalue()


def _write_csv(results: Sequence[ScreenResult], fh, lineterminator: str = "\r\n") -> None:
    writer = csv.writer(fh, lineterminator=lineterminator)
    writer.writerow(["listing", "collection", "passport_id", "seller", "verdict", "reason"])
    for r in results:
        writer.writerow([r.listing, r.collection, r.passport_id, r.seller or "",
                         "authentic" if r.authentic else "not-authentic", r.reason])
