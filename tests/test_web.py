"""The verification page and its JSON API, in process (Starlette's TestClient) against the test
chain: what a consumer sees for a genuine, stolen, destroyed or forged product, and a clear page,
never a traceback, when the link is broken or the chain is down."""
import socket
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from eth_account import Account
from starlette.testclient import TestClient

from cli_helpers import mine
from luxpass.cli import cli
from luxpass.onchain.chip import bind_chip
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.link import link_for
from luxpass.spec import EventKind, Status
from luxpass.values import new_salt
from luxpass.web.app import create_app

ALICE = 7
GTIN = "3760123450003"
CHIP_KEY = "0x" + "c1" * 32
RESOLVER = "http://testserver"


@pytest.fixture
def client(rpc_url, consortium):
    with TestClient(create_app(rpc_url), raise_server_exceptions=False) as client:
        yield client


def path_of(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.path}?{parts.query}"


def mint(as_account, serial: str, **fields) -> Certificate:
    minted = as_account(5).mint({"serial": serial, "gtin": GTIN, "model": "Sac Seau", **fields})
    return Certificate.from_dict(minted.certificate)


@pytest.fixture
def sold(as_account, signer):
    """A bag made, checked, and sold new to Alice."""
    cert = mint(as_account, "AUR-2026-00042")
    as_account(5).record_event(cert.passport_id, EventKind.MANUFACTURED, "Scandicci")
    as_account(5).record_event(cert.passport_id, EventKind.QUALITY_CHECKED, "inspector 17")
    as_account(6).first_sale(cert.passport_id, signer(ALICE).address)
    return cert


def verdict_of(html: str) -> str:
    return html.split('data-verdict="', 1)[1].split('"', 1)[0]


def assert_clear(response):
    assert "Traceback" not in response.text and "File \"" not in response.text
    assert "<h1>" in response.text


def test_genuine_product_page(client, sold):
    response = client.get(path_of(link_for(sold, RESOLVER).uri))
    assert response.status_code == 200 and verdict_of(response.text) == "authentic"
    html = response.text
    assert "Authentic" in html and 'id="brand">Maison Aurel<' in html
    assert 'id="serial">AUR-2026-00042<' in html and f'id="gtin">0{GTIN}<' in html
    assert 'id="owners">1 owner since it was sold new<' in html
    stages = [s.split("<", 1)[0] for s in html.split('<span class="stage">')[1:]]
    assert stages == ["Passport issued by Maison Aurel", "Made", "Quality checked", "Sold new"]
    assert 'id="chip"' not in html and "A copied code would show this same page" in html
    assert sold.salt.hex() not in html and "Sac Seau" not in html


def test_genuine_product_json(client, sold):
    response = client.get("/api/v1" + path_of(link_for(sold, RESOLVER).uri))
    body = response.json()
    assert response.status_code == 200 and body["state"] == "authentic"
    assert body["passport_id"] == "0x" + sold.commitment.hex() and body["collection"] == sold.collection
    assert body["verdict"]["brand"] == "Maison Aurel" and body["story"]["owners"] == 1
    assert body["story"]["head_verified"] and body["chip"] is None
    assert [e["kind"] for e in body["story"]["entries"]] == ["mint", "manufactured", "quality-checked", "first-sale"]


def test_stolen_product(client, sold, as_account):
    as_account(ALICE).report(sold.passport_id, Status.STOLEN)
    response = client.get(path_of(link_for(sold, RESOLVER).uri))
    assert response.status_code == 200 and verdict_of(response.text) == "stolen"
    assert "Reported stolen" in response.text and "Do not buy it; tell Maison Aurel" in response.text
    assert "Why: the passport is reported stolen" in response.text
    assert response.text.count('<span class="stage">Reported stolen<') == 1
    assert client.get("/api/v1" + path_of(link_for(sold, RESOLVER).uri)).json()["state"] == "stolen"


