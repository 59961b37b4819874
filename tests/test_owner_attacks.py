"""The relayer tried from outside, where the contracts alone would let an attacker through: a
stranger who runs his own copy of the passport code (it trusts the consortium's forwarder like
every collection), a stranger who would use up an owner's daily allowance with requests the
passport refuses, and an owner who signs too little gas so that the relayer pays for a failure.
Each is refused before the relayer pays anything (what test_owner_relay.py tries is not repeated)."""
import time

from starlette.testclient import TestClient
from web3 import Web3

from luxpass.chain.accounts import dev_account
from luxpass.onchain.collection import Collection
from luxpass.onchain.forwarder import Forwarder
from luxpass.owners.passports import forwarder_of
from luxpass.owners.relay import Caps
from luxpass.owners.store import OwnerStore
from luxpass.web.app import create_app
from test_owner_relay import ALICE, RELAYER, STRANGER, client, options, prepare, relay, signed, sold  # noqa: F401

MINTER_ROLE = Web3.keccak(text="MINTER_ROLE")


def eip1167(implementation: str) -> bytes:
    """The creation code of an EIP-1167 minimal proxy of `implementation`, as the registry's clones."""
    return bytes.fromhex("3d602d80600a3d3981f3363d3d373d3d3d363d73" + implementation[2:].lower()
                         + "5af43d82803e903d91602b57fd5bf3")


def own_clone(chain, genuine: str) -> str:
    """A clone of the consortium's passport implementation that `chain`'s account made and
    initialised itself, as brand 1 under brand 1's name: the address."""
    w3, me = chain.w3, chain.address
    implementation = Web3.to_checksum_address(w3.eth.get_code(genuine)[10:30])
    created = w3.eth.send_transaction({"from": me, "data": eip1167(implementation)})
    receipt = w3.eth.wait_for_transaction_receipt(created)
    clone = chain.contract("BrandPassport", receipt["contractAddress"])
    for call in (clone.functions.initialize(1, "Maison Aurel", "AUR", me), clone.functions.grantRole(MINTER_ROLE, me)):
        assert w3.eth.wait_for_transaction_receipt(call.transact({"from": me}))["status"] == 1
    return clone.address


def test_a_look_alike_clone_trusting_the_forwarder_is_never_paid_for(client, consortium, signer):  # noqa: F811
    """The clone runs the passport's own code, so the forwarder relays to it and the passport in it
    accepts its owner's request; only the relayer's registry check refuses to pay."""
    stranger = signer(STRANGER)
    clone = own_clone(stranger, consortium.brand(1).collection)
    minted = Collection(stranger, clone).mint({"serial": f"AUR-LOOK-ALIKE-{time.monotonic_ns()}"})
    token = int(minted.passport_id, 16)
    typed = prepare(client, STRANGER, clone, "revokeSignatures", [str(token)])
    Forwarder(stranger, forwarder_of(consortium)).simulate_call(stranger.address, clone, bytes.fromhex(
        typed["message"]["data"][2:]))  # the forwarder and the clone would both accept it
    balance = stranger.w3.eth.get_balance(dev_account(RELAYER, 31337).address)
    assert "not a collection this relayer pays for" in relay(client, signed(typed, STRANGER), 403)["error"]
    assert stranger.w3.eth.get_balance(dev_account(RELAYER, 31337).address) == balance
    assert consortium.brand_id_of(clone) == 0


def test_a_brands_server_pays_for_no_other_brands_passports(rpc_url, consortium, tmp_path, signer):
    """Maison Aurel's relayer (--serve-brand) is asked to pay for Alice's request on her Casa
    Vellutti passport, a genuine one of an active brand: it refuses, paying nothing."""
    rival = Collection(signer(2), consortium.brand(2).collection)
    for role in ("minter", "retailer"):
        rival.set_role(role, signer(2).address, True)
    token = int(rival.mint({"serial": f"VEL-R-{time.monotonic_ns()}"}).passport_id, 16)
    rival.first_sale(token, dev_account(ALICE, 31337).address)
    served = options(rpc_url, tmp_path)
    served.brand = "Maison Aurel"
    relayer = dev_account(RELAYER, 31337).address
    with TestClient(create_app(rpc_url, owners=served)) as c:
        body = signed(prepare(c, ALICE, rival.address, "revokeSignatures", [str(token)]), ALICE)
        balance = signer(0).w3.eth.get_balance(relayer)
        assert "served here" in relay(c, body, 403)["error"]
    assert signer(0).w3.eth.get_balance(relayer) == balance
    assert rival.nonce(token) == int(body["request"]["data"][-64:], 16)


