"""The owner's API and the relayer, in process (Starlette's TestClient) against the test chain: an
owner with no ether reports her bag stolen and found and gives it away, each request checked
before it is paid for; the relayer refuses replays, forgeries, stale, expired and foreign
requests, and never pays past its caps, under a flood too (a real server on loopback)."""
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
import uvicorn
from eth_account import Account
from eth_account.messages import encode_typed_data
from starlette.testclient import TestClient

from cli_helpers import error_line
from luxpass.chain.accounts import dev_account
from luxpass.chain.connection import Chain
from luxpass.chain.journal import JournalFolder
from luxpass.errors import LuxpassError
from luxpass.onchain.collection import Collection
from luxpass.onchain.registry import Consortium
from luxpass.onchain.forwarder import Forwarder, ForwardRequest, owner_action, sign
from luxpass.owners.passports import forwarder_of
from luxpass.owners.relay import Caps, Relayer
from luxpass.owners.store import OwnerStore
from luxpass.spec import Status
from luxpass.values import passport_hex
from luxpass.web.app import create_app
from luxpass.web.owner import OwnerOptions

ALICE, BOB, RELAYER, STRANGER = 7, 8, 4, 9


def key(index: int):
    return dev_account(index, 31337).key


def options(rpc_url, tmp_path, relayer=True, caps=Caps()) -> OwnerOptions:
    return OwnerOptions(rpc_url, tmp_path / "server", dev_account(RELAYER, 31337) if relayer else None, caps=caps)


@pytest.fixture
def client(rpc_url, consortium, tmp_path):
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path)), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def sold(as_account, signer):
    """A passport minted and sold new to Alice: (collection, token id)."""
    minted = as_account(5).mint({"serial": f"AUR-R-{time.monotonic_ns()}"})
    token = int(minted.passport_id, 16)
    as_account(5).transfer(token, signer(6).address)
    as_account(6).first_sale(token, signer(ALICE).address)
    return as_account(5).address, token


def prepare(client, sender: int, collection: str, action: str, args: list, **extra) -> dict:
    response = client.post("/api/relay/prepare", json={"from": dev_account(sender, 31337).address,
                                                        "collection": collection, "action": action, "args": args,
                                                        **extra})
    assert response.status_code == 200, response.text
    return response.json()["typedData"]


def signed(typed: dict, index: int) -> dict:
    signature = Account.sign_message(encode_typed_data(full_message=typed), key(index)).signature
    return {"request": typed["message"], "signature": "0x" + bytes(signature).hex()}


def relay(client, body: dict, expect: int = 200) -> dict:
    response = client.post("/api/relay", json=body)
    assert response.status_code == expect, response.text
    assert set(response.json()) >= ({"tx", "block"} if expect == 200 else {"error"})
    return response.json()


# --- an owner with no ether -------------------------------------------------------------------

def test_owner_reports_stolen_and_found_paying_nothing(client, sold, signer, as_account, rpc_url, tmp_path):
    collection, token = sold
    balance = signer(ALICE).w3.eth.get_balance(signer(ALICE).address)
    stolen = relay(client, signed(prepare(client, ALICE, collection, "reportStatus", [passport_hex(token), "stolen"]),
                                  ALICE))
    assert stolen["action"] == "reportStatus" and as_account(0).passport(token)["status"] == Status.STOLEN
    relay(client, signed(prepare(client, ALICE, collection, "reportFound", [passport_hex(token)]), ALICE))
    assert as_account(0).passport(token)["status"] == Status.ACTIVE
    assert signer(ALICE).w3.eth.get_balance(signer(ALICE).address) == balance
    state = client.get(f"/api/passport/{collection}/{passport_hex(token)}").json()
    assert state["owner"] == signer(ALICE).address and state["status"] == "active" and state["genuine"]


def test_each_relayed_request_is_journaled_with_its_transaction(client, sold, rpc_url, tmp_path):
    collection, token = sold
    sent = relay(client, signed(prepare(client, ALICE, collection, "revokeSignatures", [str(token)]), ALICE))
    rows = OwnerStore(tmp_path / "server").query("SELECT action, tx, state, token_id, paid_wei FROM relayed")
    assert [(r["action"], r["tx"], r["state"], r["token_id"]) for r in rows] == \
        [("revokeSignatures", sent["tx"], "mined", passport_hex(token))]
    assert int(rows[0]["paid_wei"]) == int(sent["paidWei"]) > 0


