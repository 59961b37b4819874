"""Owners' actions relayed by the consortium's LuxpassForwarder (ERC-2771): each works with the
owner's signature alone, paid by someone else, and each is tried by those who would abuse it (a
front-runner, the previous owner, brand staff, another brand's relayer, a replay, an expired or a
stale request). The forwarder hides the passport's refusal behind FailedCall; `refusal` reads it
with an eth_call made as the forwarder."""
import brownie
import pytest
from brownie import ZERO_ADDRESS, web3

from contract_helpers import RETAILER_ROLE, error, key_of
from luxpass.chain import rpc
from luxpass.errors import ContractRevert
from luxpass.onchain.forwarder import ForwardRequest, owner_action, sign
from luxpass.spec import RELAYED_ACTIONS, Status
from luxpass.values import passport_hex

GAS = 400_000


@pytest.fixture(scope="module")
def relayer(accounts):
    """The brand's relayer: pays for owners' requests, holds no role and no passport."""
    return accounts[9]


@pytest.fixture
def chipped_sale(brand, minter, retailer, servicer, alice, in_store, accounts):
    """A passport with a chip, sold to alice."""
    brand.bindChip(in_store, accounts[3].address, {"from": servicer})
    brand.firstSale(in_store, alice, {"from": retailer})
    return in_store


def domain(forwarder):
    _, name, version, chain_id, verifying, _, _ = forwarder.eip712Domain()
    return {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying}


def signed(forwarder, collection, signer, name, args, *, passport_nonce=None, deadline=None, nonce=None,
           key_account=None, data=None):
    """A ForwardRequestData tuple: `signer`'s request for action `name(args)` on `collection`, at
    the passport's current nonce unless told, signed by `key_account` (default `signer`)."""
    token_id = args[RELAYED_ACTIONS[name][1]]
    action = owner_action(name, args, collection.nonces(token_id) if passport_nonce is None else passport_nonce)
    request = ForwardRequest(signer.address, collection.address, 0, GAS,
                             forwarder.nonces(signer) if nonce is None else nonce,
                             deadline if deadline is not None else brownie.chain.time() + 600,
                             action.data if data is None else data)
    signature = sign(domain(forwarder), request, key_of(key_account or signer))
    return request.execute_args(signature)


def refusal(forwarder, data):
    """The passport's own refusal of the call the forwarder would make: (name, args), a
    passport id as luxpass shows it (0x and 64 hex digits)."""
    sender, to, _, _, _, call, _ = data
    try:
        rpc.request(web3, "eth_call", [{"from": forwarder.address, "to": to,
                                        "data": "0x" + (bytes(call) + bytes.fromhex(sender[2:])).hex()}, "latest"])
    except ContractRevert as revert:
        return revert.name, revert.args_decoded
    return None


# --- each relayed action, paid by the relayer -------------------------------------------------

def test_owner_reports_stolen_and_found_without_paying(brand, forwarder, relayer, alice, sold):
    balance = alice.balance()
    tx = forwarder.execute(signed(forwarder, brand, alice, "reportStatus", (sold, Status.STOLEN)), {"from": relayer})
    assert tx.events["StatusChanged"]["by"] == alice and brand.passport(sold).dict()["status"] == Status.STOLEN
    forwarder.execute(signed(forwarder, brand, alice, "reportFound", (sold,)), {"from": relayer})
    assert brand.passport(sold).dict()["status"] == Status.ACTIVE
    assert alice.balance() == balance


def test_owner_gives_the_bag_away_by_a_relayed_transfer(brand, forwarder, relayer, alice, bob, sold):
    tx = forwarder.execute(signed(forwarder, brand, alice, "safeTransferFrom", (alice.address, bob.address, sold)),
                           {"from": relayer})
    assert brand.ownerOf(sold) == bob
    assert tx.events["OwnershipRecorded"]["agent"] == alice


def test_owner_cancels_a_recovery_and_revokes_signatures_relayed(brand, forwarder, relayer, admin, alice, bob, sold):
    brand.requestRecovery(sold, bob, {"from": admin})
    tx = forwarder.execute(signed(forwarder, brand, alice, "cancelRecovery", (sold,)), {"from": relayer})
    assert tx.events["RecoveryCancelled"]["by"] == alice and brand.recoveryHeld(sold)
    with brownie.reverts(error("PassportRecoveryRefusedByOwner", sold, alice)):  # her relayed cancel holds
        brand.requestRecovery(sold, bob, {"from": admin})
    nonce = brand.nonces(sold)
    forwarder.execute(signed(forwarder, brand, alice, "revokeSignatures", (sold,)), {"from": relayer})
    assert brand.nonces(sold) == nonce + 1


