"""The owner's part of the product page in real headless Chromium at a phone's size (390×844),
served by `luxpass serve`, with a browser wallet injected through EIP-6963 (or as the EIP-1193
`window.ethereum` of older wallets): tools/dev-wallet.js, which signs with Anvil's development
keys and forwards reads to the test node. What the page did is checked on the chain afterwards.
Screenshots of each step are kept in out/screenshots/owner-*.png."""
import json
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from luxpass.chain.accounts import dev_account
from luxpass.local import signed_files
from luxpass.local.deployments import open_consortium
from luxpass.onchain.consent import check_consent, submit_resale
from luxpass.proofs.link import link_for
from luxpass.spec import Accreditation
from luxpass.values import ZERO_ADDRESS

from test_browser import CHROMEDRIVER, CHROMIUM, SCREENSHOTS, make_bag, server, serving  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[1]
ALICE, BOB, RESELLER = 7, 8, 9
PHONE = ["--window-size=390,844"]


@pytest.fixture(scope="module")
def wallet_script(tmp_path_factory) -> str:
    """The test wallet, bundled with viem by the same tool as the page's own script."""
    out = tmp_path_factory.mktemp("wallet") / "wallet.js"
    subprocess.run(["node", str(ROOT / "tools" / "build_js.mjs"), str(ROOT / "tools" / "dev-wallet.js"), str(out)],
                   check=True, capture_output=True)
    return out.read_text()


@pytest.fixture(scope="module")
def phone(tmp_path_factory, request):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", *PHONE]:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-owner')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                                  "mobile": True})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def wallet(phone, wallet_script, rpc_url):
    """wallet(key index, **settings): the next page opened in `phone` has this wallet in it."""
    installed = []
    phone.execute_cdp_cmd("Network.clearBrowserCookies", {})  # a language chosen, a club session: a new visitor

    def install(index=ALICE, **settings):
        keys = [dev_account(i, 31337).key.hex() for i in (ALICE, BOB, index)]
        config = {"keys": ["0x" + k.removeprefix("0x") for k in keys], "active": 2, "rpcUrl": rpc_url,
                  "chainId": 31337, **settings}
        source = f"window.luxpassTestWallet = {json.dumps(config)};\n{wallet_script}"
        installed.append(phone.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source}))
        return phone

    yield install
    for script in installed:
        phone.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


@pytest.fixture
def reseller(consortium, signer):
    proposal = open_consortium(signer(1)).propose_accreditation(signer(RESELLER).address, Accreditation.RESELLER, True)
    open_consortium(signer(2)).vote(proposal.proposal_id, True)
    return signer(RESELLER)


def shot(phone, name: str) -> None:
    phone.save_screenshot(str(SCREENSHOTS / f"owner-{name}.png"))


def wait(phone, condition, timeout=20):
    return WebDriverWait(phone, timeout).until(lambda d: condition(d))


def text_of(phone, element_id: str) -> str:
    return phone.find_element(By.ID, element_id).text


def open_owner(phone, cert, server, name: str, lang: str | None = None):  # noqa: F811 (the fixture's value)
    uri = link_for(cert, server).uri + (f"&lang={lang}" if lang else "")
    phone.get(uri)
    wait(phone, lambda d: d.find_elements(By.ID, "owner"))
    shot(phone, name)


def connect(phone, state: str = "owner"):
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#wallets button"))
    phone.find_element(By.CSS_SELECTOR, "#wallets button").click()
    wait(phone, lambda d: d.find_element(By.ID, "owner").get_attribute("data-state") == state
         or d.find_element(By.ID, "owner-status").get_attribute("data-kind") == "bad")


def wallet_log(phone) -> list[dict]:
    return phone.execute_script("return window.luxpassWalletLog || []")


def signature_requests(phone) -> list[dict]:
    return [entry for entry in wallet_log(phone) if entry["method"] in ("eth_signTypedData_v4", "personal_sign",
                                                                        "eth_sendTransaction")]


