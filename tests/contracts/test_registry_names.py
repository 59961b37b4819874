"""The registry's rule for brand names (contracts/libraries/BrandNames.sol) and the library's
(luxpass.names) are one rule: the same tables, the same verdict on every allowed character and
around it, and the same refusal, by the registry's own error, of every case tests/test_names.py
and issue 24 name, sent as they are (no normalising on the way)."""
import re
from pathlib import Path

import brownie
import pytest
from eth_utils import keccak

from contract_helpers import error
from luxpass import names

FOUNDERS = [("Maison Aurel", "AUR"), ("Casa Vellutti", "VEL"), ("Horlogerie Brandt", "HBR")]
LIBRARY = Path(__file__).resolve().parents[2] / "contracts" / "libraries" / "BrandNames.sol"

# (name, symbol) sent to proposeAdmission as they are: tests/test_names.py's names and symbols,
# the look-alikes, and their neighbours.
CASES = [
    ("Maison Aurel ", "NEU"), ("  Maison   Aurel", "NEU"), ("Maison\u00a0Aurel", "NEU"), ("Ｍａｉｓｏｎ Aurel", "NEU"),
    ("Maison\u200bAurel", "NEU"), ("Maison\x07Aurel", "NEU"), ("   ", "NEU"),
    ("maison aurel ", "NEU"), ("MAISON AUREL", "NEU"), ("Mais\u043en Aurel", "NEU"), ("Maison Aur\u00e9l", "NEU"),
    ("Maison-Aurel", "NEU"), ("Maison Aure1", "NEU"), ("Casa VeIlutti", "NEU"), ("Casa Vel\u0399utti", "NEU"),
    ("\u039caison Aurel", "NEU"), ("\u039cAISON AUREL", "NEU"), ("CASA VELLUTTI", "NEU"),
    ("\u039caison Lune", "NEU"), ("Maison Au\u0433el", "NEU"), ("Maison Aure\u04cf", "NEU"),
    ("Casa Ve\u13deutti", "NEU"), ("\u0397orlogerie Neuve", "NEU"), ("Maison\u2800Aurel", "NEU"),
    ("Maison \u0410\u0301urel", "NEU"),
    ("\u039c\u03b1\u03b9\u03c3\u03bf\u03bd", "NEU"), ("Nestl\u00e9 Luxe", "NEU"), ("Shiseido \u8cc7\u751f\u5802", "NEU"),
    ("Atelier Neuf", "aur"), ("Atelier Neuf", "\u0410UR"), ("Atelier Neuf", " VEL "), ("Atelier Neuf", "NEU"),
    ("Atelier  Neuf", "NEU"), ("Atelier Neuf", "NE\nU"), ("Atelier Neuf", "HBR"), ("Atelier Neuf", "h8r"),
    # issue 24: Cyrillic А, a no-break space and a zero-width space, case variants
    ("M\u0430ison Aurel", "\u0410UR"), ("Maison\u00a0Aurel\u200b", "NEU"), ("Maison Aurel\u200b", "NEU"),
    ("maison aurel", "aur"), ("MAISON AUREL", "AUR"), ("Maison Aurel", "NEU"), ("Casa Vellutti", "NEW"),
    ("\u041c\u0410\u0406\u0405\u041e\u041d \u0410\u0423\u0420\u0415\u0408", "NEU"),  # all Cyrillic capitals
    ("Horlogerie Brandt\u00ad", "NEU"), ("Horlogerie Brandt.", "NEU"), ("Horl0gerie Brandt", "NEU"),
    ("Stra\u00dfe & Co", "NEU"), ("Strasse & Co", "NEU"), ("\u0152uvre", "OEU"), ("...", "NEU"), ("\u4e00", "NEU"),
]


@pytest.fixture(scope="module")
def harness(BrandNamesHarness, deployer):
    return BrandNamesHarness.deploy({"from": deployer})


def test_the_library_holds_the_tables_luxpass_names_writes():
    source = LIBRARY.read_text()
    for constant, (first, last, _) in (("_LATIN", names.LATIN_RANGE), ("_GREEK", names.GREEK_RANGE),
                                      ("_CYRILLIC", names.CYRILLIC_RANGE)):
        held = re.search(rf'bytes private constant {constant} = hex"([0-9a-f]*)";', source).group(1)
        assert held == names.table(first, last).hex(), f"{constant}: run tools/brand_names_tables.py"


def _texts():
    """Every code point up to U+04FF and the edges of the CJK block, alone and inside a Latin
    word; bytes that are no UTF-8 (overlong, surrogate, four-byte, cut short, stray)."""
    points = [*range(0x01, 0x500), 0x4DFF, 0x4E00, 0x4E01, 0x8CC7, 0x9FFF, 0xA000, 0x200B, 0x2800, 0x3000,
              0xFEFF, 0xFF21, 0x1F600]
    texts = [chr(p).encode() for p in points] + [f"Ma{chr(p)}son".encode() for p in points]
    return texts + [b"\xc0\xaf", b"\xc1\x81", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf0\x9f\x98\x80", b"Ma\xc3",
                    b"\x80", b"a\xe4\xb8", b"\xc3\xa9\xcc", b"a b", b" ab", b"ab ", b"a  b"]


def test_the_contract_and_the_library_give_every_text_the_same_verdict(harness):
    texts = _texts()
    for start in range(0, len(texts), 400):
        chunk = texts[start:start + 400]
        keys, faults, offsets = harness.skeletons(chunk)
        for text, key, fault, offset in zip(chunk, keys, faults, offsets):
            found = names.verdict(text)
            expected_key = "0x" + (keccak(found.skeleton).hex() if found.skeleton else "00" * 32)
            assert (str(key), fault, offset) == (expected_key, found.fault, found.offset), text


@pytest.mark.parametrize("name, symbol", CASES)
def test_the_registry_refuses_what_the_library_refuses(registry, councils, newcomer, name, symbol):
    refused = names.refusal(name, symbol, FOUNDERS)
    if refused is None:
        assert registry.proposeAdmission.call(name, symbol, newcomer, {"from": councils[0]}) > 0
        return
    with brownie.reverts(error(refused.error, *refused.args)):
        registry.proposeAdmission.call(name, symbol, newcomer, {"from": councils[0]})
