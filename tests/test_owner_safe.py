"""An owner that is a Safe (2 of 2: Alice and Bob): it reports its bag stolen by a Safe
transaction that the relayer pays for, signs in to the owners' club (ERC-1271) and takes a
passport by claim link, never needing ether."""
import time

import pytest
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct, encode_typed_data
from eth_utils import keccak
from starlette.testclient import TestClient

from luxpass.chain.accounts import dev_account
from luxpass.local import safe_jobs
from luxpass.onchain import safe as safes
from luxpass.owners import claims
from luxpass.owners.store import OwnerStore
from luxpass.spec import Status
from luxpass.values import passport_hex
from luxpass.web.app import create_app
from luxpass.web.owner import OwnerOptions

ALICE, BOB, RETAILER, STRANGER = 7, 8, 6, 9


def key(index):
    return dev_account(index, 31337).key


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "server"


@pytest.fixture
def client(rpc_url, consortium, data_dir):
    options = OwnerOptions(rpc_url, data_dir, dev_account(RETAILER, 31337), "Maison Aurel", site="testserver")
    with TestClient(create_app(rpc_url, owners=options), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def safe(signer):
    return safe_jobs.create(signer(0), [signer(ALICE).address, signer(BOB).address], 2, salt=time.monotonic_ns()).safe


@pytest.fixture
def in_store(as_account, signer):
    token = int(as_account(5).mint({"serial": f"AUR-S-{time.monotonic_ns()}"}).passport_id, 16)
    as_account(5).transfer(token, signer(RETAILER).address)
    return token


@pytest.fixture
def sold_to_safe(as_account, in_store, safe):
    as_account(RETAILER).first_sale(in_store, safe)
    return in_store


def owners_sign(typed: dict, *indexes) -> list[dict]:
    return [{"signer": dev_account(i, 31337).address,
             "signature": "0x" + bytes(Account.sign_message(encode_typed_data(full_message=typed), key(i)).signature).hex()}
            for i in indexes]


def test_a_safe_reports_its_bag_stolen_paying_nothing(client, safe, sold_to_safe, as_account, signer):
    prepared = client.post("/api/relay/safe/prepare", json={"safe": safe, "collection": as_account(0).address,
                                                             "action": "reportStatus",
                                                             "args": [passport_hex(sold_to_safe), "stolen"]}).json()
    assert prepared["threshold"] == 2
    typed = prepared["typedData"]
    body = {"safe": safe, "safeTx": typed["message"], "signatures": owners_sign(typed, ALICE, BOB)}
    assert client.post("/api/relay/safe", json=body).status_code == 200
    assert as_account(0).passport(sold_to_safe)["status"] == Status.STOLEN
    assert signer(0).w3.eth.get_balance(safe) == 0
    replay = client.post("/api/relay/safe", json=body)
    assert replay.status_code == 409 and "Safe nonce" in replay.json()["error"]


def test_one_owner_or_a_stranger_cannot_act_for_the_safe(client, safe, sold_to_safe, as_account):
    typed = client.post("/api/relay/safe/prepare", json={"safe": safe, "collection": as_account(0).address,
                                                          "action": "revokeSignatures",
                                                          "args": [passport_hex(sold_to_safe)]}).json()["typedData"]
    for signers, reason in (((ALICE,), "of the 2"), ((ALICE, STRANGER), "does not own the Safe")):
        response = client.post("/api/relay/safe", json={"safe": safe, "safeTx": typed["message"],
                                                        "signatures": owners_sign(typed, *signers)})
        assert response.status_code == 403 and reason in response.json()["error"], response.text


def test_a_safe_cannot_act_on_a_passport_it_does_not_hold(client, safe, in_store, as_account):
    response = client.post("/api/relay/safe/prepare", json={"safe": safe, "collection": as_account(0).address,
                                                             "action": "reportStatus",
                                                             "args": [passport_hex(in_store), "lost"]})
    assert response.status_code == 409 and "ERC721IncorrectOwner" in response.json()["error"]


def test_a_safe_signs_in_to_the_club(client, safe, sold_to_safe):
    message = client.get("/api/siwe/nonce", params={"address": safe}).json()["message"]
    digest = _hash_eip191_message(encode_defunct(text=message))
    signature = safes.sign_for_safe(31337, safe, digest, [dev_account(ALICE, 31337), dev_account(BOB, 31337)])
    response = client.post("/api/siwe/verify", json={"message": message, "signature": "0x" + signature.hex()})
    assert response.status_code == 200, response.text
    assert response.json()["address"] == safe and client.get("/api/club").status_code == 200


def test_a_safe_takes_a_passport_by_claim_link(client, safe, in_store, as_account, data_dir):
    link = claims.create_link(OwnerStore(data_dir), as_account(0), in_store, "http://testserver", 3600)
    code = link.url.rsplit("/", 1)[1]
    typed = client.get(f"/api/claim/{code}").json()["typedData"]
    typed["message"]["buyer"] = safe
    signable = encode_typed_data(full_message=typed)

    digest = keccak(b"\x19\x01" + signable.header + signable.body)
    signature = safes.sign_for_safe(31337, safe, digest, [dev_account(ALICE, 31337), dev_account(BOB, 31337)])
    response = client.post(f"/api/claim/{code}", json={"buyer": safe, "signature": "0x" + signature.hex()})
    assert response.status_code == 200, response.text
    assert as_account(0).owner_of(in_store) == safe
