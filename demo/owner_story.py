"""The owner's part of `make demo`: a customer with only a phone wallet, and no ether, takes her
bag's passport at the boutique by its claim link, reports the bag stolen and then found, signs in
to the owners' club and reads the brand's notice, and signs a resale consent that the reseller
submits. Each step runs in the real pages, in headless Chromium at a phone's size, with a browser
wallet that holds her key (tools/dev-wallet.js); the brand's side runs the real `luxpass`
commands. The screenshots go to the folder it names."""
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eth_account import Account

ROOT = Path(__file__).resolve().parents[1]
SERVE_PORT = 8647
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class Phone:
    """Headless Chromium at 390x844 with a wallet holding one key, as a phone with a wallet app."""

    def __init__(self, key: str, rpc_url: str, screenshots: Path, chain_id: int):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        wallet = screenshots.parent / "dev-wallet.js"
        subprocess.run(["node", str(ROOT / "tools" / "build_js.mjs"), str(ROOT / "tools" / "dev-wallet.js"),
                        str(wallet)], check=True, capture_output=True)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                     "--disable-background-networking", "--disable-component-update", "--window-size=390,844"):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={screenshots.parent / 'chromium-profile'}")
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        settings = {"keys": [key], "rpcUrl": rpc_url, "chainId": chain_id, "knownChains": [chain_id], "signChains": [chain_id]}
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
            "source": f"window.luxpassTestWallet = {json.dumps(settings)};\n{wallet.read_text()}"})
        self.screenshots = screenshots
        self.shots = 0

    def open(self, url: str) -> None:
        self.driver.get(url)

    def click(self, element_id: str) -> None:
        from selenium.webdriver.common.by import By

        self.wait(lambda d: d.find_element(By.ID, element_id).is_displayed())
        self.driver.find_element(By.ID, element_id).click()

    def type(self, element_id: str, text: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.ID, element_id).send_keys(text)

    def connect(self) -> str:
        from selenium.webdriver.common.by import By

        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#wallets button"))
        self.driver.find_element(By.CSS_SELECTOR, "#wallets button").click()
        return self.line("owner-status")

    def line(self, element_id: str) -> str:
        """The status line `element_id` once it tells how a step ended (it fails the demo if badly)."""
        from selenium.webdriver.common.by import By

        self.wait(lambda d: d.find_element(By.ID, element_id).get_attribute("data-kind") in ("ok", "bad"))
        element = self.driver.find_element(By.ID, element_id)
        text = element.text
        if element.get_attribute("data-kind") != "ok":
            self.shot("failed")
            raise SystemExit(f"demo step failed: the page says {text!r}")
        self.driver.execute_script("arguments[0].dataset.kind = 'info'", element)
        return text

    def attribute(self, element_id: str, name: str) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.ID, element_id).get_attribute(name)

    def shot(self, name: str) -> Path:
        self.shots += 1
        path = self.screenshots / f"{self.shots:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def wait(self, condition, timeout: float = 60):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(condition)

    def close(self) -> None:
        self.driver.quit()