def test_a_pending_recovery_is_shown_before_paying_and_goes_with_the_request(client, as_account, signer):
    """While the brand's recovery request is live, the page and its JSON warn the buyer that the
    passport is about to move; once the owner cancels the request, the warning is gone."""
    cert = mint(as_account, "AUR-2026-00044")
    as_account(6).first_sale(cert.passport_id, signer(ALICE).address)
    new_wallet = signer(9).address
    as_account(1).request_recovery(cert.passport_id, new_wallet)
    page = path_of(link_for(cert, RESOLVER).uri)
    html = client.get(page).text
    assert f"Note: a recovery to {new_wallet} is pending (ready 20" in html and "unless its owner cancels it" in html
    assert client.get("/api/v1" + page).json()["verdict"]["pending_recovery"]["new_owner"] == new_wallet
    as_account(ALICE).cancel_recovery(cert.passport_id)
    assert "a recovery to" not in client.get(page).text
    assert client.get("/api/v1" + page).json()["verdict"]["pending_recovery"] is None


def test_destroyed_product(client, as_account):
    cert = mint(as_account, "AUR-2026-00043")
    as_account(1).report(cert.passport_id, Status.DESTROYED)
    response = client.get(path_of(link_for(cert, RESOLVER).uri))
    assert verdict_of(response.text) == "destroyed" and "recorded this product as destroyed" in response.text
    assert 'id="owners">Not sold yet: still with Maison Aurel<' in response.text


def test_a_mistyped_serial_matches_no_passport_and_accuses_nothing(client, sold):
    """One character changed in a hand-typed link: the chain proves nothing wrong, so the page is
    neutral and asks for a scan of the QR code or the chip."""
    uri = link_for(sold, RESOLVER).uri.replace("/21/AUR-2026-00042", "/21/AUR-2026-00043")
    response = client.get(path_of(uri))
    assert response.status_code == 200 and verdict_of(response.text) == "no-match"
    assert "Matches no passport" in response.text and "Not authentic" not in response.text
    assert "scan the QR code or the chip on the product" in response.text
    assert "no passport of Maison Aurel has this serial with this code" in response.text
    assert 'id="brand"' not in response.text and 'id="serial">AUR-2026-00043<' in response.text
    assert "Checked live" in response.text
    assert_clear(response)


def test_altered_gtin_is_not_authentic(client, sold):
    uri = link_for(sold, RESOLVER).uri.replace(f"/01/0{GTIN}/", "/01/03760123450010/")
    response = client.get(path_of(uri))
    assert verdict_of(response.text) == "not-authentic"
    assert "the GTIN in this link is not the one committed with its serial" in response.text


def test_unknown_passport_matches_no_passport(client, consortium):
    never_minted = Certificate(31337, consortium.brand(1).collection, {"serial": "AUR-9", "gtin": GTIN}, new_salt())
    response = client.get(path_of(link_for(never_minted, RESOLVER).uri))
    assert verdict_of(response.text) == "no-match"
    assert "no passport of Maison Aurel has this serial with this code" in response.text
    assert client.get("/api/v1" + path_of(link_for(never_minted, RESOLVER).uri)).json()["state"] == "no-match"


def test_a_gtin_changed_in_a_link_of_no_passport_matches_no_passport(client, consortium):
    never_minted = Certificate(31337, consortium.brand(1).collection, {"serial": "AUR-9", "gtin": GTIN}, new_salt())
    uri = link_for(never_minted, RESOLVER).uri.replace(f"/01/0{GTIN}/", "/01/03760123450010/")
    assert verdict_of(client.get(path_of(uri)).text) == "no-match"


def test_look_alike_collection_is_not_authentic(client, signer):
    forger = signer(0)
    implementation, _ = forger.sender.deploy("BrandPassport", "0x" + "00" * 20)  # trusts no forwarder
    registry, _ = forger.sender.deploy("ConsortiumRegistry", implementation, ["Maison Aurel", "Forgery Two"], ["AUR", "FGT"],
                                [forger.address, signer(1).address], 5000, 3600)
    fake_address = forger.call(forger.contract("ConsortiumRegistry", registry).functions.brand(1))[2]
    fake = forger.contract("BrandPassport", fake_address)
    forger.sender.transact(fake.functions.grantRole(forger.call(fake.functions.MINTER_ROLE()), forger.address))
    cert = Certificate(31337, fake_address, {"serial": "AUR-2026-00042", "gtin": GTIN}, new_salt())
    forger.sender.transact(fake.functions.mint(forger.address, cert.commitment))
    response = client.get(path_of(link_for(cert, RESOLVER).uri))
    assert verdict_of(response.text) == "not-authentic"
    assert "not one the consortium registry created" in response.text and 'id="brand"' not in response.text


