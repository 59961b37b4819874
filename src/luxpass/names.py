"""Brand names and symbols as they reach the registry: normalised, and unlike any other brand's.

The registry itself only refuses untrimmed or double-spaced text and exact duplicates (ASCII case
aside); Unicode normalisation and look-alikes are judged here, before a proposal is sent.
"""
import unicodedata

from .errors import InputError

# Letters that look like Latin ones, mapped to the Latin letter they imitate (lower case).
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "ո": "n", "ս": "u",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l",
    "0": "o", "1": "l", "|": "l", "5": "s", "$": "s", "@": "a",
})
# Capitals that look like another letter and lose that look when case is folded: Greek Η is H,
# not η (unicode.org's confusables.txt maps them so).
_CAPITAL_CONFUSABLES = str.maketrans({
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p",
    "Τ": "t", "Υ": "y", "Χ": "x",
})
# A capital I (Latin or Greek) passes for an l as well as for an I: a text has a skeleton for each.
_CAPITAL_I_AS_L = str.maketrans({"I": "l", "Ι": "l"})
_IGNORED = {"Zs", "Pd", "Pc", "Po", "Cf"}  # spaces, dashes, connectors, dots, invisible format characters
# Scripts whose letters pass for Latin ones: a Latin name with one of their letters is a spoof.
_LOOK_ALIKE_SCRIPTS = ("GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU")


def normalise(text: str, what: str = "name") -> str:
    """NFKC, trimmed, runs of white space as one space; control characters refused."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    if not folded:
        raise InputError(f"the brand {what} is empty", f"give a brand {what}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn") for c in folded):
        raise InputError(f"the brand {what} {text!r} contains an invisible or control character",
                         f"type the {what} again without it")
    return folded


def skeletons(text: str) -> set[str]:
    """What the text looks like (one skeleton, or two where a capital I may read as l)."""
    folded = unicodedata.normalize("NFKC", text)
    return {skeleton(folded), skeleton(folded.translate(_CAPITAL_I_AS_L))}


def skeleton(text: str) -> str:
    """What the text looks like: case, accents, look-alike letters, spaces and punctuation folded."""
    capitals = unicodedata.normalize("NFKC", text).translate(_CAPITAL_CONFUSABLES)
    decomposed = unicodedata.normalize("NFKD", capitals.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in bare.translate(_CONFUSABLES) if unicodedata.category(c) not in _IGNORED)


def _mixed_script_letter(text: str) -> str | None:
    """The first letter of a look-alike script in a text that also has Latin letters, if any."""
    scripts = [(c, unicodedata.name(c, "").split(" ")[0]) for c in text if unicodedata.category(c).startswith("L")]
    if not any(script == "LATIN" for _, script in scripts):
        return None
    return next((c for c, script in scripts if script in _LOOK_ALIKE_SCRIPTS), None)


def check_new_brand(name: str, symbol: str, brands: list[tuple[str, str]]) -> tuple[str, str]:
    """The normalised (name, symbol), or InputError if either looks like an existing brand's, or
    mixes Latin letters with letters of a script that pass for Latin ones (a spoof of any brand).

    `brands` holds the (name, symbol) of every brand the registry lists, and of the other new ones.
    """
    name, symbol = normalise(name), normalise(symbol, "symbol")
    for taken_name, taken_symbol in brands:
        if skeletons(name) & skeletons(taken_name):
            raise InputError(f"the brand name {name!r} looks like {taken_name!r}, which is taken",
                             "choose a name that differs in more than case, accents or look-alike letters")
        if skeletons(symbol) & skeletons(taken_symbol):
            raise InputError(f"the brand symbol {symbol!r} looks like {taken_symbol!r}, which is taken",
                             "choose another symbol")
    for what, text in (("name", name), ("symbol", symbol)):
        if (letter := _mixed_script_letter(text)) is not None:
            raise InputError(f"the brand {what} {text!r} mixes Latin letters with {letter!r} "
                             f"({unicodedata.name(letter).title()}), which passes for a Latin one",
                             f"write the {what} in one script")
    return name, symbol
