"""The page reached through the resolver, in real headless Chromium: a GS1 resolver client that
asks a product's Digital Link for its product page (`linkType=gs1:pip`) is redirected to the
verification page, which a phone shows as for the scanned code itself."""
from urllib.parse import urlencode

from test_browser import browser, make_bag, open_page, server  # noqa: F401 (fixtures)

from luxpass.proofs.link import link_for


def test_the_product_page_through_the_resolver(browser, server, as_account, signer):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-2026-00077-RSLV")
    link = link_for(cert, server)
    page = open_page(browser, f"{link.uri}&{urlencode({'linkType': 'gs1:pip'})}", "through-the-resolver")
    assert page["verdict"] == "authentic" and page["serial"] == "AUR-2026-00077-RSLV"
    assert "linkType" not in browser.current_url and browser.current_url.startswith(link.uri.split("?")[0])
