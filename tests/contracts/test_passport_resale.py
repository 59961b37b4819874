"""Resale with the seller's signed consent (EIP-712) through an accredited reseller, and
ERC-4494 permits: every refusal by its own error."""
import brownie
import pytest
from eth_utils import keccak

from contract_helpers import RESELLER, S_STOLEN, error, key_of, sign
from luxpass.spec import EIP712_TYPES

ZERO = "0x" + "00" * 20
CONSENT_TYPES = EIP712_TYPES["ResaleConsent"]  # the fields in order, as the struct passes them


def consent_for(collection, token, seller, buyer=ZERO, deadline=None, chain_id=None, on=None, nonce=None,
                reseller=ZERO):
    message = {"chainId": chain_id or brownie.chain.id, "collection": (on or collection).address, "tokenId": token,
               "reseller": reseller if isinstance(reseller, str) else reseller.address,
               "buyer": buyer if isinstance(buyer, str) else buyer.address, "termsHash": keccak(text="EUR 4,800"),
               "nonce": collection.nonces(token) if nonce is None else nonce,
               "deadline": deadline or brownie.chain.time() + 3600}
    signature = sign(collection, "ResaleConsent", message, key_of(seller))
    return tuple(message[n] for n, _ in CONSENT_TYPES), signature


@pytest.fixture(scope="module")
def reseller(accounts, governance):
    governance.accredit(accounts[9], RESELLER)
    return accounts[9]


def test_consented_resale_records_the_reseller(brand, sold, alice, bob, reseller):
    consent, signature = consent_for(brand, sold, alice, buyer=bob)
    tx = brand.resell(consent, bob, signature, {"from": reseller})
    assert brand.ownerOf(sold) == bob
    assert tx.events["OwnershipRecorded"]["kind"] == 4 and tx.events["OwnershipRecorded"]["agent"] == reseller
    assert tx.events["ResaleRecorded"]["reseller"] == reseller
    assert brand.nonces(sold) == 3  # custody, first sale, resale


def test_any_buyer_consent(brand, sold, alice, bob, reseller):
    consent, signature = consent_for(brand, sold, alice)
    brand.resell(consent, bob, signature, {"from": reseller})
    assert brand.ownerOf(sold) == bob


def test_named_buyer_only(brand, sold, alice, bob, accounts, reseller):
    consent, signature = consent_for(brand, sold, alice, buyer=bob)
    with brownie.reverts(error("PassportConsentWrongBuyer", accounts[3])):
        brand.resell(consent, accounts[3], signature, {"from": reseller})