@pytest.mark.parametrize("tamper, problem", [
    (lambda uri: uri.split("&k=")[0], "the link&#39;s proof (k) is not a luxpass proof"),
    (lambda uri: uri.replace("?c=0x", "?c=0y"), "the link&#39;s collection (c)"),
    (lambda uri: uri.replace(f"/01/0{GTIN}/", "/01/03760123450006/"), "has check digit 6, expected 3"),
    (lambda uri: uri.replace("/21/AUR-2026-00042", "/21/AUR%202026"), "cannot be a GS1 serial number"),
])
def test_damaged_links_get_a_cannot_be_read_page_not_a_not_authentic_one(client, sold, tamper, problem):
    response = client.get(path_of(tamper(link_for(sold, RESOLVER).uri)))
    assert response.status_code == 400 and verdict_of(response.text) == "unreadable"
    assert "Cannot be read, try again" in response.text and "Not authentic" not in response.text
    why = response.text.split('id="reason">')[1].split("</p>")[0]
    assert why == "Why: part of the code is missing or damaged, so it cannot be checked"  # no jargon
    assert "this code cannot be read in full" in response.text and problem in response.text  # technical details
    assert "type the address" not in response.text and "Checked live" not in response.text
    assert_clear(response)
    api = client.get("/api/v1" + path_of(tamper(link_for(sold, RESOLVER).uri)))
    assert api.status_code == 400 and api.json()["state"] == "unreadable"


def test_chain_down_gets_a_clear_page(consortium):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    cert = Certificate(31337, consortium.brand(1).collection, {"serial": "AUR-1", "gtin": GTIN}, new_salt())
    with TestClient(create_app(dead), raise_server_exceptions=False) as client:
        response = client.get(path_of(link_for(cert, RESOLVER).uri))
        assert response.status_code == 503 and "The registry cannot be reached" in response.text
        assert "Checked live" not in response.text and "Nothing was checked on this page" in response.text
        assert_clear(response)
        api = client.get("/api/v1" + path_of(link_for(cert, RESOLVER).uri))
        assert api.status_code == 503 and "cannot be reached" in api.json()["error"]


def test_serve_on_a_busy_port_is_one_line(rpc_url, consortium):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--rpc-url", rpc_url])
    assert result.exit_code == 1, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); pass another --port, "
        "or stop what is using it"]


def test_node_lost_after_start_then_back(client, sold):
    uri = path_of(link_for(sold, RESOLVER).uri)
    assert client.get(uri).status_code == 200
    provider = client.app.state.registry.consortium().chain.w3.provider
    live, provider.endpoint_uri = provider.endpoint_uri, "http://127.0.0.1:9"
    try:
        response = client.get(uri)
        assert response.status_code == 503 and "The registry cannot be reached" in response.text
    finally:
        provider.endpoint_uri = live
    assert verdict_of(client.get(uri).text) == "authentic"


def test_failure_on_our_side_is_a_clear_page(client, sold, monkeypatch):
    from luxpass.web import app as web

    monkeypatch.setattr(web, "check_link", lambda *a: 1 / 0)
    response = client.get(path_of(link_for(sold, RESOLVER).uri))
    assert response.status_code == 500 and "The check failed" in response.text
    assert_clear(response) and "ZeroDivisionError" not in response.text


def test_other_addresses_get_a_clear_page(client):
    home = client.get("/")
    assert home.status_code == 200 and "Scan the QR code" in home.text
    missing = client.get("/wp-admin")
    assert missing.status_code == 404 and "not a product's verification page" in missing.text
    assert client.get("/api/v1/nothing").json() == {"error": "Not Found"}


def test_page_reads_only_the_one_passport(client, sold, as_account, monkeypatch):
    """The number of node requests for a page does not grow with the collection."""
    uri = path_of(link_for(sold, RESOLVER).uri)
    client.get(uri)
    provider = client.app.state.registry.consortium().chain.w3.provider
    calls, real = [], provider._make_request
    monkeypatch.setattr(provider, "_make_request", lambda method, data: calls.append(method) or real(method, data))
    client.get(uri)
    before = list(calls)
    for i in range(10):
        mint(as_account, f"AUR-2026-1{i:04d}")
    calls.clear()
    client.get(uri)
    assert calls == before and calls.count("eth_getLogs") == 2, calls  # its records, and its mint
    # a timestamp for each block of its story, and the block its history is pinned to, read and checked after
    assert calls.count("eth_getBlockByNumber") == 4 + 2