def owner_story(home: Path, rpc_url: str, run: Callable[..., str], say: Callable[[str], None],
                addr: Callable[[int], str], env: dict, *, factory: int, reseller: int, buyer: int, relayer: int,
                admin: int, chain_id: int = 31337, relayer_args: list[str] | None = None,
                admit: Callable[[str], None] | None = None) -> None:
    """The story; `run(*args, who=N)` runs `luxpass ARGS` as actor N, `addr(N)` is N's address.
    `relayer_args` are `serve`'s options for the relayer's key (default: development account
    `relayer`); on a chain whose allow lists admit only named accounts, `admit(address)` admits Emma
    (with no ether: the relayer pays)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        raise SystemExit("error: the owner's story runs in Chromium, which is not installed; run `make browser`")
    screenshots = home / "owner-screenshots"
    screenshots.mkdir(parents=True)
    server_url = f"http://127.0.0.1:{SERVE_PORT}"
    data = home / "aurel-server"
    server_log = home / "aurel-server.log"
    customer = Account.create()
    say("The owner's side. Emma buys a bag at Maison Aurel's boutique. She has a wallet app on her phone, "
        f"with a new address ({customer.address}) and no ether at all. Maison Aurel runs its server with "
        "a relayer that pays for what owners sign, and the boutique's sales go through it.")
    if admit is not None:
        say("The consortium's L1 serves only accounts it admitted: the houses' council Safe admits Emma's address, "
            "with no coins, as the boutique's sign-up would (Maison Aurel drafts it, three houses sign).")
        admit(customer.address)
    run("role", "grant", "retailer", addr(relayer), "--brand", "Maison Aurel", who=admin, quiet=True)
    club = home / "aurel-club.json"
    club.write_text(json.dumps({"service": {"title": "Book a service", "body": "Cleaning and repairs in any boutique, "
                                            "free for the first two years."},
                                "invitation": {"title": "Atelier open day", "body": "See your bag's workshop in "
                                               "Scandicci on 14 June."}}))
    server = subprocess.Popen(
        [sys.executable, "-m", "luxpass", "serve", "--port", str(SERVE_PORT), "--rpc-url", rpc_url,
         *(relayer_args or ["--relayer-dev-account", str(relayer)]), "--data-dir", str(data), "--serve-brand", "Maison Aurel",
         "--club-content", str(club)], env=env, stdout=subprocess.DEVNULL, stderr=server_log.open("x"))
    phone = None
    try:
        _wait_for(server_url, server)
        bag = home / "emma-bag.json"
        run("mint", "--brand", "Maison Aurel", "--serial", "AUR-2026-E0001", "--field", "gtin=03760123450003",
            "--field", "model=Pochette Nuit", "--certificate", str(bag), who=factory, quiet=True)
        passport_id = json.loads(bag.read_text())["passportId"]
        say("At the till, the boutique makes a claim link for the bag: one use, two hours, for this passport "
            "only. It shows Emma its QR code.")
        link = json.loads(run("claim-link", "create", str(bag), "--resolver", server_url, "--data-dir", str(data),
                              "--out", str(home / "emma-claim"), "--json"))["url"]
        phone = Phone("0x" + customer.key.hex().removeprefix("0x"), rpc_url, screenshots, chain_id)
        say("Emma scans it with her phone and connects her wallet; she signs that the passport comes to her "
            "address. The boutique's relayer makes the sale; it never sees her key, and she pays nothing.")
        phone.open(link)
        phone.connect()
        phone.shot("claim-link")
        phone.click("claim-take")
        print(f"  page: {phone.line('owner-result')}")
        phone.shot("claim-done")
        run("history", str(bag))

        product_page = run("certificate", "qr", str(bag), "--resolver", server_url,
                           "--out", str(home / "emma-bag.qr")).strip()
        say("Her bag is stolen. She opens its page (its QR code), connects, and reports it: her wallet shows "
            "the request, the relayer sends it. From then on its page warns every buyer.")
        phone.open(product_page)
        phone.connect()
        phone.click("report-stolen")
        print(f"  page: {phone.line('owner-result')}")
        phone.shot("reported-stolen")
        run("verify", str(bag), expect=3)
        say("The police find it. She reports it found, the same way.")
        phone.click("report-found")
        print(f"  page: {phone.line('owner-result')}")
        phone.shot("reported-found")
        run("verify", str(bag))

        say("Maison Aurel posts a notice to the holder of this bag; it stays on its own server, never on chain. "
            "Emma signs in to the owners' club with her wallet (Sign-In with Ethereum) and reads it.")
        run("notice", "post", "--brand", "Maison Aurel", "--id", passport_id, "--kind", "service", "--title",
            "Your first free service", "--body", "Bring your Pochette Nuit to any boutique before 30 June.",
            "--data-dir", str(data))
        phone.open(server_url + "/club")
        phone.connect()
        phone.click("club-sign-in")
        print(f"  page: {phone.line('owner-result')}")
        phone.wait(lambda d: phone.attribute("club", "data-state") == "member")
        phone.shot("club-notice")

        say("Emma sells the bag through Maison Seconde, the accredited reseller. On the bag's page she names "
            "the reseller, writes the terms and signs the consent in her wallet: nothing is sent. She hands "
            "the file to the reseller, who checks it and records the sale to Bob.")
        phone.open(product_page)
        phone.connect()
        phone.type("consent-reseller", addr(reseller))
        phone.type("consent-terms", "EUR 2,400, paid by escrow 5120")
        phone.click("consent-sign")
        print(f"  page: {phone.line('owner-result')}")
        phone.shot("consent-signed")
        consent = home / "consent-emma.json"
        consent.write_text(phone.attribute("consent-file", "data-consent"))
        run("consent", "check", str(consent))
        run("transfer", "--consent", str(consent), "--to", addr(buyer), who=reseller)
        run("history", str(bag))
        print(f"  Emma's balance: {_balance(rpc_url, customer.address)} wei, as at the start: she never needed ether")
        say(f"The owner's screenshots are in {screenshots.relative_to(ROOT) if screenshots.is_relative_to(ROOT) else screenshots}/.")
    except BaseException:
        print(f"luxpass serve's log ({server_log}) ends:", *server_log.read_text().splitlines()[-30:],
              sep="\n  ", file=sys.stderr)
        raise
    finally:
        if phone is not None:
            phone.close()
        server.terminate()
        server.wait(timeout=10)


def _balance(rpc_url: str, address: str) -> int:
    from web3 import Web3

    return Web3(Web3.HTTPProvider(rpc_url)).eth.get_balance(address)


def _wait_for(url: str, server: subprocess.Popen, wait: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("demo step failed: luxpass serve stopped")
        try:
            with urllib.request.urlopen(url + "/api/config", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"demo step failed: luxpass serve did not answer at {url} within {wait:.0f} s")
