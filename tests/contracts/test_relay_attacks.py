"""The owner's side tried from outside, on what the relayed path, the one-slot passport and the
brand standing pushed by the registry could open: a caller forging the ERC-2771 suffix, a
front-runner starving a request of gas, a batch smuggling a role action or a stale request, a
relayer whose own role would leak into what it relays, an earlier owner (or her operator) after
the bag moved by a move she cannot stop, and a suspended brand. Each attempt is refused by its
own error (what test_passport_relay.py and test_attacks.py already try is not repeated)."""
import brownie
import pytest
from brownie import chain
from brownie.exceptions import VirtualMachineError
from eth_utils import keccak

from contract_helpers import RETAILER_ROLE, SERVICED, WEEK, commitment, error, key_of, sign, token_of
from luxpass.onchain.forwarder import ForwardRequest
from luxpass.onchain.forwarder import sign as sign_request
from luxpass.spec import Status
from luxpass.values import passport_hex
from test_passport_relay import domain, refusal, signed


def status_of(collection, token):
    return collection.passport(token).dict()["status"]


@pytest.fixture(scope="module")
def relayer(fresh):
    """The brand's relayer: a funded key that holds nothing, unless a test gives it a role."""
    return fresh()


@pytest.fixture
def stock(brand, minter, retailer):
    """A second passport of brand 1, in the retailer's custody, unsold."""
    token = token_of(commitment("AUR-STOCK"))
    brand.mint(minter, commitment("AUR-STOCK"), {"from": minter})
    brand.transferFrom(minter, retailer, token, {"from": minter})
    return token


def test_a_caller_appending_the_owners_address_to_its_call_acts_as_itself(LuxpassForwarder, brand, forwarder, stranger,
                                                                         alice, sold):
    """ERC-2771's suffix counts only in a call from the trusted forwarder; a forwarder of the
    attacker's own, which accepts any request he signs, is not trusted by any collection."""
    forged = brand.reportStatus.encode_input(sold, Status.STOLEN) + alice.address[2:].lower()
    with brownie.reverts(error("ERC721IncorrectOwner", stranger, sold, alice)):
        stranger.transfer(brand, 0, data=forged)
    own = LuxpassForwarder.deploy({"from": stranger})
    request = signed(own, brand, stranger, "reportStatus", (sold, Status.STOLEN))
    with brownie.reverts(error("ERC2771UntrustfulTarget", brand, own)):
        own.execute(request, {"from": stranger})
    assert status_of(brand, sold) == Status.ACTIVE


def test_a_front_runner_starving_a_request_of_gas_cannot_burn_it(brand, forwarder, stranger, alice, sold):
    """Submitted with every gas limit from too little to enough, the owner's request is either
    not used at all (its forwarder nonce unchanged) or used by doing what she signed."""
    request = signed(forwarder, brand, alice, "reportStatus", (sold, Status.STOLEN))
    for gas_limit in range(60_000, 200_000, 5_000):
        try:
            forwarder.execute(request, {"from": stranger, "gas_limit": gas_limit})
        except (VirtualMachineError, ValueError):
            pass
        used = forwarder.nonces(alice) == 1
        assert used == (status_of(brand, sold) == Status.STOLEN), gas_limit
        if used:
            break
    assert used, "no gas limit up to 200,000 ran the request"


def test_a_batch_cannot_carry_a_role_action_or_a_stale_request_past_the_forwarder(brand, forwarder, relayer, admin,
                                                                                  alice, bob, sold):
    """With a refund receiver OpenZeppelin's batch skips invalid requests; this forwarder refuses
    the whole batch instead, so a good request cannot carry a role action or a dead one along."""
    nonce = brand.nonces(sold)
    good = signed(forwarder, brand, alice, "reportStatus", (sold, Status.LOST))
    grant_data = bytes.fromhex(brand.grantRole.encode_input(RETAILER_ROLE, bob)[2:]) + bytes(32)
    grant = signed(forwarder, brand, admin, "revokeSignatures", (sold,), data=grant_data)
    with brownie.reverts(error("LuxpassForwarderNotOwnerAction", grant_data[:4])):
        forwarder.executeBatch([good, grant], relayer, {"from": relayer})
    dead = signed(forwarder, brand, alice, "transferFrom", (alice.address, bob.address, sold),
                  nonce=forwarder.nonces(alice) + 1)  # signed at the nonce `good` moves on from
    with brownie.reverts(error("LuxpassForwarderStaleRequest", sold, nonce, nonce + 1)):
        forwarder.executeBatch([good, dead], relayer, {"from": relayer})
    assert not brand.hasRole(RETAILER_ROLE, bob) and brand.ownerOf(sold) == alice
    assert status_of(brand, sold) == Status.ACTIVE and forwarder.nonces(alice) == 0