def test_refused_requests_of_a_stranger_do_not_use_up_the_owners_allowance(rpc_url, consortium, tmp_path,
                                                                           sold):  # noqa: F811
    collection, token = sold
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path, caps=Caps(per_passport_per_day=2)))) as c:
        for status in ("stolen", "lost", "stolen", "lost"):
            typed = prepare(c, ALICE, collection, "reportStatus", [str(token), status])
            typed["message"]["from"] = dev_account(STRANGER, 31337).address
            assert "the passport would refuse it" in relay(c, signed(typed, STRANGER), 409)["error"]
        relay(c, signed(prepare(c, ALICE, collection, "reportStatus", [str(token), "lost"]), ALICE))
        relay(c, signed(prepare(c, ALICE, collection, "reportFound", [str(token)]), ALICE))
        third = signed(prepare(c, ALICE, collection, "revokeSignatures", [str(token)]), ALICE)
        assert "its daily cap" in relay(c, third, 429)["error"]


def test_a_request_signed_with_too_little_gas_is_refused_unpaid(client, sold, signer):  # noqa: F811
    """With too little gas the forwarder's call would fail on chain, the relayer paying for it; the
    relayer's estimate of the whole transaction refuses it first."""
    collection, token = sold
    typed = prepare(client, ALICE, collection, "reportStatus", [str(token), "stolen"])
    typed["message"]["gas"] = 5_000
    chain = signer(ALICE)
    balance = chain.w3.eth.get_balance(dev_account(RELAYER, 31337).address)
    assert "refused" in relay(client, signed(typed, ALICE), 409)["error"]
    assert chain.w3.eth.get_balance(dev_account(RELAYER, 31337).address) == balance
    assert Collection(chain, collection).nonce(token) == int(typed["message"]["data"][-64:], 16)


def test_a_request_signed_with_far_more_gas_than_it_needs_is_refused_and_the_budget_stays_whole(
        rpc_url, consortium, tmp_path, sold, signer):  # noqa: F811
    """The hole: the caps reserve the request's signed gas, whatever its call needs, so one owner's
    request could hold nearly all of the brand's shared daily budget (for good, if the relayer
    stopped before it was mined), and a recipient that burns what it is given could spend it. The
    relayer refuses a signed gas above its own estimate of the call by more than a margin."""
    collection, token = sold
    chain, relayer = signer(ALICE), dev_account(RELAYER, 31337).address
    day = 300_000 * 2 * chain.w3.eth.gas_price  # a few owner actions' worth, as the burner test's cap
    store = OwnerStore(tmp_path / "server")
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path, caps=Caps(wei_per_day=day)))) as c:
        typed = prepare(c, ALICE, collection, "revokeSignatures", [str(token)])
        prepared_gas = typed["message"]["gas"]
        typed["message"]["gas"] = 200_000  # its reservation alone is 93 % of the day's budget
        balance = chain.w3.eth.get_balance(relayer)
        refused = relay(c, signed(typed, ALICE), 403)["error"]
        assert "allows 200000 gas" in refused and "pays for at most" in refused
        assert chain.w3.eth.get_balance(relayer) == balance and store.query("SELECT * FROM relayed") == []
        assert Collection(chain, collection).nonce(token) == int(typed["message"]["data"][-64:], 16)
        for _ in range(3):  # the budget is whole: honest requests go on
            relay(c, signed(prepare(c, ALICE, collection, "revokeSignatures", [str(token)]), ALICE))
    assert prepared_gas < 200_000
    assert [r["state"] for r in store.query("SELECT state FROM relayed")] == ["mined"] * 3


def test_a_gift_to_a_recipient_that_burns_gas_is_paid_within_the_caps(rpc_url, consortium, tmp_path, sold, signer,
                                                                      GasBurnerMock, accounts):  # noqa: F811
    """The owner gives her bag (safeTransferFrom) to a contract of hers that burns gas on receipt:
    the request's signed gas covers the burn, and the relayer reserves that gas against its daily
    cap before paying, so it refuses rather than pay past the cap."""
    collection, token = sold
    burner = GasBurnerMock.deploy(accounts[0], 150, {"from": accounts[0]})
    w3, relayer = signer(0).w3, dev_account(RELAYER, 31337).address
    cap = 300_000 * 2 * w3.eth.gas_price  # a few owner actions' worth
    with TestClient(create_app(rpc_url, owners=options(rpc_url, tmp_path, caps=Caps(wei_per_day=cap)))) as c:
        typed = prepare(c, ALICE, collection, "safeTransferFrom",
                        [dev_account(ALICE, 31337).address, burner.address, str(token)])
        assert typed["message"]["gas"] > 3_000_000  # the burn is in the estimate the owner signs
        balance = w3.eth.get_balance(relayer)
        assert "daily spending cap" in relay(c, signed(typed, ALICE), 429)["error"]
    assert w3.eth.get_balance(relayer) == balance
    assert Collection(signer(0), collection).owner_of(token) == dev_account(ALICE, 31337).address
