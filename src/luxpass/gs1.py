"""GS1 identifiers of a physical product: GTINs and GS1 Digital Link URIs.

A Digital Link URI names one serialised item as `<resolver>/01/<GTIN-14>/21/<serial>`,
optionally followed by a query of attributes that are not GS1's (luxpass puts its collection
and proof there). Any GS1 Digital Link parser reads the GTIN and the serial from it.
"""
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from .errors import InputError

GTIN_LENGTHS = (8, 12, 13, 14)
SERIAL_MAX = 20
# GS1 AI encodable character set 82, the characters AI 21 (serial number) may hold.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+")


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of the digits before it (weights 3, 1, 3 … from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_gtin(text: str) -> bool:
    return (text.isascii() and text.isdigit() and len(text) in GTIN_LENGTHS
            and gtin_check_digit(text[:-1]) == int(text[-1]))


def parse_gtin(text: str) -> str:
    """A GTIN-8, -12, -13 or -14 checked and written as the 14 digits Digital Link uses."""
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()) or len(text) not in GTIN_LENGTHS:
        raise InputError(f"GTIN {text!r} is not 8, 12, 13 or 14 digits", "copy the GTIN from the product's barcode")
    expected = gtin_check_digit(text[:-1])
    if expected != int(text[-1]):
        raise InputError(f"GTIN {text} has check digit {text[-1]}, expected {expected}",
                         "check the GTIN for a typo against the product's barcode")
    return text.zfill(14)


def check_serial(serial: str) -> str:
    """A serial number as GS1 AI 21 allows it: 1 to 20 characters of GS1's character set 82."""
    if not serial or len(serial) > SERIAL_MAX or not _CSET82.fullmatch(serial):
        raise InputError(
            f"serial {serial!r} cannot be a GS1 serial number (AI 21)",
            f"use 1 to {SERIAL_MAX} letters, digits or !\"%&'()*+,-./:;<=>?_ (no spaces)")
    return serial


def check_resolver(resolver: str) -> str:
    """The base of the URIs: http(s)://host[:port][/path], without a trailing slash."""
    text = str(resolver).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise InputError(f"resolver {resolver!r} is not an http(s) URL of a host",
                         "pass e.g. --resolver https://id.maison-aurel.com")
    if any(segment.isascii() and segment.isdigit() for segment in parts.path.split("/")):
        raise InputError(f"resolver {resolver!r} has an all-digit path segment, which GS1 Digital Link reserves "
                         "for its keys", "choose a resolver path without one")
    return text


@dataclass(frozen=True)
class DigitalLink:
    """One serialised item's GS1 Digital Link URI, taken apart."""

    resolver: str
    gtin: str  # 14 digits
    serial: str
    query: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/01/{self.gtin}/21/{quote(self.serial, safe='')}"

    @property
    def uri(self) -> str:
        query = ("?" + urlencode(self.query)) if self.query else ""
        return f"{self.resolver}{self.path}{query}"


def build_link(resolver: str, gtin: str, serial: str, query: dict | None = None) -> DigitalLink:
    return DigitalLink(check_resolver(resolver), parse_gtin(gtin), check_serial(serial), dict(query or {}))


def parse_link(uri: str) -> DigitalLink:
    """A Digital Link URI of one item (`…/01/<GTIN>/21/<serial>[?query]`), checked."""
    parts = urlsplit(str(uri).strip())
    segments = parts.path.split("/")
    try:
        at = max(i for i, s in enumerate(segments[:-3]) if s == "01" and segments[i + 2] == "21")
    except ValueError:
        raise InputError(f"{uri!r} is not a GS1 Digital Link URI of a serialised item",
                         "expected https://<resolver>/01/<GTIN>/21/<serial>") from None
    if at + 4 != len(segments):
        raise InputError(f"{uri!r} has more after the serial than a Digital Link URI of an item",
                         "expected https://<resolver>/01/<GTIN>/21/<serial>")
    resolver = f"{parts.scheme}://{parts.netloc}{'/'.join(segments[:at])}"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return build_link(resolver, segments[at + 1], unquote(segments[at + 3]), query)