def test_a_relayer_stopped_before_its_transaction_is_mined_finishes_it_and_pays_once(client, sold, rpc_url,
                                                                                      consortium, tmp_path):
    """The relayer's transaction is journalled before it is sent (it is a RelaySender of the
    relayer's KeySender): the chain stalls, the relayer times out and is restarted, the node has
    lost the transaction meanwhile; the same request again gets that same transaction, its same
    bytes sent again, and the reservation of the first attempt settled: one payment, one row."""
    collection, token = sold
    body = signed(prepare(client, ALICE, collection, "reportStatus", [str(token), "lost"]), ALICE)
    store, journals = OwnerStore(tmp_path / "relayer"), JournalFolder(tmp_path / "relayer" / "journals")

    def relayer():
        chain = Chain(rpc_url, dev_account(RELAYER, 31337), log=lambda _: None, timeout=2, journals=journals)
        return Relayer(chain, Consortium(chain, consortium.deployment), forwarder_of(consortium), store)

    first, node = relayer(), consortium.chain.w3.provider
    paid_before = first.chain.w3.eth.get_transaction_count(first.address)
    node.make_request("evm_setAutomine", [False])
    try:
        with pytest.raises(LuxpassError, match="was not mined within 2 s"):
            first.relay(body["request"], body["signature"])
        [journal] = (tmp_path / "relayer" / "journals").rglob("*.json")
        [pending] = [t["hash"] for t in json.loads(journal.read_text())["transactions"]]
        assert store.query("SELECT state FROM relayed")[0]["state"] == "reserved"
        node.make_request("anvil_dropTransaction", [pending])
    finally:
        node.make_request("evm_setAutomine", [True])
    done = relayer().relay(body["request"], body["signature"])
    assert done.tx == pending and Status(Collection(consortium.chain, collection).passport(token)
                                                     ["status"]) == Status.LOST
    assert first.chain.w3.eth.get_transaction_count(first.address) == paid_before + 1
    assert [(r["tx"], r["state"]) for r in store.query("SELECT tx, state FROM relayed")] == [(done.tx, "mined")]
    assert not list((tmp_path / "relayer" / "journals").rglob("*.json"))


def test_owner_gives_the_bag_away(client, sold, signer, as_account):
    collection, token = sold
    bob = signer(BOB).address
    relay(client, signed(prepare(client, ALICE, collection, "safeTransferFrom",
                                 [signer(ALICE).address, bob, passport_hex(token)]), ALICE))
    assert as_account(0).owner_of(token) == bob


def test_a_gift_to_an_address_that_cannot_hold_it_is_refused_before_signing(client, sold, signer, consortium):
    collection, token = sold
    for to, reason in ((consortium.registry.address, "ERC721InvalidReceiver"),
                       (signer(ALICE).address, "PassportSelfTransfer")):
        response = client.post("/api/relay/prepare", json={
            "from": signer(ALICE).address, "collection": collection, "action": "safeTransferFrom",
            "args": [signer(ALICE).address, to, passport_hex(token)]})
        assert response.status_code == 409 and reason in response.json()["error"], response.text


def test_config_names_the_forwarder_and_its_domain(client, consortium):
    config = client.get("/api/config").json()
    assert config["forwarder"]["address"] == consortium.deployment.forwarder
    assert config["forwarder"]["domain"]["name"] == "luxpass forwarder" and config["chainId"] == 31337
    assert config["relayer"] == {"enabled": True, "address": dev_account(RELAYER, 31337).address, "maxValidity": 3600}
    assert client.get(f"/api/forwarder/nonce/{dev_account(ALICE, 31337).address}").json()["nonce"] == 0


# --- what the relayer refuses, before paying ---------------------------------------------------

def test_a_replayed_request_is_refused(client, sold):
    collection, token = sold
    body = signed(prepare(client, ALICE, collection, "reportStatus", [str(token), "lost"]), ALICE)
    relay(client, body)
    assert "forwarder nonce" in relay(client, body, 409)["error"]


def test_a_request_signed_by_someone_else_is_refused(client, sold, signer):
    collection, token = sold
    typed = prepare(client, ALICE, collection, "reportStatus", [str(token), "stolen"])
    assert "signature is not" in relay(client, signed(typed, STRANGER), 403)["error"]