def result_line(phone) -> str:
    wait(phone, lambda d: d.find_element(By.ID, "owner-result").get_attribute("data-kind") in ("ok", "bad"))
    return text_of(phone, "owner-result")


def test_no_wallet_the_page_verifies_as_before(phone, server, as_account, signer):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00001")
    open_owner(phone, cert, server, "no-wallet")
    wait(phone, lambda d: d.find_element(By.ID, "no-wallet").is_displayed())
    assert phone.find_element(By.ID, "verdict").get_attribute("data-verdict") == "authentic"
    assert "No wallet was found in this browser" in text_of(phone, "no-wallet")
    assert not phone.find_element(By.ID, "owner-actions").is_displayed()
    assert not phone.find_elements(By.CSS_SELECTOR, "#wallets button")


def test_the_owner_signs_a_resale_consent_that_the_reseller_submits(phone, wallet, server, as_account, signer,
                                                                    reseller, tmp_path):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00002")
    wallet(ALICE)
    open_owner(phone, cert, server, "consent-before")
    assert phone.find_element(By.CSS_SELECTOR, "#wallets button").text == "Connect Test Wallet"
    connect(phone)
    assert text_of(phone, "owner-status").startswith("Connected as the owner")
    phone.find_element(By.ID, "consent-reseller").send_keys(reseller.address)
    phone.find_element(By.ID, "consent-terms").send_keys("EUR 3,900, collected in Paris")
    phone.find_element(By.ID, "consent-sign").click()
    line = result_line(phone)
    shot(phone, "consent-signed")
    assert line.startswith("Signed: give this file to the reseller"), line
    (request,) = signature_requests(phone)
    typed = json.loads(request["params"][1])
    assert request["method"] == "eth_signTypedData_v4" and typed["primaryType"] == "ResaleConsent"
    consent = tmp_path / "consent.json"
    consent.write_text(phone.find_element(By.ID, "consent-file").get_attribute("data-consent"))

    seller_side = as_account(RESELLER)
    signed = signed_files.load(consent)  # the file the CLI reads, in the CLI's own format
    assert signed.signer == signer(ALICE).address and signed.terms == "EUR 3,900, collected in Paris"
    assert check_consent(seller_side, signed).valid
    result = submit_resale(seller_side, signed, signer(BOB).address)
    assert result.status == "recorded" and seller_side.owner_of(cert.passport_id) == signer(BOB).address


def test_a_reseller_that_is_not_accredited_is_refused_before_the_wallet_opens(phone, wallet, server, as_account,
                                                                              signer):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00003")
    wallet(ALICE)
    open_owner(phone, cert, server, "consent-unaccredited")
    connect(phone)
    phone.find_element(By.ID, "consent-reseller").send_keys(signer(BOB).address)
    phone.find_element(By.ID, "consent-terms").send_keys("EUR 100")
    phone.find_element(By.ID, "consent-sign").click()
    assert "is not a reseller accredited by the consortium" in result_line(phone)
    assert signature_requests(phone) == []


def test_rejecting_in_the_wallet_sends_nothing(phone, wallet, server, as_account, signer, reseller):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00004")
    nonce = as_account(0).nonce(cert.passport_id)
    wallet(ALICE, reject=["eth_signTypedData_v4"])
    open_owner(phone, cert, server, "reject-before")
    connect(phone)
    phone.find_element(By.ID, "consent-reseller").send_keys(reseller.address)
    phone.find_element(By.ID, "consent-terms").send_keys("EUR 3,900")
    phone.find_element(By.ID, "consent-sign").click()
    assert result_line(phone) == "You declined in your wallet: nothing was signed or sent."
    shot(phone, "rejected")
    assert not phone.find_element(By.ID, "consent-file").is_displayed()
    assert as_account(0).nonce(cert.passport_id) == nonce and as_account(0).owner_of(cert.passport_id) == \
        signer(ALICE).address


