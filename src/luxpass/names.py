"""Brand names and symbols as they reach the registry: normalised, and unlike any other brand's.

`verdict` is the registry's own rule (contracts/libraries/BrandNames.sol), written the same way
over the same UTF-8 bytes: which characters a brand text may hold, where its spaces go, which
scripts it may mix, and its skeleton, the text as it looks (case, accents, look-alike letters
and digits, spaces and punctuation folded), which must differ from every brand's. The contract
refuses what `verdict` refuses; tests/contracts/test_registry_names.py runs both over the same
cases and every allowed character. `normalise` (NFKC, single spaces) is the library's courtesy
before the rule, so that a name typed with a no-break space or full-width letters reaches the
chain in the form the rule admits.
"""
import unicodedata
from dataclasses import dataclass

from .errors import InputError
from .spec import BrandNameFault as Fault


@dataclass(frozen=True)
class Verdict:
    fault: Fault
    offset: int  # the UTF-8 byte offset of the faulty character (0 when there is no fault)
    skeleton: bytes  # the folded text (empty when the fault is SPACING or CHARACTER)


LATIN, GREEK, CYRILLIC = 1, 2, 3
# Ranges of the fold tables: (first code point, last, script).
LATIN_RANGE, GREEK_RANGE, CYRILLIC_RANGE = (0x00C0, 0x017F, LATIN), (0x0386, 0x03CE, GREEK), (0x0400, 0x045F, CYRILLIC)
CJK_IDEOGRAPHS = (0x4E00, 0x9FFF)  # allowed as themselves, of no script that passes for Latin
_CJK_ONE = 0x4E00  # 一 reads as a dash, so it is folded away like one
NOT_ALLOWED, IGNORED = 0, 0x10000
# Table entries below 0x20 stand for two letters.
_PAIRS = {1: b"ae", 2: b"oe", 3: b"ss"}
_PAIR_CODES = {"æ": 1, "œ": 2, "ß": 3}

# Letters that look like a Latin letter or digit, in lower case (after accents are taken off), and
# capitals that look like a Latin letter unlike their small letter (Greek Η is H, η is not h). Latin
# i, l, I and 1 read alike: all of them fold to l.
_LOOK_ALIKE_SMALL = {
    "α": "a", "β": "b", "ε": "e", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "і": "l", "ј": "j", "ѕ": "s", "ь": "b", "б": "6", "п": "π", "ф": "φ",
}
_LOOK_ALIKE_CAPITAL = {
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "l", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p",
    "Τ": "t", "Υ": "y", "Χ": "x",
    "А": "a", "В": "b", "Е": "e", "З": "3", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
    "Х": "x", "У": "y", "Ѕ": "s", "І": "l", "Ј": "j", "Г": "γ", "П": "π", "Ф": "φ",
}
# Latin letters without a decomposition, and the letter they read as.
_LATIN_BARE = {"ø": "o", "ð": "d", "đ": "d", "ħ": "h", "ł": "l", "ı": "l", "ĸ": "k", "ŋ": "n"}
# Punctuation allowed in a name, and dropped from its skeleton ("Maison-Aurel" is "Maison Aurel").
_ASCII_DROPPED = b" '-.,"
_ASCII_DIGITS = {ord("0"): ord("o"), ord("1"): ord("l"), ord("5"): ord("s")}


def _table_entry(code_point: int) -> int:
    """The fold of one code point of the three tables: NOT_ALLOWED, a pair code or a code point."""
    char = chr(code_point)
    if unicodedata.category(char) not in ("Lu", "Ll") or unicodedata.normalize("NFKC", char) != char:
        return NOT_ALLOWED  # ×, ÷, ·, unassigned; ĳ, ŀ, ŉ, ſ (NFKC makes them other letters)
    small = "σ" if char == "ς" else char.lower()[0]  # İ's lower case is i and a dot above
    if small == "þ":
        return NOT_ALLOWED  # reads as b or p
    bare_capital = unicodedata.normalize("NFD", char)[0]
    bare = unicodedata.normalize("NFD", small)[0]
    if bare_capital in _LOOK_ALIKE_CAPITAL:
        return ord(_LOOK_ALIKE_CAPITAL[bare_capital])
    if bare in _PAIR_CODES:
        return _PAIR_CODES[bare]
    bare = _LATIN_BARE.get(bare, bare)
    if code_point <= LATIN_RANGE[1]:
        if not ("a" <= bare <= "z"):
            return NOT_ALLOWED
        return ord("l") if bare == "i" else ord(bare)
    return ord(_LOOK_ALIKE_SMALL.get(bare, bare))