def test_the_relayers_retailer_role_never_passes_to_what_it_relays(brand, forwarder, relayer, admin, retailer,
                                                                  stranger, alice, stock):
    """The claim-link relayer holds the retailer role; a request it relays acts as its signer, and a
    first sale is never made by a relayed transfer, not even by the retailer's own request."""
    brand.grantRole(RETAILER_ROLE, relayer, {"from": admin})
    take = signed(forwarder, brand, stranger, "transferFrom", (retailer.address, stranger.address, stock))
    assert refusal(forwarder, take) == ("PassportFirstSaleByRetailer", (passport_hex(stock),))
    into_custody = signed(forwarder, brand, stranger, "transferFrom", (retailer.address, relayer.address, stock))
    assert refusal(forwarder, into_custody) == ("ERC721InsufficientApproval", (stranger.address, passport_hex(stock)))
    sell = signed(forwarder, brand, retailer, "transferFrom", (retailer.address, alice.address, stock))
    assert refusal(forwarder, sell) == ("PassportFirstSaleByRetailer", (passport_hex(stock),))
    for request in (take, into_custody, sell):
        with brownie.reverts(error("FailedCall")):
            forwarder.execute(request, {"from": relayer})
    assert brand.ownerOf(stock) == retailer and not brand.passport(stock).dict()["sold"]


def test_the_earlier_owner_of_a_recovered_stolen_bag_has_no_say_by_any_path(brand, forwarder, relayer, admin, alice,
                                                                           stranger, sold):
    """Alice reports the bag stolen by relay and keeps a signed "found" and a signed clear request
    unsent; the brand recovers the bag to its new owner (the report goes with it): neither of
    her signatures nor a fresh request of hers clears it; the new owner's relayed "found" does."""
    forwarder.execute(signed(forwarder, brand, alice, "reportStatus", (sold, Status.STOLEN)), {"from": relayer})
    report_nonce = brand.nonces(sold)
    deadline = chain.time() + 30 * 24 * 3600
    clear = sign(brand, "ClearReport", {"tokenId": sold, "reportNonce": report_nonce, "deadline": deadline},
                 key_of(alice))
    kept = signed(forwarder, brand, alice, "reportFound", (sold,), deadline=deadline)
    brand.requestRecovery(sold, stranger, {"from": admin})
    chain.sleep(WEEK + 1)
    brand.completeRecovery(sold, {"from": relayer})
    assert brand.ownerOf(sold) == stranger and status_of(brand, sold) == Status.STOLEN
    with brownie.reverts(error("LuxpassForwarderStaleRequest", sold, report_nonce, report_nonce + 1)):
        forwarder.execute(kept, {"from": relayer})
    again = signed(forwarder, brand, alice, "reportFound", (sold,))
    assert refusal(forwarder, again) == ("PassportNotStatusReporter", (passport_hex(sold), alice.address))
    with brownie.reverts(error("FailedCall")):
        forwarder.execute(again, {"from": relayer})
    with brownie.reverts(error("PassportClearRequestStale", sold, report_nonce, report_nonce + 1)):
        brand.clearReportFor(sold, report_nonce, deadline, clear, {"from": admin})
    assert status_of(brand, sold) == Status.STOLEN
    forwarder.execute(signed(forwarder, brand, stranger, "reportFound", (sold,)), {"from": relayer})
    assert status_of(brand, sold) == Status.ACTIVE


