"""The consumer and owner pages in English, French, Italian, Simplified Chinese and Japanese: every
string of the templates, the page server and the owner script is translated in every catalogue,
the catalogues are those of today's strings, and a page in another language shows no English
string left over. The language follows Accept-Language, and the visitor can switch it."""
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from luxpass.proofs.link import link_for
from luxpass.spec import Status
from luxpass.web import i18n
from luxpass.web.app import create_app

from test_web import mint, path_of

ROOT = Path(__file__).resolve().parents[1]
OTHERS = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def messages(lang: str, domain: str):
    with open(i18n.LOCALES / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as po:
        return [m for m in read_po(po, locale=lang, domain=domain) if m.id]


def test_the_catalogues_hold_every_string_of_today():
    """A string added or changed in a template, the server or the script without `python tools/i18n.py`."""
    result = subprocess.run([sys.executable, ROOT / "tools" / "i18n.py", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("domain", i18n.DOMAINS)
@pytest.mark.parametrize("lang", OTHERS)
def test_every_string_is_translated_with_its_placeholders(lang, domain):
    catalogue = messages(lang, domain)
    assert catalogue, f"{lang}/{domain}.po is empty"
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{lang}/{domain}.po leaves {ids[0]!r} untranslated"
        expected = sorted(set(PLACEHOLDER.findall(ids[0])))
        for string in strings:
            assert sorted(set(PLACEHOLDER.findall(string))) == expected, \
                f"{lang}/{domain}.po: {string!r} does not keep the placeholders of {ids[0]!r}"
        assert not message.fuzzy, f"{lang}/{domain}.po: {ids[0]!r} is marked fuzzy"


class _Text(HTMLParser):
    """The text a person reads on a page (not its scripts or styles)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def english_left_in(html: str, lang: str) -> list[str]:
    """The English msgids (those translated differently) whose words show on a page in `lang`."""
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    left = []
    for message in messages(lang, "messages"):
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = message.string[0] if isinstance(message.string, tuple) else message.string
        if english == translated:
            continue  # GTIN, and the words that are the same in both languages
        fragments = [f.strip(" .,:;") for f in PLACEHOLDER.split(english)]
        fragments = [f for f in fragments if len(f.split()) >= 2] or ([english] if not PLACEHOLDER.search(english) else [])
        for fragment in fragments:
            if (fragment in parser.parts) if len(fragment.split()) < 3 else (fragment in text):
                left.append(fragment)
    return left


@pytest.fixture
def client(rpc_url, consortium):
    with TestClient(create_app(rpc_url), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def pages(client, as_account, signer):
    """A genuine product's page, a stolen one's, a forged code's, the home page and a missing page."""
    genuine = mint(as_account, "AUR-I18N-1")
    as_account(6).first_sale(genuine.passport_id, signer(7).address)
    stolen = mint(as_account, "AUR-I18N-2")
    as_account(6).first_sale(stolen.passport_id, signer(7).address)
    as_account(7).report(stolen.passport_id, Status.STOLEN)
    forged = path_of(link_for(genuine, "http://testserver").uri).replace("AUR-I18N-1", "AUR-I18N-FAKE")
    return {"genuine": path_of(link_for(genuine, "http://testserver").uri),
            "stolen": path_of(link_for(stolen, "http://testserver").uri), "forged": forged, "home": "/",
            "missing": "/nowhere"}


@pytest.mark.parametrize("lang", OTHERS)
def test_the_pages_show_no_english_string_in_another_language(client, pages, lang):
    for name, path in pages.items():
        html = client.get(path, headers={"Accept-Language": i18n.LANGUAGES[lang][1]}).text
        assert f'<html lang="{i18n.LANGUAGES[lang][1]}">' in html, name
        assert english_left_in(html, lang) == [], f"the {name} page in {lang}"


def test_the_english_page_is_caught_by_the_same_check(client, pages):
    """The check above can fail: the English page, read as if it were French, is full of English."""
    html = client.get(pages["stolen"], headers={"Accept-Language": "en"}).text
    assert len(english_left_in(html, "fr")) > 10


@pytest.mark.parametrize("lang", OTHERS)
def test_the_owner_script_gets_every_string_in_the_page_language(client, pages, lang):
    html = client.get(pages["genuine"] + f"&lang={lang}").text
    config = __import__("json").loads(html.split('id="luxpass-owner-config">', 1)[1].split("</script>", 1)[0])
    assert config["strings"] == {m.id: m.string for m in messages(lang, "js")}
    assert len(config["strings"]) > 20


@pytest.mark.parametrize("header, lang", [
    ("fr-CH, fr;q=0.9, en;q=0.8", "fr"), ("it-IT", "it"), ("zh-CN,zh;q=0.9", "zh_Hans"), ("ja", "ja"),
    ("de-DE, ja;q=0.5", "ja"), ("de-DE", "en"), ("en-GB, fr;q=0.9", "en"), ("", "en"), ("fr;q=0, it", "it"),
])
def test_the_language_follows_accept_language(header, lang):
    assert i18n.choose(None, None, header) == lang


def test_a_language_chosen_on_the_page_is_kept(client, pages):
    page = client.get(pages["genuine"], headers={"Accept-Language": "fr"})
    assert 'lang="fr"' in page.text and "Authentique" in page.text
    switch = re.search(r'<a href="([^"]+)" hreflang="ja"', page.text).group(1).replace("&amp;", "&")
    assert "c=" in switch and "k=" in switch  # the link keeps the product's proof
    japanese = client.get(switch, headers={"Accept-Language": "fr"})
    assert 'lang="ja"' in japanese.text and "正規品" in japanese.text
    later = client.get(pages["stolen"], headers={"Accept-Language": "fr"})
    assert 'lang="ja"' in later.text and "盗難の届け出あり" in later.text
    assert 'lang="it"' in client.get(pages["home"] + "?lang=it").text
    assert 'lang="ja"' in client.get(pages["home"] + "?lang=xx").text  # an unknown language changes nothing