def test_declining_to_connect_says_so(phone, wallet, server, as_account, signer):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00005")
    wallet(ALICE, reject=["eth_requestAccounts"])
    open_owner(phone, cert, server, "connect-declined")
    connect(phone)
    assert text_of(phone, "owner-status") == "You declined in your wallet: nothing was signed or sent."
    assert not phone.find_element(By.ID, "owner-actions").is_displayed()


def test_the_wrong_account_sees_no_owner_actions_until_it_switches(phone, wallet, server, as_account,
                                                                    signer):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00006")
    wallet(BOB)
    open_owner(phone, cert, server, "wrong-account")
    connect(phone, state="not-owner")
    shot(phone, "wrong-account-connected")
    assert "does not hold this passport" in text_of(phone, "owner-status")
    assert not phone.find_element(By.ID, "owner-actions").is_displayed()
    phone.execute_script("window.luxpassTestWallet.use(0)")  # the person picks Alice's account in the wallet
    wait(phone, lambda d: d.find_element(By.ID, "owner").get_attribute("data-state") == "owner")
    assert phone.find_element(By.ID, "owner-actions").is_displayed()


@pytest.mark.parametrize("known", [[1, 31337], [1]], ids=["switch", "add-then-switch"])
def test_a_wallet_on_the_wrong_chain_is_offered_the_right_one(phone, wallet, server, as_account, signer,
                                                              known):  # noqa: F811
    cert = make_bag(as_account, signer, f"AUR-OWN-0007{len(known)}")
    wallet(ALICE, chainId=1, knownChains=known)
    open_owner(phone, cert, server, "wrong-chain")
    connect(phone)
    assert "Your wallet is on another network (chain 1)" in text_of(phone, "owner-status")
    shot(phone, "wrong-chain-connected")
    assert not phone.find_element(By.ID, "owner-actions").is_displayed()
    phone.find_element(By.ID, "switch-chain").click()
    wait(phone, lambda d: d.find_element(By.ID, "owner").get_attribute("data-state") == "owner")
    methods = [entry["method"] for entry in wallet_log(phone)]
    assert methods.count("wallet_switchEthereumChain") == 1
    assert ("wallet_addEthereumChain" in methods) == (31337 not in known)
    assert not phone.find_element(By.ID, "switch-chain").is_displayed()


def test_an_older_wallet_in_window_ethereum_connects(phone, wallet, server, as_account, signer):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00008")
    wallet(ALICE, announce=False, legacy=True)
    open_owner(phone, cert, server, "legacy-wallet")
    assert phone.find_element(By.CSS_SELECTOR, "#wallets button").text == "Connect your wallet"
    connect(phone)
    assert text_of(phone, "owner-status").startswith("Connected as the owner")


@pytest.mark.parametrize("recipient, again, refusal", [
    ("0x12345", None, "That is not an address"),
    (ZERO_ADDRESS, None, "That is the zero address"),
    ("alice", None, "That is your own address"),
    ("registry", None, "a contract that cannot hold a passport"),
    ("bob", "carol", "The two addresses differ"),
])
def test_giving_it_to_an_address_that_cannot_hold_it_is_refused(phone, wallet, server, as_account, signer,
                                                                consortium, recipient, again,
                                                                refusal):  # noqa: F811
    cert = make_bag(as_account, signer, "AUR-OWN-00009")
    named = {"alice": signer(ALICE).address, "bob": signer(BOB).address, "carol": signer(4).address,
             "registry": consortium.registry.address}
    wallet(ALICE)
    open_owner(phone, cert, server, "give-refused")
    connect(phone)
    phone.find_element(By.ID, "give-to").send_keys(named.get(recipient, recipient))
    phone.find_element(By.ID, "give-to-again").send_keys(named.get(again or recipient, again or recipient))
    phone.find_element(By.ID, "give").click()
    assert refusal in result_line(phone)
    assert signature_requests(phone) == []
    assert as_account(0).owner_of(cert.passport_id) == signer(ALICE).address