def table(first: int, last: int) -> bytes:
    """A fold table as BrandNames.sol holds it: two bytes (big-endian) per code point."""
    return b"".join(_table_entry(cp).to_bytes(2, "big") for cp in range(first, last + 1))


_TABLES = [(first, last, script, table(first, last)) for first, last, script in (LATIN_RANGE, GREEK_RANGE, CYRILLIC_RANGE)]


def fold(code_point: int) -> tuple[int, int]:
    """(prototype, script) of one code point: NOT_ALLOWED, IGNORED, a pair code or a code point."""
    if code_point < 0x80:
        if ord("A") <= code_point <= ord("Z"):
            code_point += 32
        if ord("a") <= code_point <= ord("z"):
            return (ord("l") if code_point == ord("i") else code_point), LATIN
        if ord("0") <= code_point <= ord("9"):
            return _ASCII_DIGITS.get(code_point, code_point), 0
        if code_point == ord("&"):
            return code_point, 0
        return (IGNORED if code_point in _ASCII_DROPPED else NOT_ALLOWED), 0
    for first, last, script, packed in _TABLES:
        if first <= code_point <= last:
            index = 2 * (code_point - first)
            return int.from_bytes(packed[index:index + 2], "big"), script
    if code_point == _CJK_ONE:
        return IGNORED, 0
    if CJK_IDEOGRAPHS[0] < code_point <= CJK_IDEOGRAPHS[1]:
        return code_point, 0
    return NOT_ALLOWED, 0


def _decode(text: bytes, i: int) -> tuple[int, int]:
    """(code point, size) of the UTF-8 character at `i`; size 0 when the bytes are no UTF-8 (or
    an overlong or four-byte form: no allowed character needs one)."""
    lead = text[i]
    if lead < 0x80:
        return lead, 1
    if 0xC2 <= lead <= 0xDF and i + 1 < len(text) and text[i + 1] & 0xC0 == 0x80:
        return (lead & 0x1F) << 6 | text[i + 1] & 0x3F, 2
    if 0xE0 <= lead <= 0xEF and i + 2 < len(text) and text[i + 1] & 0xC0 == 0x80 and text[i + 2] & 0xC0 == 0x80:
        code_point = (lead & 0x0F) << 12 | (text[i + 1] & 0x3F) << 6 | text[i + 2] & 0x3F
        return (code_point, 3) if code_point >= 0x800 else (0, 0)
    return 0, 0


def verdict(text: str | bytes) -> Verdict:
    """The registry's rule for one brand name or symbol (BrandNames.skeleton, line for line)."""
    raw = text.encode() if isinstance(text, str) else bytes(text)
    out = bytearray()
    first_script, mixed_at = 0, -1
    i = 0
    while i < len(raw):
        code_point, size = _decode(raw, i)
        if size == 0:
            return Verdict(Fault.CHARACTER, i, b"")
        if code_point == 0x20 and (i == 0 or i + 1 == len(raw) or raw[i + 1] == 0x20):
            return Verdict(Fault.SPACING, i, b"")
        prototype, script = fold(code_point)
        if prototype == NOT_ALLOWED:
            return Verdict(Fault.CHARACTER, i, b"")
        if script != 0:
            if first_script == 0:
                first_script = script
            elif script != first_script and mixed_at < 0:
                mixed_at = i
        if prototype in _PAIRS:
            out += _PAIRS[prototype]
        elif prototype != IGNORED:
            out += chr(prototype).encode()
        i += size
    if not out:
        return Verdict(Fault.CHARACTER, 0, b"")
    if mixed_at >= 0:
        return Verdict(Fault.MIXED_SCRIPTS, mixed_at, bytes(out))
    return Verdict(Fault.NONE, 0, bytes(out))


