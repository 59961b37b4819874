"""A Safe's owners tried as attackers of the relayer that pays for their Safe transactions."""
from starlette.testclient import TestClient

from luxpass.chain.accounts import dev_account
from luxpass.owners.relay import Caps
from luxpass.owners.safe_relay import MOST_GAS
from luxpass.values import passport_hex
from luxpass.web.app import create_app
from luxpass.web.owner import OwnerOptions
from test_owner_safe import ALICE, BOB, RETAILER, data_dir, in_store, owners_sign, safe, sold_to_safe  # noqa: F401


def test_a_safe_cannot_make_the_relayer_pay_past_its_daily_cap(rpc_url, consortium, data_dir, safe,  # noqa: F811
                                                              sold_to_safe, as_account, signer, GasBurnerMock,
                                                              accounts):
    """The Safe gives its bag to a contract of its owners' that burns gas on receipt: the relayer,
    allowed one Safe transaction's worth a day, pays no more than that (it refuses, or pays within)."""
    burner = GasBurnerMock.deploy(150, {"from": accounts[0]})
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