# --- relayed actions: the owner signs, the brand's relayer sends and pays ------------------------

RELAYER = 4


@pytest.fixture
def relaying_server(rpc_url, consortium, tmp_path_factory):
    """`luxpass serve` with the brand's relayer (Anvil's key 4) and its own data folder: (URL, its database).
    One per test: each test's chain is reverted after it, and with it the relayer's transactions."""
    data = tmp_path_factory.mktemp("owner-server")
    for url in serving(rpc_url, data / "serve.log", "--relayer-dev-account", RELAYER, "--data-dir", data,
                       "--serve-brand", "1"):
        yield url, data / "owners.sqlite"


def relayed_rows(database: Path) -> list[dict]:
    import sqlite3

    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM relayed ORDER BY id")]


def act(phone, button: str) -> str:
    phone.execute_script("document.getElementById('owner-result').dataset.kind = 'info'")
    phone.find_element(By.ID, button).click()
    return result_line(phone)


def test_the_owner_reports_it_stolen_then_found_without_ether(phone, wallet, relaying_server, as_account, signer,
                                                              web3):
    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00101")
    alice = signer(ALICE).address
    balance = web3.eth.get_balance(alice)
    wallet(ALICE)
    open_owner(phone, cert, url, "stolen-before")
    connect(phone)
    assert not phone.find_element(By.ID, "no-relayer").is_displayed()
    line = act(phone, "report-stolen")
    shot(phone, "stolen-done")
    assert line.startswith("Done: report it stolen. Transaction 0x"), line
    passport = as_account(0).passport(cert.passport_id)
    assert passport["status"] == 2 and passport["owner"] == alice  # Stolen, reported by Alice, its owner
    wait(phone, lambda d: d.find_element(By.ID, "action-found").is_displayed())
    assert not phone.find_element(By.ID, "action-report").is_displayed()

    line = act(phone, "report-found")
    shot(phone, "found-done")
    assert line.startswith("Done: report it found. Transaction 0x"), line
    assert as_account(0).passport(cert.passport_id)["status"] == 0
    assert web3.eth.get_balance(alice) == balance  # she paid nothing
    rows = relayed_rows(database)[-2:]
    assert [(r["action"], r["signer"], r["state"]) for r in rows] == [("reportStatus", alice, "mined"),
                                                                       ("reportFound", alice, "mined")]
    for row in rows:
        assert web3.eth.get_transaction(row["tx"])["from"] == signer(RELAYER).address
    assert [e["method"] for e in signature_requests(phone)] == ["eth_signTypedData_v4"] * 2


def test_the_owner_gives_it_to_someone(phone, wallet, relaying_server, as_account, signer):
    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00102")
    wallet(ALICE)
    open_owner(phone, cert, url, "give-before")
    connect(phone)
    phone.find_element(By.ID, "give-to").send_keys(signer(BOB).address)
    phone.find_element(By.ID, "give-to-again").send_keys(signer(BOB).address.lower())
    line = act(phone, "give")
    shot(phone, "give-done")
    assert line.startswith(f"Done: give this passport to {signer(BOB).address}. Transaction 0x"), line
    assert as_account(0).owner_of(cert.passport_id) == signer(BOB).address
    wait(phone, lambda d: d.find_element(By.ID, "owner").get_attribute("data-state") == "not-owner")
    assert relayed_rows(database)[-1]["action"] == "safeTransferFrom"