def test_the_earlier_owners_operator_cannot_move_the_bag_by_relay(brand, forwarder, relayer, alice, bob, stranger,
                                                                 sold):
    """Alice's operator for all her passports acts for her by relay while she holds the bag, and
    has no power over it once she gave it to bob."""
    brand.setApprovalForAll(stranger, True, {"from": alice})
    assert refusal(forwarder, signed(forwarder, brand, stranger, "transferFrom",
                                     (alice.address, stranger.address, sold))) is None
    brand.transferFrom(alice, bob, sold, {"from": alice})
    take = signed(forwarder, brand, stranger, "transferFrom", (bob.address, stranger.address, sold))
    assert refusal(forwarder, take) == ("ERC721InsufficientApproval", (stranger.address, passport_hex(sold)))
    with brownie.reverts(error("FailedCall")):
        forwarder.execute(take, {"from": relayer})
    assert brand.ownerOf(sold) == bob


def test_a_suspended_brand_writes_nothing_while_its_owners_act_by_relay(brand, governance, forwarder, relayer, admin,
                                                                       minter, retailer, servicer, alice, bob,
                                                                       sold, stock):
    """The collection's own copy of the brand's standing (`setBrandActive`) stops every brand
    write the mint tests do not try; the owner's relayed acts go on; a removal made while
    suspended keeps it stopped."""
    governance.suspend(1)
    root = keccak(text="a batch of a suspended brand")
    for attempt in (lambda: brand.firstSale(stock, bob, {"from": retailer}),
                    lambda: brand.claim(root, commitment("AUR-CLAIM"), [], bob, {"from": retailer}),
                    lambda: brand.recordEvent(sold, SERVICED, keccak(text="service"), {"from": servicer}),
                    lambda: brand.bindChip(stock, bob, {"from": minter}),
                    lambda: brand.setBaseURI("https://look-alike.example/", {"from": admin})):
        with brownie.reverts(error("PassportBrandNotActive", 1)):
            attempt()
    forwarder.execute(signed(forwarder, brand, alice, "reportStatus", (sold, Status.STOLEN)), {"from": relayer})
    forwarder.execute(signed(forwarder, brand, alice, "reportFound", (sold,)), {"from": relayer})
    forwarder.execute(signed(forwarder, brand, alice, "transferFrom", (alice.address, bob.address, sold)),
                      {"from": relayer})
    assert brand.ownerOf(sold) == bob and status_of(brand, sold) == Status.ACTIVE
    governance.remove(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.firstSale(stock, alice, {"from": retailer})
    assert brand.ownerOf(stock) == retailer


def test_a_gift_carrying_data_for_the_recipient_is_not_relayed(brand, forwarder, relayer, alice, bob, sold):
    """safeTransferFrom with a data argument would hand the recipient bytes the owner may not have
    read in her wallet: it is not an owner action the forwarder relays."""
    call = brand.safeTransferFrom["address,address,uint256,bytes"].encode_input(alice, bob, sold, b"\x01" * 64)
    data = bytes.fromhex(call[2:]) + brand.nonces(sold).to_bytes(32, "big")
    request = signed(forwarder, brand, alice, "revokeSignatures", (sold,), data=data)
    with brownie.reverts(error("LuxpassForwarderNotOwnerAction", data[:4])):
        forwarder.execute(request, {"from": relayer})
    assert brand.ownerOf(sold) == alice


def test_a_request_signed_for_another_chain_is_refused(brand, forwarder, relayer, alice, bob, sold):
    """The same forwarder at the same address on another chain (a deterministic deployment): the
    owner's signature there names that chain, and is not hers here."""
    request = list(signed(forwarder, brand, alice, "transferFrom", (alice.address, bob.address, sold)))
    other = {**domain(forwarder), "chainId": chain.id + 1}
    message = ForwardRequest(alice.address, brand.address, 0, request[3], forwarder.nonces(alice), request[4],
                             bytes(request[5]))
    request[6] = sign_request(other, message, key_of(alice))
    assert not forwarder.verify(tuple(request))
    with brownie.reverts(revert_pattern=rf"ERC2771ForwarderInvalidSigner: 0x[0-9a-f]{{40}}, {alice.address.lower()}"):
        forwarder.execute(tuple(request), {"from": relayer})
    assert brand.ownerOf(sold) == alice
