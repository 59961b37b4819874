"""The pages' languages: English, French, Italian, Simplified Chinese and Japanese, from gettext
catalogues (locale/LANG/LC_MESSAGES/{messages,js}.po, compiled by Babel when first used).

`messages` holds the strings of the templates and of the page server; `js` those of the owner
script, handed to it as JSON. The language is the one the visitor chose (`?lang=`, kept in a
cookie), else the best of Accept-Language, else English. `python tools/i18n.py` extracts the
strings and updates the catalogues; tests/test_i18n.py fails on any string left untranslated.
"""
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

LOCALES = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"
DEFAULT = "en"
# language code -> (its name in itself, the HTML lang attribute)
LANGUAGES = {"en": ("English", "en"), "fr": ("Français", "fr"), "it": ("Italiano", "it"),
             "zh_Hans": ("简体中文", "zh-Hans"), "ja": ("日本語", "ja")}
DOMAINS = ("messages", "js")
COOKIE = "lang"


def N_(message: str) -> str:  # noqa: N802 (gettext's name): marks a string for extraction, translated later
    return message


@cache
def catalogue(lang: str, domain: str):
    """The compiled catalogue of `lang` (NullTranslations for English, the language of the msgids)."""
    if lang == DEFAULT:
        return NullTranslations()
    with open(LOCALES / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as po:
        compiled = BytesIO()
        write_mo(compiled, read_po(po, locale=lang, domain=domain))
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def gettext(lang: str, message: str) -> str:
    return catalogue(lang, "messages").gettext(message)


@cache
def script_strings(lang: str) -> dict[str, str]:
    """The owner script's strings in `lang`, msgid -> translation (empty for English)."""
    if lang == DEFAULT:
        return {}
    with open(LOCALES / lang / "LC_MESSAGES" / "js.po", "rb") as po:
        return {m.id: m.string for m in read_po(po, locale=lang, domain="js") if m.id and m.string}


@cache
def environment(lang: str) -> Environment:
    """The templates, with gettext's `_` bound to `lang` (one environment per language: no shared state)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(catalogue(lang, "messages"), newstyle=True)
    env.globals.update(lang=lang, html_lang=LANGUAGES[lang][1], languages=available())
    return env


@cache
def available() -> dict[str, tuple[str, str]]:
    """The languages whose catalogues the package carries (English always)."""
    return {code: names for code, names in LANGUAGES.items()
            if code == DEFAULT or all((LOCALES / code / "LC_MESSAGES" / f"{d}.po").exists() for d in DOMAINS)}


def choose(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    """The page's language: the one asked for in the address, then the cookie, then the browser's."""
    for asked in (query_lang, cookie_lang):
        if asked in available():
            return asked
    for tag in _by_quality(accept_language or ""):
        lang = _language_of(tag)
        if lang in available():
            return lang
    return DEFAULT


def _by_quality(header: str) -> list[str]:
    ranked = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def _language_of(tag: str) -> str | None:
    primary = tag.replace("_", "-").split("-")[0]
    return {"en": "en", "fr": "fr", "it": "it", "zh": "zh_Hans", "ja": "ja"}.get(primary)