def test_a_replayed_request_is_refused_and_changes_nothing(phone, wallet, relaying_server, as_account, signer):
    import requests

    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00103")
    wallet(ALICE)
    open_owner(phone, cert, url, "replay")
    connect(phone)
    assert act(phone, "revoke").startswith("Done: revoke every signature you gave for it.")
    (signed,) = [e for e in wallet_log(phone) if e["method"] == "eth_signTypedData_v4"]
    typed = json.loads(signed["params"][1])
    rows, nonce = len(relayed_rows(database)), as_account(0).nonce(cert.passport_id)
    again = requests.post(url + "/api/relay", json={"request": typed["message"], "signature": signed["result"]},
                          timeout=30)
    assert again.status_code in (400, 403, 409, 410) and again.json()["error"]
    assert "\n" not in again.json()["error"]
    assert as_account(0).nonce(cert.passport_id) == nonce and len(relayed_rows(database)) == rows


def test_rejecting_a_relayed_action_sends_nothing(phone, wallet, relaying_server, as_account, signer):
    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00104")
    rows = len(relayed_rows(database))
    wallet(ALICE, reject=["eth_signTypedData_v4"])
    open_owner(phone, cert, url, "reject-relayed")
    connect(phone)
    assert act(phone, "report-lost") == "You declined in your wallet: nothing was signed or sent."
    assert as_account(0).passport(cert.passport_id)["status"] == 0 and len(relayed_rows(database)) == rows


def test_the_owner_stops_the_brands_recovery(phone, wallet, relaying_server, as_account, signer):
    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00105")
    as_account(1).request_recovery(cert.passport_id, signer(BOB).address)  # the brand admin, for whoever asked
    wallet(ALICE)
    open_owner(phone, cert, url, "recovery-before")
    connect(phone)
    assert phone.find_element(By.ID, "action-recovery").is_displayed()
    assert signer(BOB).address in text_of(phone, "recovery-detail")
    line = act(phone, "cancel-recovery")
    shot(phone, "recovery-cancelled")
    assert line.startswith("Done: cancel the brand's recovery. Transaction 0x"), line
    assert as_account(0).pending_recovery(cert.passport_id)[1] == 0
    wait(phone, lambda d: not d.find_element(By.ID, "action-recovery").is_displayed())
    assert relayed_rows(database)[-1]["action"] == "cancelRecovery"


def test_the_owner_opens_the_chip_claim(phone, wallet, relaying_server, as_account, signer):
    from eth_account import Account

    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00106", chip=Account.create().address)
    wallet(ALICE)
    open_owner(phone, cert, url, "chip-claim-before")
    connect(phone)
    assert act(phone, "open-chip-claim").startswith("Done: open the chip claim. Transaction 0x")
    assert as_account(0).chip_claim_open(cert.passport_id)
    wait(phone, lambda d: not d.find_element(By.ID, "action-chip").is_displayed())


def test_the_owner_part_speaks_the_page_language(phone, wallet, relaying_server, as_account, signer):
    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-OWN-00107")
    wallet(ALICE, reject=["eth_signTypedData_v4"])
    open_owner(phone, cert, url, "french", lang="fr")
    assert phone.find_element(By.CSS_SELECTOR, "#wallets button").text == "Connecter Test Wallet"
    connect(phone)
    assert text_of(phone, "owner-status").startswith("Connecté en tant que propriétaire")
    assert act(phone, "report-stolen") == "Vous avez refusé dans votre portefeuille : rien n'a été signé ni envoyé."
    assert phone.find_element(By.CSS_SELECTOR, "#action-report h3").text == "Le déclarer perdu ou volé"
    shot(phone, "french")


# --- the first sale's claim link ----------------------------------------------------------------

@pytest.fixture
def claim_link(relaying_server, as_account, signer, consortium):
    """claim_link(serial) -> (the link's URL, its passport id): a bag in store, its link made by the boutique,
    whose server's relayer holds the retailer role (it makes the sale when the buyer claims)."""
    from luxpass.onchain.collection import Collection
    from luxpass.owners.claims import create_link
    from luxpass.owners.store import OwnerStore

    url, database = relaying_server
    as_account(1).set_role("retailer", signer(RELAYER).address, True)

    def make(serial: str) -> tuple[str, int]:
        minted = as_account(5).mint({"serial": serial, "gtin": "3760123450003", "model": "Pochette Nuit"})
        passport_id = int(minted.passport_id, 16)
        link = create_link(OwnerStore(database.parent), Collection(signer(6), as_account(0).address), passport_id,
                           url, 3600)
        return link.url, passport_id
    return make


