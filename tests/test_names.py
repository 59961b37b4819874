"""Brand names and symbols are normalised and refused when they look like a member's."""
import pytest

from luxpass.errors import InputError
from luxpass.names import check_new_brand, normalise, refusal

MEMBERS = [("Maison Aurel", "AUR"), ("Casa Vellutti", "VEL")]


@pytest.mark.parametrize("raw", ["Maison Aurel ", "  Maison   Aurel", "Maison\u00a0Aurel", "Ｍａｉｓｏｎ Aurel"])
def test_names_are_trimmed_single_spaced_and_nfkc(raw):
    assert normalise(raw) == "Maison Aurel"


@pytest.mark.parametrize("raw", ["Maison\u200bAurel", "Maison\x07Aurel", "   "])
def test_invisible_control_and_empty_names_are_refused(raw):
    with pytest.raises(InputError):
        normalise(raw)


@pytest.mark.parametrize("name", ["maison aurel ", "MAISON AUREL", "Maisоn Aurel", "Maison Aurél", "Maison-Aurel",
                                  "Maison Aure1"])
def test_look_alikes_of_a_member_name_are_refused(name):
    with pytest.raises(InputError, match="looks like 'Maison Aurel'"):
        check_new_brand(name, "NEU", MEMBERS)


@pytest.mark.parametrize("name", ["Casa VeIlutti",  # Latin capital I for l
                                  "Casa Vel\u0399utti"])  # Greek capital Iota for l
def test_capitals_that_look_like_a_member_name_are_refused(name):
    with pytest.raises(InputError, match="looks like 'Casa Vellutti'"):
        check_new_brand(name, "NEU", MEMBERS)


@pytest.mark.parametrize("name", ["\u039caison Aurel", "\u039cAISON AUREL", "Casa VeIlutti", "CASA VELLUTTI"])
def test_greek_capitals_and_a_capital_i_for_l_are_look_alikes(name):
    with pytest.raises(InputError, match="looks like"):
        check_new_brand(name, "NEU", MEMBERS)


@pytest.mark.parametrize("name, letter", [("\u039caison Lune", "Greek Capital Letter Mu"),
                                          ("Maison Au\u0433el", "Cyrillic Small Letter Ghe"),
                                          ("\u0397orlogerie Neuve", "Greek Capital Letter Eta")])
def test_latin_names_with_look_alike_letters_of_another_script_are_refused(name, letter):
    with pytest.raises(InputError, match=f"mixes Latin letters with .*{letter}.*write the name in one script"):
        check_new_brand(name, "NEU", MEMBERS)


@pytest.mark.parametrize("name, letter", [("Maison Aure\u04cf", "Cyrillic Small Letter Palochka"),
                                          ("Casa Ve\u13deutti", "Cherokee Letter Tle"),
                                          ("Maison\u2800Aurel", "Braille Pattern Blank"),  # blank, yet no space to NFKC
                                          ("Maison \u0410\u0301urel", "Combining Acute Accent")])
def test_characters_outside_the_registry_set_are_refused(name, letter):
    with pytest.raises(InputError, match=f"holds .*{letter}.*which a brand name may not"):
        check_new_brand(name, "NEU", MEMBERS)


@pytest.mark.parametrize("raw, error, offset", [("Maison\u00a0Aurel", "RegistryBrandNameNotAllowed", 6),
                                                ("Maison\u200bAurel", "RegistryBrandNameNotAllowed", 6),
                                                ("M\u0430ison Aurel", "RegistryBrandNameTaken", 0),
                                                ("MAISON aurel", "RegistryBrandNameTaken", 0),
                                                ("Maison  Neuve", "RegistryNameNotNormalised", 0)])
def test_refusal_names_the_registry_error_for_the_text_as_sent(raw, error, offset):
    refused = refusal(raw, "NEU", MEMBERS)
    assert (refused.error, refused.offset) == (error, offset)


@pytest.mark.parametrize("name", ["\u039c\u03b1\u03b9\u03c3\u03bf\u03bd",  # all Greek
                                  "Nestl\u00e9 Luxe", "Shiseido \u8cc7\u751f\u5802"])
def test_names_in_one_script_or_with_a_script_unlike_latin_pass(name):
    assert check_new_brand(name, "NEU", MEMBERS)[0] == name


@pytest.mark.parametrize("symbol", ["aur", "АUR", " VEL "])
def test_symbols_are_unique_too(symbol):
    with pytest.raises(InputError, match="symbol"):
        check_new_brand("Atelier Neuf", symbol, MEMBERS)


def test_a_distinct_brand_passes_normalised():
    assert check_new_brand(" Atelier  Neuf ", "NEU", MEMBERS) == ("Atelier Neuf", "NEU")


def test_a_look_alike_admission_is_refused_before_it_reaches_the_chain(consortium, signer):
    from luxpass.local.deployments import open_consortium

    council = open_consortium(signer(1))
    before = council.chain.call(council.registry.functions.proposalCount())
    with pytest.raises(InputError, match="looks like 'Casa Vellutti'"):
        council.propose_admission("Cаsa  Vellutti", "NEU", signer(8).address)  # Cyrillic а, two spaces
    with pytest.raises(InputError, match="symbol"):
        council.propose_admission("Atelier Neuf", "hbr", signer(8).address)
    assert council.chain.call(council.registry.functions.proposalCount()) == before
    proposal = council.propose_admission("  Atelier   Neuf ", "NEU", signer(8).address)
    assert proposal.name == "Atelier Neuf"
