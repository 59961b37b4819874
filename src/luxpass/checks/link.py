"""What the verification page says about a scanned passport link: the link's own proof
(`luxpass.proofs.link`), then the registry and the passport, then the passport's story."""
from dataclasses import dataclass

from ..errors import InputError
from ..gs1 import DigitalLink, parse_link
from ..onchain.collection import Collection
from ..onchain.registry import Consortium
from ..proofs.link import read_link
from ..values import passport_hex
from .history import History, history
from .verify import Verdict, verify

AUTHENTIC, NOT_AUTHENTIC = "authentic", "not-authentic"  # a genuine passport's other states: its status
UNREADABLE = "unreadable"  # the link itself cannot be read: smudged, cut, mistyped; nothing is known yet
NO_MATCH = "no-match"  # a readable link of a member's collection that leads to no passport: mistyped, or not genuine


@dataclass
class LinkCheck:
    state: str
    reason: str
    gtin: str | None = None
    serial: str | None = None
    collection: str | None = None
    passport_id: str | None = None
    verdict: Verdict | None = None
    story: History | None = None
    chip: str | None = None  # the address of the chip bound to the passport, if any


def check_link(consortium: Consortium, uri: str | DigitalLink) -> LinkCheck:
    """What the verification page says about a scanned link: the link's proof, then the
    registry and the passport (`luxpass.checks.verify`), then the passport's story."""
    try:
        link = uri if isinstance(uri, DigitalLink) else parse_link(uri)
        proven = read_link(link)
    except InputError as exc:
        return LinkCheck(UNREADABLE, f"this code cannot be read in full: {exc.problem}")
    check = LinkCheck(NOT_AUTHENTIC, "", proven.gtin, proven.serial, proven.collection,
                      passport_hex(proven.passport_id))
    verdict = verify(consortium, proven.collection, proven.passport_id)
    if not verdict.genuine_collection or (not verdict.exists and verdict.brand_status == "removed"):
        check.verdict, check.reason = verdict, verdict.reason
        return check
    if not verdict.exists:  # as a typo in the serial or the proof lands: the chain proves nothing wrong
        check.verdict, check.state = verdict, NO_MATCH
        check.reason = f"no passport of {verdict.brand} has this serial with this code (a mistyped or altered link)"
        return check
    if not proven.gtin_matches:
        check.reason = "the GTIN in this link is not the one committed with its serial (an altered link)"
        return check
    check.verdict = verdict
    check.story = history(consortium, proven.collection, proven.passport_id)
    check.chip = Collection(consortium.chain, proven.collection).chip_of(proven.passport_id)
    check.state = AUTHENTIC if verdict.authentic else verdict.status
    check.reason = verdict.reason
    return check
