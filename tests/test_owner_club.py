"""The first sale by claim link, the owners' club (Sign-In with Ethereum) and the brand's notices,
in process (Starlette's TestClient) against the test chain. The server's relayer is the brand's
retailer (Anvil account 6): it makes the sale a buyer claims."""
import time

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from starlette.testclient import TestClient

from luxpass.chain.accounts import dev_account
from luxpass.onchain.collection import Collection
from luxpass.owners import claims
from luxpass.owners.club import post_notice
from luxpass.owners.store import OwnerStore
from luxpass.values import passport_hex
from luxpass.web.app import create_app
from luxpass.web.owner import OwnerOptions

ALICE, BOB, RETAILER, STRANGER = 7, 8, 6, 9
RESOLVER = "http://testserver"
SITE = "testserver"  # the host Starlette's TestClient sends


def address(index: int) -> str:
    return dev_account(index, 31337).address


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "server"


@pytest.fixture
def store(data_dir):
    return OwnerStore(data_dir)


@pytest.fixture
def club_file(tmp_path):
    path = tmp_path / "club.json"
    path.write_text('{"title": "Aurel owners", "sections": [{"title": "Care day", "body": "Bring your bag."}]}')
    return path


@pytest.fixture
def client(rpc_url, consortium, data_dir, club_file):
    options = OwnerOptions(rpc_url, data_dir, dev_account(RETAILER, 31337), "Maison Aurel", club_file, site=SITE)
    with TestClient(create_app(rpc_url, owners=options), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def in_store(as_account, signer):
    """A passport in the boutique (the retailer's custody), unsold."""
    token = int(as_account(5).mint({"serial": f"AUR-C-{time.monotonic_ns()}"}).passport_id, 16)
    as_account(5).transfer(token, address(RETAILER))
    return token


@pytest.fixture
def sold_to_alice(as_account, in_store):
    as_account(RETAILER).first_sale(in_store, address(ALICE))
    return in_store


def new_link(store, as_account, token, valid_for=3600) -> str:
    link = claims.create_link(store, as_account(0), token, RESOLVER, valid_for)
    return link.url.rsplit("/", 1)[1]


def claim_signature(typed: dict, buyer: int, signer: int | None = None) -> str:
    message = {**typed, "message": {**typed["message"], "buyer": address(buyer)}}
    return "0x" + bytes(Account.sign_message(encode_typed_data(full_message=message),
                                             dev_account(signer or buyer, 31337).key).signature).hex()


def claim(client, code: str, buyer: int, signer: int | None = None, expect: int = 200) -> dict:
    typed = client.get(f"/api/claim/{code}").json()["typedData"]
    response = client.post(f"/api/claim/{code}", json={"buyer": address(buyer),
                                                      "signature": claim_signature(typed, buyer, signer)})
    assert response.status_code == expect, response.text
    return response.json()


# --- the first sale by claim link ---------------------------------------------------------------

def test_the_buyer_takes_her_passport_by_the_link_paying_nothing(client, store, as_account, in_store, signer):
    code = new_link(store, as_account, in_store)
    shown = client.get(f"/api/claim/{code}").json()
    assert shown["tokenId"] == passport_hex(in_store) and shown["typedData"]["message"]["buyer"] is None
    balance = signer(0).w3.eth.get_balance(address(ALICE))
    taken = claim(client, code, ALICE)
    assert taken["owner"] == address(ALICE) and as_account(0).owner_of(in_store) == address(ALICE)
    assert as_account(0).passport(in_store)["sold"]  # sold
    assert signer(0).w3.eth.get_balance(address(ALICE)) == balance
    assert store.query("SELECT code_hash FROM claim_links")[0]["code_hash"] != code  # only its hash is kept


def test_a_link_works_once(client, store, as_account, in_store):
    code = new_link(store, as_account, in_store)
    claim(client, code, ALICE)
    assert "already used" in client.get(f"/api/claim/{code}").json()["error"]
    typed = claims.claim_typed_data(31337, as_account(0).address, in_store, code, 0, None)
    response = client.post(f"/api/claim/{code}", json={"buyer": address(ALICE), "signature": claim_signature(typed, ALICE)})
    assert response.status_code == 410


def test_an_expired_link_is_refused(client, store, as_account, in_store, monkeypatch):
    code = new_link(store, as_account, in_store, valid_for=60)
    typed = client.get(f"/api/claim/{code}").json()["typedData"]
    monkeypatch.setattr(claims, "clock", lambda: time.time() + 120)
    response = client.post(f"/api/claim/{code}", json={"buyer": address(ALICE), "signature": claim_signature(typed, ALICE)})
    assert response.status_code == 410 and "expired" in response.json()["error"]
    assert as_account(0).owner_of(in_store) == address(RETAILER)


def test_someone_elses_wallet_cannot_use_or_redirect_the_link(client, store, as_account, in_store):
    code = new_link(store, as_account, in_store)
    assert "not signed by" in claim(client, code, ALICE, signer=BOB, expect=403)["error"]  # bob signs as alice
    expires = client.get(f"/api/claim/{code}").json()["expires"]
    claim(client, code, ALICE)
    typed = claims.claim_typed_data(31337, as_account(0).address, in_store, code, expires, None)
    response = client.post(f"/api/claim/{code}", json={"buyer": address(BOB), "signature": claim_signature(typed, BOB)})
    assert response.status_code == 410
    assert as_account(0).owner_of(in_store) == address(ALICE)


def test_a_link_moves_only_its_own_passport(client, store, as_account, in_store, signer):
    other = int(as_account(5).mint({"serial": f"AUR-O-{time.monotonic_ns()}"}).passport_id, 16)
    as_account(5).transfer(other, address(RETAILER))
    code = new_link(store, as_account, in_store)
    forged = claims.claim_typed_data(31337, as_account(0).address, other, code,
                                     client.get(f"/api/claim/{code}").json()["expires"], None)
    response = client.post(f"/api/claim/{code}", json={"buyer": address(ALICE), "signature": claim_signature(forged, ALICE)})
    assert response.status_code == 403
    assert as_account(0).owner_of(other) == address(RETAILER) == as_account(0).owner_of(in_store)


def test_links_only_for_passports_in_store_and_one_at_a_time(store, as_account, in_store, sold_to_alice):
    with pytest.raises(Exception, match="not in the brand's custody"):
        claims.create_link(store, as_account(0), sold_to_alice, RESOLVER, 3600)
    other = int(as_account(5).mint({"serial": f"AUR-T-{time.monotonic_ns()}"}).passport_id, 16)
    as_account(5).transfer(other, address(RETAILER))
    new_link(store, as_account, other)
    with pytest.raises(Exception, match="open claim link"):
        new_link(store, as_account, other)


def test_a_link_dies_when_its_passport_moves_even_if_it_comes_back(client, store, as_account, in_store):
    """The hole: a link made in one boutique still handed the bag to whoever held it after the bag
    went back to the brand (or on to another boutique), and kept the next boutique from making one."""
    code = new_link(store, as_account, in_store)
    typed = client.get(f"/api/claim/{code}").json()["typedData"]  # Alice opened it, and signs later
    as_account(RETAILER).transfer(in_store, address(5))  # back to the brand
    as_account(5).transfer(in_store, address(RETAILER))  # and into the boutique again
    shown = client.get(f"/api/claim/{code}")
    assert shown.status_code == 410 and "moved" in shown.json()["error"]  # said before the wallet opens
    response = client.post(f"/api/claim/{code}", json={"buyer": address(ALICE), "signature": claim_signature(typed, ALICE)})
    assert response.status_code == 410 and "moved" in response.json()["error"]
    assert as_account(0).owner_of(in_store) == address(RETAILER)
    assert store.query("SELECT tx FROM relayed") == []  # nothing reserved, nothing sent
    claim(client, new_link(store, as_account, in_store), BOB)  # the boutique's new link works at once
    assert as_account(0).owner_of(in_store) == address(BOB)


def test_a_link_for_another_brands_passport_is_not_honoured(client, store, consortium, signer):
    """A server serving Maison Aurel makes no first sale in Casa Vellutti's collection, whatever
    its database holds."""
    rival = Collection(signer(2), consortium.brand(2).collection)
    rival.set_role("minter", signer(2).address, True)
    token = int(rival.mint({"serial": f"VEL-C-{time.monotonic_ns()}"}).passport_id, 16)
    code = claims.create_link(store, rival, token, RESOLVER, 3600).url.rsplit("/", 1)[1]
    assert "not a collection this relayer pays for" in claim(client, code, ALICE, expect=403)["error"]
    assert rival.owner_of(token) == signer(2).address


def test_a_database_from_before_links_named_their_nonce_opens(tmp_path):
    import sqlite3
    folder = tmp_path / "old"
    folder.mkdir()
    old = sqlite3.connect(folder / "owners.sqlite")
    old.execute("CREATE TABLE claim_links (code_hash TEXT PRIMARY KEY, collection TEXT NOT NULL, token_id TEXT NOT "
                "NULL, expires INTEGER NOT NULL, created REAL NOT NULL, buyer TEXT, tx TEXT, claimed REAL)")
    old.commit()
    old.close()
    columns = [r["name"] for r in OwnerStore(folder).query("PRAGMA table_info(claim_links)")]
    assert columns[-1] == "nonce"


def test_an_unknown_code_is_404(client):
    assert client.get("/api/claim/not-a-real-code-at-all").status_code == 404


def test_the_boutique_creates_a_link_and_its_qr_code(lux, consortium, as_account, in_store, data_dir, tmp_path):
    result = lux("claim-link", "create", "--brand", "Maison Aurel", "--id", passport_hex(in_store), "--resolver",
                 "https://aurel.example", "--valid-for", "30m", "--out", tmp_path / "bag", "--data-dir", data_dir,
                 "--json")
    assert '"url": "https://aurel.example/claim/' in result.stdout
    assert (tmp_path / "bag.svg").is_file() and (tmp_path / "bag.png").is_file()


# --- the owners' club --------------------------------------------------------------------------

def sign_in(client, index: int, expect: int = 200, domain: str | None = None, domain_was: str = SITE):
    nonce = client.get("/api/siwe/nonce", params={"address": address(index)}).json()
    message = nonce["message"] if domain is None else nonce["message"].replace(domain_was, domain, 1)
    signature = Account.sign_message(encode_defunct(text=message), dev_account(index, 31337).key).signature
    response = client.post("/api/siwe/verify", json={"message": message, "signature": "0x" + bytes(signature).hex()})
    assert response.status_code == expect, response.text
    return response, message, signature


def test_a_holder_signs_in_and_reads_the_club(client, sold_to_alice):
    response, _, _ = sign_in(client, ALICE)
    assert response.json()["passports"][0]["tokenId"] == passport_hex(sold_to_alice)
    assert "token" not in response.json() and "luxpass_session" in response.cookies
    club = client.get("/api/club").json()
    assert club["address"] == address(ALICE) and club["content"]["title"] == "Aurel owners"


def test_a_non_holder_cannot_sign_in(client, sold_to_alice):
    response, _, _ = sign_in(client, STRANGER, expect=403)
    assert "holds no passport" in response.json()["error"]
    assert client.get("/api/club").status_code == 401 and client.get("/api/notices").status_code == 401


def test_a_sign_in_message_works_once_and_on_this_site_only(client, sold_to_alice):
    _, message, signature = sign_in(client, ALICE)
    again = client.post("/api/siwe/verify", json={"message": message, "signature": "0x" + bytes(signature).hex()})
    assert again.status_code == 403 and "nonce" in again.json()["error"]
    sign_in(client, ALICE, expect=403, domain="evil.example")


def test_a_sign_in_made_for_another_site_is_refused_whatever_host_its_request_names(client, sold_to_alice):
    """The hole: the server took the domain a sign-in must name from the request's Host header,
    which its sender chooses. A phishing site fetched a nonce here, had Alice sign in "to
    evil.example" (her wallet saw no mismatch: the page was evil.example), and sent her signature
    here with `Host: evil.example`, to read her club and her notices."""
    nonce = client.get("/api/siwe/nonce", params={"address": address(ALICE)}).json()["message"]
    phished = nonce.replace("testserver", "evil.example")
    signature = Account.sign_message(encode_defunct(text=phished), dev_account(ALICE, 31337).key).signature
    response = client.post("/api/siwe/verify", headers={"host": "evil.example"},
                           json={"message": phished, "signature": "0x" + bytes(signature).hex()})
    assert response.status_code == 403 and "luxpass_session" not in response.cookies
    assert client.get("/api/club").status_code == 401


def test_a_server_that_does_not_know_its_site_signs_in_on_loopback_only(rpc_url, consortium, data_dir,
                                                                        sold_to_alice):
    options = OwnerOptions(rpc_url, data_dir, None, "Maison Aurel")
    loopback = "http://127.0.0.1:8000"
    for base, client in (("http://testserver", ("127.0.0.1", 50000)), (loopback, ("203.0.113.9", 50000))):
        with TestClient(create_app(rpc_url, owners=options), base_url=base, client=client) as elsewhere:
            response = elsewhere.get("/api/siwe/nonce", params={"address": address(ALICE)})
            assert response.status_code == 503 and "--site" in response.json()["error"]
    with TestClient(create_app(rpc_url, owners=options), base_url=loopback, client=("127.0.0.1", 50000)) as local:
        sign_in(local, ALICE)


def test_serve_site_option_reaches_the_club(rpc_url):
    from luxpass.cli.owners import owner_options
    assert owner_options(rpc_url, site="aurel.example").site == "aurel.example"
    assert owner_options(rpc_url).site is None


def test_a_sign_in_for_another_chain_or_past_its_expiry_is_refused(client, sold_to_alice):
    for change, refusal in ((lambda m: m.replace("Chain ID: 31337", "Chain ID: 1"), "for chain 1"),
                            (lambda m: m + "\nExpiration Time: 2020-01-01T00:00:00Z", "does not verify")):
        nonce = client.get("/api/siwe/nonce", params={"address": address(ALICE)}).json()["message"]
        message = change(nonce)
        signature = Account.sign_message(encode_defunct(text=message), dev_account(ALICE, 31337).key).signature
        response = client.post("/api/siwe/verify", json={"message": message, "signature": "0x" + bytes(signature).hex()})
        assert response.status_code == 403 and refusal in response.json()["error"], response.text
    assert client.get("/api/club").status_code == 401


def test_the_previous_owner_loses_the_club_and_the_notices(client, sold_to_alice, as_account, store):
    sign_in(client, ALICE)
    as_account(ALICE).transfer(sold_to_alice, address(BOB))
    assert client.get("/api/club").status_code == 403
    assert client.get("/api/notices").status_code == 403


def post(store, as_account, signer, title, token=None):
    return post_notice(store, as_account(0).address, signer(0).w3.eth.block_number, title, "details", "service",
                       token)


def test_a_new_owner_reads_only_the_notices_from_her_purchase_on(client, store, sold_to_alice, as_account, signer):
    post(store, as_account, signer, "for alice's time")
    post(store, as_account, signer, "alice's bag, her time", sold_to_alice)
    as_account(ALICE).transfer(sold_to_alice, address(BOB))
    post(store, as_account, signer, "for every holder, now")
    post(store, as_account, signer, "this bag, now", sold_to_alice)
    post(store, as_account, signer, "another bag", 12345)
    sign_in(client, BOB)
    titles = [n["title"] for n in client.get("/api/notices").json()["notices"]]
    assert titles == ["this bag, now", "for every holder, now"]


def test_a_holder_opts_out_and_back_in(client, store, sold_to_alice, as_account, signer):
    post(store, as_account, signer, "invitation")
    sign_in(client, ALICE)
    assert client.post("/api/notices/opt-out").json() == {"optedOut": True}
    assert client.get("/api/notices").json()["notices"] == []
    assert client.post("/api/notices/opt-in").json() == {"optedOut": False}
    assert [n["title"] for n in client.get("/api/notices").json()["notices"]] == ["invitation"]


def test_the_brand_posts_a_notice_from_the_command_line(lux, consortium, data_dir, store):
    result = lux("notice", "post", "--brand", "Maison Aurel", "--title", "Recall", "--body", "Clasp check",
                 "--kind", "recall", "--data-dir", data_dir, "--json")
    assert '"kind": "recall"' in result.stdout
    assert store.query("SELECT title, token_id FROM notices")[0]["title"] == "Recall"
    lux("notice", "post", "--brand", "Maison Aurel", "--title", "x", "--body", "y", "--kind", "spam", expect=2)


def test_a_link_stays_bound_to_its_first_buyer_when_the_sale_fails(rpc_url, consortium, data_dir, store, as_account,
                                                                   in_store, signer):
    """The server's relayer lacks the retailer's role: Alice's claim binds the link to her and
    the sale is refused; Bob is refused the link; once the role is granted, Alice's retry works."""
    relayer = dev_account(4, 31337)
    options = OwnerOptions(rpc_url, data_dir, relayer, "Maison Aurel")
    with TestClient(create_app(rpc_url, owners=options)) as client:
        code = new_link(store, as_account, in_store)
        assert "AccessControlUnauthorizedAccount" in claim(client, code, ALICE, expect=409)["error"]
        expires = client.get(f"/api/claim/{code}").json()["expires"]
        typed = claims.claim_typed_data(31337, as_account(0).address, in_store, code, expires, None)
        response = client.post(f"/api/claim/{code}", json={"buyer": address(BOB), "signature": claim_signature(typed, BOB)})
        assert response.status_code == 410 and "another wallet" in response.json()["error"]
        Collection(signer(1), as_account(0).address).set_role("retailer", relayer.address, True)
        claim(client, code, ALICE)
    assert as_account(0).owner_of(in_store) == address(ALICE)