def test_owner_opens_the_chip_claim_relayed(brand, forwarder, relayer, alice, chipped_sale):
    forwarder.execute(signed(forwarder, brand, alice, "setChipClaim", (chipped_sale, True)), {"from": relayer})
    assert brand.chipClaimOpen(chipped_sale)


# --- who would abuse it ----------------------------------------------------------------------

def test_a_front_runner_who_submits_first_does_only_what_the_owner_signed(brand, forwarder, relayer, stranger,
                                                                         alice, bob, sold):
    request = signed(forwarder, brand, alice, "transferFrom", (alice.address, bob.address, sold))
    forwarder.execute(request, {"from": stranger})
    assert brand.ownerOf(sold) == bob
    with brownie.reverts():  # the relayer's own submission after it: the signer's nonce moved on
        forwarder.execute(request, {"from": relayer})
    assert forwarder.nonces(alice) == 1


def test_a_front_runner_cannot_redirect_the_gift(brand, forwarder, stranger, alice, bob, sold):
    request = list(signed(forwarder, brand, alice, "transferFrom", (alice.address, bob.address, sold)))
    request[5] = owner_action("transferFrom", (alice.address, stranger.address, sold), brand.nonces(sold)).data
    with brownie.reverts():
        forwarder.execute(tuple(request), {"from": stranger})
    assert not forwarder.verify(tuple(request))
    assert brand.ownerOf(sold) == alice


def test_a_replayed_request_is_refused(brand, forwarder, relayer, alice, sold):
    request = signed(forwarder, brand, alice, "reportStatus", (sold, Status.LOST))
    forwarder.execute(request, {"from": relayer})
    assert not forwarder.verify(request)
    with brownie.reverts():
        forwarder.execute(request, {"from": relayer})


def test_an_expired_request_is_refused(brand, forwarder, relayer, alice, sold):
    request = signed(forwarder, brand, alice, "reportStatus", (sold, Status.LOST), deadline=brownie.chain.time() - 1)
    with brownie.reverts(error("ERC2771ForwarderExpiredRequest", request[4])):
        forwarder.execute(request, {"from": relayer})


def test_the_previous_owners_unused_request_dies_when_the_bag_moves(brand, forwarder, relayer, alice, bob, sold):
    stale = signed(forwarder, brand, alice, "reportStatus", (sold, Status.STOLEN))
    nonce = brand.nonces(sold)
    brand.transferFrom(alice, bob, sold, {"from": alice})
    with brownie.reverts(error("LuxpassForwarderStaleRequest", sold, nonce, nonce + 1)):
        forwarder.execute(stale, {"from": relayer})
    assert brand.passport(sold).dict()["status"] == Status.ACTIVE


def test_an_old_gift_request_dies_even_when_the_bag_comes_back(brand, forwarder, relayer, alice, bob, stranger,
                                                              sold):
    """Alice signs a gift to a stranger and keeps it unsent; the bag goes to bob and comes back
    within the request's deadline, with alice's forwarder nonce unchanged: the request is dead."""
    old = signed(forwarder, brand, alice, "transferFrom", (alice.address, stranger.address, sold))
    nonce = brand.nonces(sold)
    brand.transferFrom(alice, bob, sold, {"from": alice})
    brand.transferFrom(bob, alice, sold, {"from": bob})
    assert forwarder.verify(old)  # signature, nonce and deadline are all still good for OpenZeppelin's checks
    with brownie.reverts(error("LuxpassForwarderStaleRequest", sold, nonce, nonce + 2)):
        forwarder.execute(old, {"from": relayer})
    assert brand.ownerOf(sold) == alice


def test_revoking_signatures_kills_an_outstanding_relayed_request(brand, forwarder, relayer, alice, bob, sold):
    outstanding = signed(forwarder, brand, alice, "transferFrom", (alice.address, bob.address, sold))
    brand.revokeSignatures(sold, {"from": alice})
    with brownie.reverts(error("LuxpassForwarderStaleRequest", sold, brand.nonces(sold) - 1, brand.nonces(sold))):
        forwarder.execute(outstanding, {"from": relayer})