# --- the chip ------------------------------------------------------------------------------

@pytest.fixture
def chipped(as_account, signer):
    """A bag whose chip the factory bound before its first sale to Alice (after it, a rebind
    needs the owner's signature)."""
    cert = mint(as_account, "AUR-2026-00043")
    bind_chip(as_account(5), cert.passport_id, Account.from_key(CHIP_KEY).address)
    as_account(6).first_sale(cert.passport_id, signer(ALICE).address)
    return cert


def challenge_for(client, cert):
    response = client.post("/api/v1/chip/challenge", json={"collection": cert.collection,
                                                           "passportId": "0x" + cert.commitment.hex()})
    assert response.status_code == 200, response.text
    return response.json()


def test_chip_section_only_when_a_chip_is_bound(client, chipped):
    html = client.get(path_of(link_for(chipped, RESOLVER).uri)).text
    assert 'id="chip"' in html and "the chip check below proves the item itself" in html
    assert Account.from_key(CHIP_KEY).address in html


def test_chip_answers_the_challenge(client, chipped):
    challenge = challenge_for(client, chipped)
    assert challenge["typedData"]["message"]["tokenId"] == str(chipped.passport_id)
    signature = Account.sign_typed_data(CHIP_KEY, full_message=challenge["typedData"]).signature.hex()
    answer = client.post("/api/v1/chip/check", json={"nonce": challenge["nonce"], "signature": "0x" + signature})
    assert answer.json() == {"valid": True, "reason": "the chip in this item is the one bound to its passport"}
    again = client.post("/api/v1/chip/check", json={"nonce": challenge["nonce"], "signature": "0x" + signature})
    assert again.status_code == 409 and not again.json()["valid"]


def test_another_chip_fails_the_challenge(client, chipped):
    challenge = challenge_for(client, chipped)
    signature = Account.sign_typed_data("0x" + "c2" * 32, full_message=challenge["typedData"]).signature.hex()
    answer = client.post("/api/v1/chip/check", json={"nonce": challenge["nonce"], "signature": "0x" + signature})
    assert answer.status_code == 200 and answer.json()["valid"] is False
    assert "may not be the original" in answer.json()["reason"]


def test_late_chip_answer_is_told_apart(client, chipped, web3):
    challenge = challenge_for(client, chipped)
    signature = Account.sign_typed_data(CHIP_KEY, full_message=challenge["typedData"]).signature.hex()
    mine(web3, 300)
    answer = client.post("/api/v1/chip/check", json={"nonce": challenge["nonce"], "signature": "0x" + signature})
    assert answer.json() == {"valid": False, "reason": "the chip answered too late for this challenge: start the "
                                                       "chip check again"}


def test_chip_api_refuses_what_it_cannot_check(client, sold, consortium):
    unchipped = client.post("/api/v1/chip/challenge", json={"collection": sold.collection,
                                                            "passportId": "0x" + sold.commitment.hex()})
    assert unchipped.status_code == 404 and "has no chip" in unchipped.json()["error"]
    bad = client.post("/api/v1/chip/challenge", json={"collection": "0x12", "passportId": "1"})
    assert bad.status_code == 400 and "is not an address" in bad.json()["error"]
    garbage = client.post("/api/v1/chip/check", content=b"not json")
    assert garbage.status_code == 400 and "needs the nonce and the chip's signature" in garbage.json()["error"]
    unknown = client.post("/api/v1/chip/check", json={"nonce": "0x" + "00" * 32, "signature": "0x" + "11" * 65})
    assert unknown.status_code == 409 and "unknown, expired or already answered" in unknown.json()["reason"]


def test_every_record_the_contract_can_log_has_words_on_the_page():
    from luxpass.results import cli_name
    from luxpass.spec import EventKind, Status, TransferKind
    from luxpass.web.app import STAGES

    logged = {("ownership", cli_name(k)) for k in TransferKind} | {("lifecycle", cli_name(k)) for k in EventKind} \
        | {("status", cli_name(s)) for s in Status}
    assert logged == set(STAGES)