def open_claim(phone, link: str, name: str) -> None:
    phone.get(link)
    wait(phone, lambda d: d.find_element(By.ID, "claim").get_attribute("data-state") != "loading")
    shot(phone, name)


def take(phone) -> str:
    connect_claim(phone)
    phone.find_element(By.ID, "claim-take").click()
    return result_line(phone)


def connect_claim(phone) -> None:
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#wallets button"))
    phone.find_element(By.CSS_SELECTOR, "#wallets button").click()
    wait(phone, lambda d: d.find_element(By.ID, "owner-status").get_attribute("data-kind") in ("ok", "bad"))


def test_the_buyer_takes_her_passport_with_the_boutiques_claim_link(phone, wallet, relaying_server, claim_link,
                                                                    as_account, signer, web3):
    url, database = relaying_server
    link, passport_id = claim_link("AUR-CLAIM-00001")
    alice = signer(ALICE).address
    balance = web3.eth.get_balance(alice)
    wallet(ALICE)
    open_claim(phone, link, "claim-before")
    assert text_of(phone, "claim-passport") == f"0x{passport_id:064x}"
    line = take(phone)
    shot(phone, "claim-done")
    assert line.startswith(f"The passport is yours, at {alice}. Transaction 0x"), line
    assert as_account(0).owner_of(passport_id) == alice and as_account(0).passport(passport_id)["sold"]  # sold
    assert web3.eth.get_balance(alice) == balance
    (row,) = [r for r in relayed_rows(database) if r["action"] == "firstSale"]
    assert row["signer"] == alice and web3.eth.get_transaction(row["tx"])["from"] == signer(RELAYER).address


def test_a_claim_link_works_once_for_one_wallet(phone, wallet, relaying_server, claim_link, as_account, signer):
    link, passport_id = claim_link("AUR-CLAIM-00002")
    wallet(ALICE)
    open_claim(phone, link, "claim-first")
    assert take(phone).startswith("The passport is yours")
    wallet(BOB)  # someone else with the same link, or Alice opening it again
    open_claim(phone, link, "claim-twice")
    assert phone.find_element(By.ID, "claim").get_attribute("data-state") == "unusable"
    assert text_of(phone, "owner-status") == ("This claim link was already used or has expired: ask the boutique "
                                              "for a new one.")
    assert as_account(0).owner_of(passport_id) == signer(ALICE).address


def test_an_expired_claim_link_is_refused(phone, wallet, relaying_server, claim_link, as_account, signer):
    import sqlite3

    url, database = relaying_server
    link, passport_id = claim_link("AUR-CLAIM-00003")
    with sqlite3.connect(database) as db:  # the link's time has run out
        db.execute("UPDATE claim_links SET expires = 1")
    wallet(ALICE)
    open_claim(phone, link, "claim-expired")
    assert "already used or has expired" in text_of(phone, "owner-status")
    assert not phone.find_element(By.ID, "claim-take").is_displayed()
    assert as_account(0).owner_of(passport_id) == signer(5).address


def test_a_claim_signed_by_another_wallet_is_refused(phone, wallet, relaying_server, claim_link, as_account,
                                                     signer):
    """Bob's page fills in Bob's address but Alice's key signs (a wallet that lies, or a swapped link)."""
    link, passport_id = claim_link("AUR-CLAIM-00004")
    wallet(ALICE)
    open_claim(phone, link, "claim-other-wallet")
    connect_claim(phone)
    phone.execute_script("window.luxpassTestWallet.signAs = 1")  # sign with Bob's key as Alice's account
    phone.find_element(By.ID, "claim-take").click()
    assert result_line(phone).startswith("The brand's server refused: the claim is not signed by")
    assert as_account(0).owner_of(passport_id) == signer(5).address


