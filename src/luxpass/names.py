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
_IGNORED = {"Zs", "Pd", "Pc", "Po", "Cf"}  # spaces, dashes, connectors, dots, invisible format characters


def normalise(text: str, what: str = "name") -> str:
    """NFKC, trimmed, runs of white space as one space; control characters refused."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    if not folded:
        raise InputError(f"the brand {what} is empty", f"give a brand {what}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn") for c in folded):
        raise InputError(f"the brand {what} {text!r} contains an invisible or control character",
                         f"type the {what} again without it")
    return folded


def skeleton(text: str) -> str:
    """What the text looks like: case, accents, look-alike letters, spaces and punctuation folded."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in bare.translate(_CONFUSABLES) if unicodedata.category(c) not in _IGNORED)


def check_new_brand(name: str, symbol: str, brands: list[tuple[str, str]]) -> tuple[str, str]:
    """The normalised (name, symbol), or InputError if either looks like an existing brand's.

    `brands` holds the (name, symbol) of every brand the registry lists, and of the other new ones.
    """
    name, symbol = normalise(name), normalise(symbol, "symbol")
    for taken_name, taken_symbol in brands:
        if skeleton(name) == skeleton(taken_name):
            raise InputError(f"the brand name {name!r} looks like {taken_name!r}, which is taken",
                             "choose a name that differs in more than case, accents or look-alike letters")
        if skeleton(symbol) == skeleton(taken_symbol):
            raise InputError(f"the brand symbol {symbol!r} looks like {taken_symbol!r}, which is taken",
                             "choose another symbol")
    return name, symbol