def test_the_previous_owner_cannot_act_by_a_fresh_relayed_request(brand, forwarder, relayer, alice, bob, sold):
    brand.transferFrom(alice, bob, sold, {"from": alice})
    request = signed(forwarder, brand, alice, "reportStatus", (sold, Status.STOLEN))
    assert refusal(forwarder, request) == ("ERC721IncorrectOwner", (alice.address, passport_hex(sold), bob.address))
    with brownie.reverts(error("FailedCall")):
        forwarder.execute(request, {"from": relayer})


def test_brand_staff_cannot_take_or_report_a_sold_passport_by_relay(brand, forwarder, relayer, admin, retailer,
                                                                   alice, sold):
    take = signed(forwarder, brand, retailer, "transferFrom", (alice.address, retailer.address, sold))
    assert refusal(forwarder, take) == ("ERC721InsufficientApproval", (retailer.address, passport_hex(sold)))
    report = signed(forwarder, brand, admin, "reportStatus", (sold, Status.STOLEN))
    assert refusal(forwarder, report) == ("ERC721IncorrectOwner", (admin.address, passport_hex(sold), alice.address))
    for request in (take, report):
        with brownie.reverts(error("FailedCall")):
            forwarder.execute(request, {"from": relayer})
    assert brand.ownerOf(sold) == alice and brand.passport(sold).dict()["status"] == Status.ACTIVE


def test_no_role_holders_action_and_no_approval_is_relayed(brand, forwarder, relayer, admin, alice, bob, sold):
    grant = brand.grantRole.encode_input(RETAILER_ROLE, bob) + "00" * 32
    approve = brand.approve.encode_input(bob, sold) + f"{brand.nonces(sold):064x}"
    for signer, data in ((admin, grant), (alice, approve)):
        request = signed(forwarder, brand, signer, "revokeSignatures", (sold,), data=bytes.fromhex(data[2:]))
        with brownie.reverts(error("LuxpassForwarderNotOwnerAction", bytes.fromhex(data[2:10]))):
            forwarder.execute(request, {"from": relayer})
    assert not brand.hasRole(RETAILER_ROLE, bob) and brand.getApproved(sold) == ZERO_ADDRESS


def test_a_request_with_bytes_beyond_its_action_is_refused(brand, forwarder, relayer, alice, sold):
    data = owner_action("reportStatus", (sold, Status.LOST), brand.nonces(sold)).data + bytes(32)
    request = signed(forwarder, brand, alice, "reportStatus", (sold, Status.LOST), data=data)
    with brownie.reverts(error("LuxpassForwarderNotOwnerAction", data[:4])):
        forwarder.execute(request, {"from": relayer})


def test_another_brands_relayer_cannot_carry_a_signature_to_its_own_collection(brand, rival, forwarder, rival_staff,
                                                                              alice, sold, rival_token):
    """The rival's relayer holds alice's signed request for brand 1 and points it at brand 2's
    collection: the signature does not cover it; submitted as signed, it does what alice asked."""
    request = list(signed(forwarder, brand, alice, "reportStatus", (sold, Status.LOST)))
    request[1] = rival.address
    with brownie.reverts():
        forwarder.execute(tuple(request), {"from": rival_staff})
    assert not forwarder.verify(tuple(request))
    forwarder.execute(signed(forwarder, brand, alice, "reportStatus", (sold, Status.LOST)), {"from": rival_staff})
    assert brand.passport(sold).dict()["status"] == Status.LOST
    assert rival.passport(rival_token).dict()["status"] == Status.ACTIVE


def test_a_look_alike_that_trusts_no_forwarder_is_refused(BrandPassport, forwarder, relayer, stranger, alice, sold,
                                                         brand):
    look_alike = BrandPassport.deploy(ZERO_ADDRESS, {"from": stranger})
    request = signed(forwarder, look_alike, alice, "revokeSignatures", (sold,), passport_nonce=0)
    with brownie.reverts(error("ERC2771UntrustfulTarget", look_alike, forwarder)):
        forwarder.execute(request, {"from": relayer})


def test_a_passport_trusts_the_consortium_forwarder_only(brand, forwarder, stranger):
    assert brand.isTrustedForwarder(forwarder) and brand.trustedForwarder() == forwarder
    assert not brand.isTrustedForwarder(stranger)