def test_an_unknown_claim_link_says_so(phone, wallet, relaying_server):
    url, database = relaying_server
    wallet(ALICE)
    open_claim(phone, url + "/claim/Zm9yZ2VkLWxpbmstY29kZQ", "claim-unknown")
    assert text_of(phone, "owner-status") == "This claim link is not known: check that it was copied in full."


# --- the owners' club --------------------------------------------------------------------------

def post_notice(database: Path, collection: str, title: str, body: str, web3, passport_id: int | None = None):
    from luxpass.owners.club import post_notice as post
    from luxpass.owners.store import OwnerStore

    return post(OwnerStore(database.parent), collection, web3.eth.block_number, title, body, "service", passport_id)


def sign_in(phone, url: str, name: str) -> str:
    phone.get(url + "/club")
    connect_claim(phone)
    phone.find_element(By.ID, "club-sign-in").click()
    line = result_line(phone)
    shot(phone, name)
    return line


def test_the_owner_signs_in_to_the_club_and_reads_the_brands_notice(phone, wallet, relaying_server, as_account,
                                                                    signer, web3):
    url, database = relaying_server
    make_bag(as_account, signer, "AUR-CLUB-00001")
    post_notice(database, as_account(0).address, "Care day in Paris", "Bring your bag on 12 March.", web3)
    wallet(ALICE)
    assert sign_in(phone, url, "club-signed-in") == "Signed in as an owner."
    wait(phone, lambda d: d.find_element(By.ID, "club").get_attribute("data-state") == "member")
    notices = [n.text for n in phone.find_elements(By.CSS_SELECTOR, "#club-notices .notice h3")]
    assert notices == ["Care day in Paris"]
    assert [e["method"] for e in signature_requests(phone)] == ["personal_sign"]
    phone.find_element(By.ID, "club-opt").click()
    wait(phone, lambda d: d.find_element(By.ID, "club-opt-state").text)
    shot(phone, "club-opted-out")
    assert text_of(phone, "club-opt-state") == "You receive no notices from the brand."
    phone.find_element(By.ID, "club-opt").click()
    wait(phone, lambda d: not d.find_element(By.ID, "club-opt-state").text)
    assert [n.text for n in phone.find_elements(By.CSS_SELECTOR, "#club-notices .notice h3")] == ["Care day in Paris"]


def test_a_wallet_without_a_passport_is_not_let_in(phone, wallet, relaying_server, as_account, signer, web3):
    url, database = relaying_server
    make_bag(as_account, signer, "AUR-CLUB-00002")
    post_notice(database, as_account(0).address, "Recall", "For holders only.", web3)
    wallet(BOB)
    assert sign_in(phone, url, "club-non-holder") == \
        "This wallet holds no passport of the brand: the club is for its owners."
    assert not phone.find_element(By.ID, "club-member").is_displayed()


def test_the_previous_owner_does_not_see_the_new_owners_notice(phone, wallet, relaying_server, as_account,
                                                               signer, web3):
    url, database = relaying_server
    cert = make_bag(as_account, signer, "AUR-CLUB-00003")
    as_account(ALICE).transfer(cert.passport_id, signer(BOB).address)
    make_bag(as_account, signer, "AUR-CLUB-00004")  # Alice still holds another bag: she may sign in
    post_notice(database, as_account(0).address, "Service reminder", "For this bag's holder.", web3, cert.passport_id)
    wallet(ALICE)
    assert sign_in(phone, url, "club-previous-owner") == "Signed in as an owner."
    wait(phone, lambda d: d.find_element(By.ID, "club").get_attribute("data-state") == "member")
    assert phone.find_elements(By.CSS_SELECTOR, "#club-notices .notice") == []
    assert text_of(phone, "club-notices") == "No notice from the brand for you."
