"""Owners that are contract wallets tried as attackers of the relayer that pays for them: a Safe
giving its bag, and a wallet taking one by claim link, to a contract that burns gas on receipt."""
from eth_account import Account
from eth_account.messages import encode_typed_data
from starlette.testclient import TestClient

from luxpass.chain.accounts import dev_account
from luxpass.owners.claims import FIRST_SALE_GAS
from luxpass.owners.relay import Caps
from luxpass.owners.store import OwnerStore
from luxpass.owners.safe_relay import MOST_GAS
from luxpass.values import passport_hex
from luxpass.web.app import create_app
from luxpass.web.owner import OwnerOptions
from test_owner_club import new_link
from test_owner_safe import ALICE, BOB, RETAILER, data_dir, in_store, key, owners_sign, safe, sold_to_safe  # noqa: F401


def test_a_safe_cannot_make_the_relayer_pay_past_its_daily_cap(rpc_url, consortium, data_dir, safe,  # noqa: F811
                                                              sold_to_safe, as_account, signer, GasBurnerMock,
                                                              accounts):
    """The Safe gives its bag to a contract of its owners' that burns gas on receipt: the relayer,
    allowed one Safe transaction's worth a day, pays no more than that (it refuses, or pays within)."""
    burner = GasBurnerMock.deploy(accounts[0], 150, {"from": accounts[0]})
    w3, relayer = signer(0).w3, dev_account(RETAILER, 31337).address
    cap = MOST_GAS * 2 * w3.eth.gas_price
    options = OwnerOptions(rpc_url, data_dir, dev_account(RETAILER, 31337), "Maison Aurel", caps=Caps(wei_per_day=cap))
    with TestClient(create_app(rpc_url, owners=options), raise_server_exceptions=False) as client:
        prepared = client.post("/api/relay/safe/prepare", json={
            "safe": safe, "collection": as_account(0).address, "action": "safeTransferFrom",
            "args": [safe, burner.address, passport_hex(sold_to_safe)]})
        assert prepared.status_code == 200, prepared.text
        typed = prepared.json()["typedData"]
        balance = w3.eth.get_balance(relayer)
        response = client.post("/api/relay/safe", json={"safe": safe, "safeTx": typed["message"],
                                                        "signatures": owners_sign(typed, ALICE, BOB)})
        paid = balance - w3.eth.get_balance(relayer)
    assert paid <= cap, (response.status_code, response.text, paid, cap)
    assert response.status_code == 403 and "more than the" in response.json()["error"], response.text
    assert paid == 0 and as_account(0).owner_of(sold_to_safe) == safe


def test_a_wallet_taking_its_bag_by_claim_link_cannot_make_the_sale_cost_more(rpc_url, consortium, data_dir,  # noqa: F811
                                                                             in_store, as_account, signer,
                                                                             GasBurnerMock, accounts):
    """Alice's contract wallet (ERC-1271) burns gas when the bag arrives: the relayer's first sale
    would cost it 3.5M gas where it reserves FIRST_SALE_GAS, so it refuses before paying."""
    burner = GasBurnerMock.deploy(dev_account(ALICE, 31337).address, 150, {"from": accounts[0]})
    code = new_link(OwnerStore(data_dir), as_account, in_store)
    w3, relayer = signer(0).w3, dev_account(RETAILER, 31337).address
    options = OwnerOptions(rpc_url, data_dir, dev_account(RETAILER, 31337), "Maison Aurel")
    with TestClient(create_app(rpc_url, owners=options), raise_server_exceptions=False) as client:
        typed = client.get(f"/api/claim/{code}").json()["typedData"]
        claim = {**typed, "message": {**typed["message"], "buyer": burner.address}}
        signature = Account.sign_message(encode_typed_data(full_message=claim), key(ALICE)).signature
        balance = w3.eth.get_balance(relayer)
        response = client.post(f"/api/claim/{code}", json={"buyer": burner.address,
                                                           "signature": "0x" + bytes(signature).hex()})
    assert response.status_code == 403, response.text
    assert f"more than the {FIRST_SALE_GAS}" in response.json()["error"]
    assert w3.eth.get_balance(relayer) == balance and as_account(0).owner_of(in_store) == relayer
