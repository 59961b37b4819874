"""The verification page in real headless Chromium (Debian's, through chromedriver), served by
`luxpass serve` against the test chain: what a consumer's phone shows for a genuine, a stolen
and a forged product, and the chip check through the page's own script. Screenshots of each
page are kept in out/screenshots/."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from eth_account import Account
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from luxpass.onchain.chip import bind_chip
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.link import link_for
from luxpass.spec import EventKind, Status
from luxpass.values import new_salt

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=412,1400"]  # a phone's width; tall enough for the whole page
GTIN = "3760123450003"
ALICE = 7
CHIP_KEY = "0x" + "c1" * 32


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(rpc_url, consortium, tmp_path_factory):
    """`luxpass serve` on a free port, as a separate process, against the test chain."""
    yield from serving(rpc_url, tmp_path_factory.mktemp("serve") / "serve.log")


def serving(rpc_url: str, log: Path, *options):
    """Start `luxpass serve OPTIONS`, yield its base URL once it answers, stop it afterwards."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "luxpass", "serve", "--port", str(port),
                                    "--rpc-url", rpc_url, *map(str, options)], stdout=out, stderr=subprocess.STDOUT,
                                   env=os.environ)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(base + "/", timeout=2).status_code == 200:
                break
        except requests.exceptions.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"luxpass serve did not start: {log.read_text()}")
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory, request):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\nbrowser screenshots: {SCREENSHOTS}/")


def open_page(browser, uri: str, name: str) -> dict:
    """Open the page, keep its screenshot, and return what a person reads on it."""
    browser.get(uri)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "verdict"))
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    text = lambda element_id: " ".join(e.text for e in browser.find_elements(By.ID, element_id))  # noqa: E731
    return {
        "verdict": browser.find_element(By.ID, "verdict").get_attribute("data-verdict"),
        "headline": browser.find_element(By.CSS_SELECTOR, "#verdict h1").text,
        "reason": text("reason"), "brand": text("brand"), "serial": text("serial"), "owners": text("owners"),
        "stages": [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#story .stage")],
        "chip": bool(browser.find_elements(By.ID, "chip")),
        "page": browser.find_element(By.TAG_NAME, "body").text,
    }


def make_bag(as_account, signer, serial: str, chip: str | None = None) -> Certificate:
    minted = as_account(5).mint({"serial": serial, "gtin": GTIN, "model": "Pochette Nuit", "material": "python"})
    cert = Certificate.from_dict(minted.certificate)
    as_account(5).record_event(cert.passport_id, EventKind.MANUFACTURED, "Ubrique")
    if chip is not None:  # in the factory: after the first sale only the owner's consent rebinds it
        bind_chip(as_account(5), cert.passport_id, chip)
    as_account(6).first_sale(cert.passport_id, signer(ALICE).address)
    return cert


def test_genuine_product(browser, server, as_account, signer):
    cert = make_bag(as_account, signer, "AUR-2026-00001-8DAD")
    page = open_page(browser, link_for(cert, server).uri, "genuine")
    assert page["verdict"] == "authentic" and page["headline"] == "Authentic"
    assert page["brand"] == "Maison Aurel" and page["serial"] == "AUR-2026-00001-8DAD"
    assert page["owners"] == "1 owner since it was sold new"
    assert page["stages"] == ["Passport issued by Maison Aurel", "Made", "Sold new"]
    assert not page["chip"] and "Pochette Nuit" not in page["page"]


def test_stolen_product(browser, server, as_account, signer):
    cert = make_bag(as_account, signer, "AUR-2026-00002-A030")
    as_account(ALICE).report(cert.passport_id, Status.STOLEN)
    page = open_page(browser, link_for(cert, server).uri, "stolen")
    assert page["verdict"] == "stolen" and page["headline"] == "Reported stolen"
    assert "Do not buy it" in page["page"] and page["reason"] == "Why: the passport is reported stolen"
    assert page["stages"][-1] == "Reported stolen"


def test_forged_code_on_a_fake(browser, server, as_account, signer):
    """A genuine bag's code, copied onto a fake with its own serial."""
    cert = make_bag(as_account, signer, "AUR-2026-00003-77B1")
    forged = link_for(cert, server).uri.replace("/21/AUR-2026-00003-77B1", "/21/AUR-2026-00666-FAKE")
    page = open_page(browser, forged, "forged")
    assert page["verdict"] == "no-match" and page["headline"] == "Matches no passport"
    assert "no passport of Maison Aurel has this serial with this code" in page["reason"]
    assert "do not buy on its strength" in page["page"]
    assert page["brand"] == "" and page["stages"] == [] and page["serial"] == "AUR-2026-00666-FAKE"


def test_code_of_a_look_alike_collection(browser, server, consortium):
    outsider = Certificate(31337, consortium.registry.address, {"serial": "AUR-1", "gtin": GTIN}, new_salt())
    page = open_page(browser, link_for(outsider, server).uri, "look-alike")
    assert page["verdict"] == "not-authentic"
    assert "not one the consortium registry created" in page["reason"]


def test_chip_check_on_the_page(browser, server, as_account, signer):
    """The page's own script asks for a challenge, hands it to the chip reader, and shows the
    answer; the test plays the chip reader and signs with the chip's key."""
    cert = make_bag(as_account, signer, "AUR-2026-00004-C41P", chip=Account.from_key(CHIP_KEY).address)
    reader = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        window.luxpassChipSigner = (typedData) => new Promise((resolve) => {
            window.chipRequest = JSON.stringify(typedData); window.chipAnswer = resolve; });"""})
    try:
        page = open_page(browser, link_for(cert, server).uri, "chip-before")
        assert page["chip"] and "the chip check below proves the item itself" in page["page"]
        browser.find_element(By.ID, "chip-check").click()
        typed = WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.chipRequest"))
        signature = Account.sign_typed_data(CHIP_KEY, full_message=json.loads(typed)).signature.hex()
        browser.execute_script("window.chipAnswer(arguments[0])", "0x" + signature)
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.ID, "chip").get_attribute("data-chip") is not None)
        browser.save_screenshot(str(SCREENSHOTS / "chip-verified.png"))
        assert browser.find_element(By.ID, "chip").get_attribute("data-chip") == "verified"
        assert browser.find_element(By.ID, "chip-result").text.startswith("Chip verified")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": reader["identifier"]})


def test_chip_section_tells_how_without_a_reader(browser, server, as_account, signer):
    cert = make_bag(as_account, signer, "AUR-2026-00005-N0RD", chip=Account.from_key(CHIP_KEY).address)
    open_page(browser, link_for(cert, server).uri, "chip-no-reader")
    assert not browser.find_element(By.ID, "chip-check").is_displayed()
    assert "Open this page with a chip reader" in browser.find_element(By.ID, "chip-help").text