def test_used_a_second_time(brand, sold, alice, bob, reseller):
    consent, signature = consent_for(brand, sold, alice)
    tx = brand.resell(consent, bob, signature, {"from": reseller})
    assert tx.events["ResaleRecorded"]["consentDigest"] == brand.consentDigest(consent)
    # the resale advanced the nonce the consent names: nothing else records its use
    with brownie.reverts(error("PassportConsentStale", sold, consent[6], consent[6] + 1)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_used_again_once_the_passport_is_back_with_its_seller(brand, sold, alice, bob, reseller):
    consent, signature = consent_for(brand, sold, alice)
    brand.resell(consent, bob, signature, {"from": reseller})
    brand.transferFrom(bob, alice, sold, {"from": bob})
    with brownie.reverts(error("PassportConsentStale", sold, consent[6], consent[6] + 2)):
        brand.resell(consent, bob, signature, {"from": reseller})
    assert brand.ownerOf(sold) == alice


def test_used_again_from_inside_the_resale(ReenteringReceiverMock, brand, governance, sold, alice, reseller):
    """The buyer's onERC721Received submits the same consent again (as an accredited reseller,
    to itself): the nonce moved before the buyer is called, so the re-entry is stale."""
    buyer = ReenteringReceiverMock.deploy({"from": alice})
    governance.accredit(buyer, RESELLER)
    consent, signature = consent_for(brand, sold, alice)
    buyer.arm(brand, brand.resell.encode_input(consent, buyer, signature), {"from": alice})
    with brownie.reverts(error("PassportConsentStale", sold, consent[6], consent[6] + 1)):
        brand.resell(consent, buyer, signature, {"from": reseller})
    assert brand.ownerOf(sold) == alice and brand.nonces(sold) == consent[6]


def test_replayed_on_another_chain(brand, sold, alice, bob, reseller):
    consent, signature = consent_for(brand, sold, alice, chain_id=1)
    with brownie.reverts(error("PassportConsentWrongChain", 1)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_replayed_on_another_collection(brand, rival, sold, alice, bob, reseller):
    consent, signature = consent_for(brand, sold, alice)
    with brownie.reverts(error("PassportConsentWrongCollection", brand.address)):
        rival.resell(consent, bob, signature, {"from": reseller})


def test_past_its_deadline(brand, sold, alice, bob, reseller):
    deadline = brownie.chain.time() + 60
    consent, signature = consent_for(brand, sold, alice, deadline=deadline)
    brownie.chain.sleep(120)
    brownie.chain.mine()
    with brownie.reverts(error("PassportConsentExpired", deadline)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_signed_by_someone_who_is_not_the_owner(brand, sold, bob, reseller):
    consent, signature = consent_for(brand, sold, bob)
    with brownie.reverts(error("PassportConsentNotOwner", sold)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_submitted_by_a_reseller_not_accredited(brand, sold, alice, bob, accounts):
    consent, signature = consent_for(brand, sold, alice)
    with brownie.reverts(error("PassportResellerNotAccredited", accounts[8])):
        brand.resell(consent, bob, signature, {"from": accounts[8]})


def test_submitted_by_a_reseller_no_longer_accredited(brand, governance, sold, alice, bob, reseller):
    governance.accredit(reseller, RESELLER, grant=False)
    consent, signature = consent_for(brand, sold, alice)
    with brownie.reverts(error("PassportResellerNotAccredited", reseller)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_after_the_passport_has_moved(brand, sold, alice, bob, reseller, accounts):
    consent, signature = consent_for(brand, sold, alice)
    brand.transferFrom(alice, accounts[3], sold, {"from": alice})
    brand.transferFrom(accounts[3], alice, sold, {"from": accounts[3]})
    with brownie.reverts(error("PassportConsentStale", sold, 2, 4)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_stolen_passport_cannot_be_resold(brand, sold, alice, bob, reseller):
    earlier, earlier_signature = consent_for(brand, sold, alice)
    brand.reportStatus(sold, S_STOLEN, {"from": alice})
    # a report advances the nonce: the consent signed before it is dead, and a new one is refused
    with brownie.reverts(error("PassportConsentStale", sold, earlier[6], earlier[6] + 1)):
        brand.resell(earlier, bob, earlier_signature, {"from": reseller})
    consent, signature = consent_for(brand, sold, alice)
    with brownie.reverts(error("PassportNotTransferable", sold, S_STOLEN)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_unsold_passport_cannot_be_resold(brand, in_store, retailer, bob, reseller):
    consent, signature = consent_for(brand, in_store, retailer)
    with brownie.reverts(error("PassportNotSold", in_store)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_contract_wallet_consents_through_erc1271(WalletMock, brand, sold, alice, bob, reseller):
    wallet = WalletMock.deploy(alice, {"from": alice})
    brand.transferFrom(alice, wallet, sold, {"from": alice})
    consent, signature = consent_for(brand, sold, alice)  # alice signs for her wallet
    brand.resell(consent, bob, signature, {"from": reseller})
    assert brand.ownerOf(sold) == bob
    # back in the wallet, whose signature still checks: the used consent is stale all the same
    brand.transferFrom(bob, wallet, sold, {"from": bob})
    with brownie.reverts(error("PassportConsentStale", sold, consent[6], consent[6] + 2)):
        brand.resell(consent, bob, signature, {"from": reseller})


# --- ERC-4494 permit -------------------------------------------------------------------------

def permit_for(brand, token, signer, spender, deadline=None):
    deadline = deadline or brownie.chain.time() + 3600
    message = {"spender": spender.address, "tokenId": token, "nonce": brand.nonces(token), "deadline": deadline}
    return deadline, sign(brand, "Permit", message, key_of(signer))


def test_permit_approves_without_custody(brand, sold, alice, bob, accounts):
    market = accounts[9]
    deadline, signature = permit_for(brand, sold, alice, market)
    brand.permit(market, sold, deadline, signature, {"from": bob})
    assert brand.getApproved(sold) == market and brand.ownerOf(sold) == alice
    brand.transferFrom(alice, bob, sold, {"from": market})
    assert brand.ownerOf(sold) == bob


def test_permit_used_twice(brand, sold, alice, accounts):
    deadline, signature = permit_for(brand, sold, alice, accounts[9])
    tx = brand.permit(accounts[9], sold, deadline, signature, {"from": accounts[9]})
    with brownie.reverts(error("PassportPermitUsed", tx.events["PermitUsed"]["digest"])):
        brand.permit(accounts[9], sold, deadline, signature, {"from": accounts[9]})


def test_permit_past_deadline(brand, sold, alice, accounts):
    deadline, signature = permit_for(brand, sold, alice, accounts[9], deadline=brownie.chain.time() + 10)
    brownie.chain.sleep(60)
    brownie.chain.mine()
    with brownie.reverts(error("PassportPermitExpired", deadline)):
        brand.permit(accounts[9], sold, deadline, signature, {"from": accounts[9]})


def test_permit_not_signed_by_the_owner(brand, sold, bob, accounts):
    deadline, signature = permit_for(brand, sold, bob, accounts[9])
    with brownie.reverts(error("PassportPermitNotOwner", sold)):
        brand.permit(accounts[9], sold, deadline, signature, {"from": accounts[9]})


def test_permit_dies_when_the_passport_moves(brand, sold, alice, bob, accounts):
    deadline, signature = permit_for(brand, sold, alice, accounts[9])
    brand.transferFrom(alice, bob, sold, {"from": alice})
    brand.transferFrom(bob, alice, sold, {"from": bob})
    with brownie.reverts(error("PassportPermitNotOwner", sold)):
        brand.permit(accounts[9], sold, deadline, signature, {"from": accounts[9]})


def test_permit_for_a_stolen_passport(brand, sold, alice, accounts):
    deadline, signature = permit_for(brand, sold, alice, accounts[9])
    brand.reportStatus(sold, S_STOLEN, {"from": alice})
    with brownie.reverts(error("PassportNotTransferable", sold, S_STOLEN)):
        brand.permit(accounts[9], sold, deadline, signature, {"from": accounts[9]})


def test_erc4494_interface(brand, rival):
    assert brand.supportsInterface("0x5604e225")
    assert brand.DOMAIN_SEPARATOR() != rival.DOMAIN_SEPARATOR()  # each clone signs in its own domain