def skeleton(text: str) -> bytes:
    """What the text looks like, as the registry compares it (b"" when the rule refuses its form)."""
    return verdict(text).skeleton


def normalise(text: str, what: str = "name") -> str:
    """NFKC, trimmed, runs of white space as one space; control characters refused."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    if not folded:
        raise InputError(f"the brand {what} is empty", f"give a brand {what}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn") for c in folded):
        raise InputError(f"the brand {what} {text!r} contains an invisible or control character",
                         f"type the {what} again without it")
    return folded


def _character_at(text: str, offset: int) -> str:
    return text.encode()[offset:].decode(errors="replace")[:1]


def _foreign_letter(text: str) -> str | None:
    """The first Greek or Cyrillic letter of a text that has Latin letters too, if any: the one a
    message about mixed scripts names."""
    scripts = [(c, fold(ord(c))[1]) for c in text]
    if not any(script == LATIN for _, script in scripts):
        return None
    return next(c for c, script in scripts if script in (GREEK, CYRILLIC))


@dataclass(frozen=True)
class Refusal:
    """Why the registry refuses a new brand: its custom error, the text and the offset it names."""
    error: str
    what: str  # "name" or "symbol"
    text: str
    offset: int = 0
    taken: str = ""  # for a look-alike: the brand text it looks like

    @property
    def args(self) -> tuple:
        return (self.text, self.offset) if self.error.endswith("NotAllowed") else (self.text,)


def refusal(name: str, symbol: str, brands: list[tuple[str, str]]) -> Refusal | None:
    """What ConsortiumRegistry._checkNewBrand refuses of (name, symbol) as given, in its order:
    for the name, then the symbol, the form, a skeleton taken by one of `brands`, mixed scripts."""
    for what, text, column in (("name", name, 0), ("symbol", symbol, 1)):
        error = "RegistryBrandName" if what == "name" else "RegistryBrandSymbol"
        found = verdict(text)
        if found.fault == Fault.SPACING:
            return Refusal("RegistryNameNotNormalised" if what == "name" else "RegistrySymbolNotNormalised", what, text)
        if found.fault == Fault.CHARACTER:
            return Refusal(error + "NotAllowed", what, text, found.offset)
        for brand in brands:
            if verdict(brand[column]).skeleton == found.skeleton:
                return Refusal(error + "Taken", what, text, taken=brand[column])
        if found.fault == Fault.MIXED_SCRIPTS:
            return Refusal(error + "NotAllowed", what, text, found.offset)
    return None


def check_new_brand(name: str, symbol: str, brands: list[tuple[str, str]]) -> tuple[str, str]:
    """The normalised (name, symbol), or InputError where the registry would refuse them (`refusal`).

    `brands` holds the (name, symbol) of every brand the registry lists, and of the other new ones.
    """
    name, symbol = normalise(name), normalise(symbol, "symbol")
    refused = refusal(name, symbol, brands)
    if refused is None:
        return name, symbol
    what, text = refused.what, refused.text
    if refused.error.endswith("Taken"):
        raise InputError(f"the brand {what} {text!r} looks like {refused.taken!r}, which is taken",
                         "choose a name that differs in more than case, accents or look-alike letters"
                         if what == "name" else "choose another symbol")
    if refused.error.endswith("NotNormalised"):
        raise InputError(f"the brand {what} {text!r} has an outer or double space", f"write the {what} with single spaces")
    char = _character_at(text, refused.offset)
    if verdict(text).fault == Fault.CHARACTER:
        raise InputError(f"the brand {what} {text!r} holds {char!r} ({unicodedata.name(char, 'unnamed').title()}), "
                         f"which a brand {what} may not",
                         "use Latin, Greek or Cyrillic letters, CJK ideographs, digits, spaces and & ' - . , only")
    letter = _foreign_letter(text)
    raise InputError(f"the brand {what} {text!r} mixes Greek and Cyrillic letters" if letter is None else
                     f"the brand {what} {text!r} mixes Latin letters with {letter!r} "
                     f"({unicodedata.name(letter).title()}), which passes for a Latin one",
                     f"write the {what} in one script")