def test_the_previous_owner_cannot_report_by_relay(client, sold, signer, as_account):
    collection, token = sold
    as_account(ALICE).transfer(token, signer(BOB).address)
    response = client.post("/api/relay/prepare", json={"from": signer(ALICE).address, "collection": collection,
                                                        "action": "reportStatus", "args": [str(token), "stolen"]})
    assert response.status_code == 409 and "ERC721IncorrectOwner" in response.json()["error"]


def test_a_request_made_stale_by_a_move_is_refused(client, sold, signer, as_account):
    collection, token = sold
    body = signed(prepare(client, ALICE, collection, "reportStatus", [str(token), "stolen"]), ALICE)
    as_account(ALICE).transfer(token, signer(BOB).address)
    assert "passport nonce" in relay(client, body, 409)["error"]


def test_a_role_action_or_an_approval_is_not_relayed(client, sold, consortium, signer):
    collection, token = sold
    typed = prepare(client, ALICE, collection, "revokeSignatures", [str(token)])
    approve = "0x095ea7b3" + "00" * 12 + signer(BOB).address[2:].lower() + f"{token:064x}" + "00" * 32
    typed["message"]["data"] = approve
    assert "not an owner's action" in relay(client, signed(typed, ALICE), 400)["error"]


def test_expired_and_long_lived_requests_are_refused(client, sold):
    collection, token = sold
    typed = prepare(client, ALICE, collection, "revokeSignatures", [str(token)])
    typed["message"]["deadline"] = int(time.time()) - 3600
    assert "expired" in relay(client, signed(typed, ALICE), 410)["error"]
    typed["message"]["deadline"] = int(time.time()) + 7200
    assert "longer than 60 minutes" in relay(client, signed(typed, ALICE), 400)["error"]


def test_a_collection_outside_the_consortium_is_refused(client, sold, signer):
    collection, token = sold
    look_alike, _ = signer(9).sender.deploy("BrandPassport", "0x" + "00" * 20)
    typed = prepare(client, ALICE, collection, "revokeSignatures", [str(token)])
    typed["message"]["to"] = look_alike
    assert "not a collection this relayer pays for" in relay(client, signed(typed, ALICE), 403)["error"]


def test_malformed_bodies_get_one_line(client):
    for body in (None, [], {"request": "x", "signature": "0x00"}, {"request": {}, "signature": "zz"}):
        response = client.post("/api/relay", json=body)
        assert response.status_code == 400 and "\n" not in response.json()["error"], response.text


def test_a_server_without_relayer_says_so(rpc_url, consortium, tmp_path, sold):
    collection, token = sold
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path, relayer=False))) as client:
        assert client.get("/api/config").json()["relayer"]["enabled"] is False
        body = signed(prepare(client, ALICE, collection, "revokeSignatures", [str(token)]), ALICE)
        assert "runs no relayer" in relay(client, body, 503)["error"]


def test_a_relayer_out_of_ether_answers_503_and_sends_nothing(rpc_url, consortium, tmp_path, sold, as_account,
                                                              caplog):
    collection, token = sold
    broke = OwnerOptions(rpc_url, tmp_path / "server", Account.create())
    with TestClient(create_app(rpc_url, owners=broke), raise_server_exceptions=False) as client:
        before = as_account(0).passport(token)
        body = signed(prepare(client, ALICE, collection, "reportStatus", [str(token), "lost"]), ALICE)
        assert relay(client, body, 503)["error"] == ("the brand's relayer cannot pay the fee right now; "
                                                      "nothing was sent; try again later")
        assert as_account(0).passport(token) == before
    assert f"account {broke.relayer.address} has 0.000000 ETH" in caplog.text


def test_the_per_passport_cap_holds(rpc_url, consortium, tmp_path, sold, as_account):
    collection, token = sold
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path, caps=Caps(2, 10**18)))) as client:
        for _ in range(2):
            relay(client, signed(prepare(client, ALICE, collection, "revokeSignatures", [str(token)]), ALICE))
        nonce = as_account(0).nonce(token)
        body = signed(prepare(client, ALICE, collection, "revokeSignatures", [str(token)]), ALICE)
        assert "daily cap" in relay(client, body, 429)["error"]
        assert as_account(0).nonce(token) == nonce


