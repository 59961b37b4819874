"""Extract the pages' strings into the gettext templates and bring every language's catalogue up
to date (src/luxpass/web/locale/LANG/LC_MESSAGES/{messages,js}.po). Run it after changing a string
in the templates, the page server or the owner script, then translate what it reports as new:
tests/test_i18n.py fails on any string left untranslated.

    python tools/i18n.py            # update the catalogues; prints the untranslated count of each
    python tools/i18n.py --check    # change nothing; exit 1 if a catalogue is out of date
"""
import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "luxpass" / "web"
sys.path.insert(0, str(ROOT / "src"))

from luxpass.web.i18n import DEFAULT, LANGUAGES, LOCALES  # noqa: E402

STABLE = datetime(2026, 1, 1, tzinfo=timezone.utc)  # dates in the headers: a run that changes no string changes no file
# domain -> (folder, Babel's method map, keywords)
SOURCES = {
    "messages": (WEB, [("**.py", "python"), ("templates/**.html", "jinja2")],
                 {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}),
    "js": (ROOT / "js" / "owner", [("**.js", "javascript")], {"t": None}),
}


def template(domain: str) -> Catalog:
    folder, methods, keywords = SOURCES[domain]
    catalog = Catalog(domain=domain, project="luxpass", version="0.1", charset="utf-8", creation_date=STABLE,
                      fuzzy=False)
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            folder, methods, keywords=keywords, options_map=options, comment_tags=("i18n:",)):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def rendered(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True,
             include_lineno=False)
    return out.getvalue()


def updated(domain: str, lang: str, pot: Catalog) -> Catalog:
    path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
    if path.exists():
        with open(path, "rb") as po:
            catalog = read_po(po, locale=lang, domain=domain)
    else:
        catalog = Catalog(locale=lang, domain=domain, project="luxpass", version="0.1", charset="utf-8")
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.fuzzy = False  # a fuzzy header is left out when compiled, and its plural rule with it
    catalog.revision_date = STABLE
    return catalog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when out of date")
    check = parser.parse_args().check
    stale = []
    for domain in SOURCES:
        pot = template(domain)
        for lang in LANGUAGES:
            if lang == DEFAULT:
                continue
            catalog = updated(domain, lang, pot)
            path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
            text = rendered(catalog)
            missing = sum(1 for m in catalog if m.id and not m.string)
            if not path.exists() or path.read_bytes() != text:
                stale.append(path)
                if not check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(text)
            print(f"{path.relative_to(ROOT)}: {len(pot)} strings, {missing} untranslated")
    if check and stale:
        print(f"error: {len(stale)} catalogues are out of date; run `python tools/i18n.py`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