def test_the_daily_spending_cap_holds(rpc_url, consortium, tmp_path, sold, signer):
    collection, token = sold
    relayer = dev_account(RELAYER, 31337).address
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path, caps=Caps(100, 1)))) as client:
        balance = signer(0).w3.eth.get_balance(relayer)
        body = signed(prepare(client, ALICE, collection, "revokeSignatures", [str(token)]), ALICE)
        assert "spending cap" in relay(client, body, 429)["error"]
        assert signer(0).w3.eth.get_balance(relayer) == balance


# --- a flood, on loopback ----------------------------------------------------------------------

FLOOD_COPIES = 5  # each honest request is sent this many times
FLOOD_FORGED = 180
FLOOD_SECONDS = 240


def test_a_flood_is_answered_and_never_paid_past_the_caps(rpc_url, consortium, tmp_path, as_account, signer):
    """240 requests from 16 threads against a real server on 127.0.0.1: 180 forged signatures,
    and three owners' four successive requests (forwarder nonces 0 to 3) each sent five times,
    in any order, for passports whose cap is 2 a day. Every request gets an answer within the
    bound, the config keeps answering meanwhile, and no passport is paid for more than twice."""
    owners = (ALICE, BOB, STRANGER)
    collection = as_account(5).address
    tokens = []
    for owner in owners:
        token = int(as_account(5).mint({"serial": f"AUR-F-{owner}-{time.monotonic_ns()}"}).passport_id, 16)
        as_account(5).transfer(token, signer(6).address)
        as_account(6).first_sale(token, signer(owner).address)
        tokens.append(token)
    forwarder = Forwarder(signer(0), consortium.deployment.forwarder)
    domain, deadline = forwarder.domain(), int(time.time()) + 600
    gas = forwarder.request(signer(ALICE).address, collection,
                            owner_action("revokeSignatures", (tokens[0],), as_account(0).nonce(tokens[0]))).gas

    def body(owner, token, k, by=None):
        passport_nonce = as_account(0).nonce(token) + k
        request = ForwardRequest(signer(owner).address, collection, 0, gas, k, deadline,
                                 owner_action("revokeSignatures", (token,), passport_nonce).data)
        return {"request": request.message(), "signature": "0x" + sign(domain, request, key(by or owner)).hex()}

    honest = [body(owner, token, k) for owner, token in zip(owners, tokens) for k in range(4)]
    forged = body(ALICE, tokens[0], 0, by=3)
    bodies = [b for b in honest for _ in range(FLOOD_COPIES)] + [forged] * FLOOD_FORGED
    random.Random(21).shuffle(bodies)
    app = create_app(rpc_url, owners=options(rpc_url, tmp_path, caps=Caps(2, 10**18)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=8765, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = "http://127.0.0.1:8765"
    started = time.monotonic()

    def send(one):
        if time.monotonic() - started > FLOOD_SECONDS:
            return None
        with httpx.Client(base_url=base, timeout=60) as http:
            return http.post("/api/relay", json=one).status_code

    try:
        while not server.started:
            time.sleep(0.05)
        with ThreadPoolExecutor(16) as pool:
            flood = pool.map(send, bodies)
            with httpx.Client(base_url=base, timeout=60) as http:
                during = http.get("/api/config")
            statuses = list(flood)
    finally:
        server.should_exit = True
        thread.join(10)
    assert during.status_code == 200
    assert None not in statuses, "the flood outlived its time bound"
    assert set(statuses) <= {200, 403, 409, 429} and statuses.count(403) == FLOOD_FORGED
    paid = OwnerStore(tmp_path / "server").query("SELECT token_id FROM relayed WHERE state = 'mined'")
    assert len(paid) == statuses.count(200) >= len(owners)  # each owner's first request, at least
    assert all([r["token_id"] for r in paid].count(passport_hex(t)) <= 2 for t in tokens)


def test_serve_refuses_a_relayer_it_cannot_unlock(lux, tmp_path):
    (tmp_path / "pw").write_text("secret")
    result = lux("serve", "--password-file", tmp_path / "pw", expect=2)
    assert "--password-file is for the relayer's keystore" in result.output + result.stderr
    assert "no keystore named 'nobody-here'" in error_line(lux("serve", "--relayer", "nobody-here", expect=2))
    result = lux("serve", "--relayer", "x", "--relayer-dev-account", "4", expect=2)
    assert "only one of --relayer" in result.output + result.stderr
