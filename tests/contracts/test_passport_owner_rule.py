"""The BrandPassport rule, tried as the attacker: after the first sale only an authorisation of
the current owner, given during the current ownership, moves a passport. Each attack is refused
by its own error."""
import brownie
import pytest
from eth_account import Account

from contract_helpers import RESELLER, S_LOST, S_STOLEN, WEEK, error, key_of, sign
from test_passport_resale import consent_for

ZERO = "0x" + "00" * 20


@pytest.fixture(scope="module")
def reseller(accounts, governance):
    governance.accredit(accounts[9], RESELLER)
    return accounts[9]


@pytest.fixture(scope="module")
def second_reseller(accounts, governance, deployer):
    account = accounts.add()
    deployer.transfer(account, "1 ether")
    governance.accredit(account, RESELLER)
    return account


@pytest.fixture(scope="module")
def chip():
    return Account.create()


@pytest.fixture
def chipped(brand, minter, sold, chip):
    """`sold` (alice's), its chip bound by the minter with alice's signed rebind."""
    deadline = brownie.chain.time() + 600  # once: on a slow node a second passes between two reads
    signature = rebind_signature(brand, sold, chip.address, key_of(brownie.accounts.at(brand.ownerOf(sold))),
                                  deadline)
    brand.rebindChip(sold, chip.address, deadline, signature, {"from": minter})
    return sold


def rebind_signature(brand, token, chip, key, deadline=None, nonce=None):
    """The ChipRebind of `chip`, signed with `key`, at `nonce` (the passport's, unless given)."""
    message = {"tokenId": token, "chip": chip, "nonce": brand.nonces(token) if nonce is None else nonce,
               "deadline": deadline or brownie.chain.time() + 600}
    return sign(brand, "ChipRebind", message, key)


def chip_signature(brand, token, chip, to, deadline, nonce=b"\x02" * 32):
    block = brownie.chain.height - 1
    message = {"tokenId": token, "to": to.address if hasattr(to, "address") else to, "deadline": deadline,
               "blockHash": brownie.web3.eth.get_block(block)["hash"], "nonce": nonce}
    return block, nonce, sign(brand, "ChipChallenge", message, chip.key)


# --- 1, 2, 3: recovery -------------------------------------------------------------------------

def test_a_recovery_dies_when_the_passport_is_sold(brand, admin, sold, alice, bob, stranger):
    brand.requestRecovery(sold, stranger, {"from": admin})
    brand.transferFrom(alice, bob, sold, {"from": alice})
    assert brand.recoveryOf(sold) == (ZERO, 0)
    brownie.chain.sleep(WEEK + 1)
    with brownie.reverts(error("PassportRecoveryStale", sold)):
        brand.completeRecovery(sold, {"from": stranger})
    assert brand.ownerOf(sold) == bob


def test_a_recovery_does_not_survive_a_round_trip(brand, admin, sold, alice, bob, stranger):
    brand.requestRecovery(sold, stranger, {"from": admin})
    brand.transferFrom(alice, bob, sold, {"from": alice})
    brand.transferFrom(bob, alice, sold, {"from": bob})
    brownie.chain.sleep(WEEK + 1)
    with brownie.reverts(error("PassportRecoveryStale", sold)):
        brand.completeRecovery(sold, {"from": stranger})


def test_the_admin_cannot_overwrite_a_pending_recovery(brand, admin, sold, stranger, bob):
    brand.requestRecovery(sold, stranger, {"from": admin})
    with brownie.reverts(error("PassportRecoveryPending", sold)):
        brand.requestRecovery(sold, bob, {"from": admin})


def test_an_owners_cancel_holds_off_new_requests(brand, admin, sold, alice, stranger):
    brand.requestRecovery(sold, stranger, {"from": admin})
    assert not brand.recoveryHeld(sold)
    brand.cancelRecovery(sold, {"from": alice})
    assert brand.recoveryHeld(sold)
    with brownie.reverts(error("PassportRecoveryRefusedByOwner", sold, alice)):
        brand.requestRecovery(sold, stranger, {"from": admin})


@pytest.mark.parametrize("staff", ["admin", "minter", "retailer", "servicer"])
def test_the_brand_never_recovers_to_its_own_accounts(brand, request, admin, sold, staff):
    account = request.getfixturevalue(staff)
    with brownie.reverts(error("PassportRecoveryToBrand", account)):
        brand.requestRecovery(sold, account, {"from": admin})


def test_recovery_to_the_owner_itself(brand, admin, sold, alice):
    with brownie.reverts(error("PassportSelfTransfer", sold)):
        brand.requestRecovery(sold, alice, {"from": admin})


def test_a_suspended_brand_can_neither_request_nor_complete(brand, admin, sold, stranger, governance):
    brand.requestRecovery(sold, stranger, {"from": admin})
    brownie.chain.sleep(WEEK + 1)
    governance.suspend(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.completeRecovery(sold, {"from": stranger})
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.requestRecovery(sold, stranger, {"from": admin})
    governance.reinstate(1)


def test_a_lost_wallet_after_a_report_is_recovered_with_the_report(brand, admin, sold, alice, stranger):
    brand.reportStatus(sold, S_LOST, {"from": alice})
    brand.requestRecovery(sold, stranger, {"from": admin})
    brownie.chain.sleep(WEEK + 1)
    brand.completeRecovery(sold, {"from": stranger})
    p = brand.passport(sold).dict()
    assert brand.ownerOf(sold) == stranger and p["status"] == S_LOST and p["owner"] == stranger
    with brownie.reverts(error("PassportNotStatusReporter", sold, alice)):
        brand.reportFound(sold, {"from": alice})
    brand.reportFound(sold, {"from": stranger})


# --- 4, 5, 6: chips ----------------------------------------------------------------------------

def test_a_claim_opened_in_custody_closes_at_the_first_sale(brand, minter, retailer, alice, in_store, chip):
    brand.bindChip(in_store, chip.address, {"from": minter})
    brand.setChipClaim(in_store, True, {"from": retailer})
    brand.firstSale(in_store, alice, {"from": retailer})
    assert not brand.chipClaimOpen(in_store)
    deadline = brownie.chain.time() + 600
    block, nonce, signature = chip_signature(brand, in_store, chip, retailer, deadline)
    with brownie.reverts(error("PassportChipClaimClosed", in_store)):
        brand.claimWithChip(in_store, retailer, deadline, block, nonce, signature, {"from": retailer})


def test_a_claim_opened_by_an_earlier_owner_closes_on_the_move(brand, chipped, alice, bob, chip, stranger):
    brand.setChipClaim(chipped, True, {"from": alice})
    brand.transferFrom(alice, bob, chipped, {"from": alice})
    assert not brand.chipClaimOpen(chipped)
    deadline = brownie.chain.time() + 600
    block, nonce, signature = chip_signature(brand, chipped, chip, stranger, deadline)
    with brownie.reverts(error("PassportChipClaimClosed", chipped)):
        brand.claimWithChip(chipped, stranger, deadline, block, nonce, signature, {"from": stranger})


def test_a_claim_does_not_come_back_with_the_passport(brand, chipped, alice, bob, chip, stranger):
    brand.setChipClaim(chipped, True, {"from": alice})
    brand.transferFrom(alice, bob, chipped, {"from": alice})
    brand.transferFrom(bob, alice, chipped, {"from": bob})
    assert not brand.chipClaimOpen(chipped)
    deadline = brownie.chain.time() + 600
    block, nonce, signature = chip_signature(brand, chipped, chip, stranger, deadline)
    with brownie.reverts(error("PassportChipClaimClosed", chipped)):
        brand.claimWithChip(chipped, stranger, deadline, block, nonce, signature, {"from": stranger})


def test_a_claim_stays_open_over_a_revoke_and_a_report(brand, chipped, alice, chip, stranger):
    brand.setChipClaim(chipped, True, {"from": alice})
    brand.revokeSignatures(chipped, {"from": alice})
    brand.reportStatus(chipped, S_LOST, {"from": alice})
    brand.reportFound(chipped, {"from": alice})
    assert brand.chipClaimOpen(chipped)
    deadline = brownie.chain.time() + 600
    block, nonce, signature = chip_signature(brand, chipped, chip, stranger, deadline)
    brand.claimWithChip(chipped, stranger, deadline, block, nonce, signature, {"from": stranger})
    assert brand.ownerOf(chipped) == stranger and not brand.chipClaimOpen(chipped)


def test_a_closed_claim_stays_closed_over_a_revoke(brand, chipped, alice):
    brand.setChipClaim(chipped, True, {"from": alice})
    brand.setChipClaim(chipped, False, {"from": alice})
    brand.revokeSignatures(chipped, {"from": alice})
    assert not brand.chipClaimOpen(chipped)


def test_a_bind_in_custody_closes_the_claim(brand, minter, retailer, in_store, chip, stranger):
    brand.bindChip(in_store, chip.address, {"from": minter})
    brand.setChipClaim(in_store, True, {"from": retailer})
    brand.bindChip(in_store, stranger, {"from": minter})
    assert not brand.chipClaimOpen(in_store) and brand.chipOf(in_store) == stranger


def test_a_chip_is_never_bound_to_the_zero_address(brand, minter, in_store):
    with brownie.reverts(error("PassportInvalidChip", ZERO)):
        brand.bindChip(in_store, ZERO, {"from": minter})
    assert brand.chipOf(in_store) == ZERO


def test_a_chip_is_never_rebound_to_the_zero_address(brand, servicer, chipped, alice, chip):
    deadline = brownie.chain.time() + 600
    signature = rebind_signature(brand, chipped, ZERO, key_of(alice), deadline)
    with brownie.reverts(error("PassportInvalidChip", ZERO)):
        brand.rebindChip(chipped, ZERO, deadline, signature, {"from": servicer})
    assert brand.chipOf(chipped) == chip.address


def test_no_chip_claim_opens_without_a_chip(brand, sold, alice):
    with brownie.reverts(error("PassportNoChip", sold)):
        brand.setChipClaim(sold, True, {"from": alice})
    assert not brand.chipClaimOpen(sold)


@pytest.mark.parametrize("staff", ["minter", "servicer"])
def test_staff_cannot_rebind_a_sold_chip_alone(brand, request, sold, staff):
    account = request.getfixturevalue(staff)
    with brownie.reverts(error("PassportRebindNeedsOwner", sold)):
        brand.bindChip(sold, account, {"from": account})


def test_a_rebind_needs_the_current_owners_signature(brand, servicer, chipped, alice, bob, chip):
    earlier = rebind_signature(brand, chipped, servicer.address, key_of(alice))
    deadline = brownie.chain.time() + 600
    brand.transferFrom(alice, bob, chipped, {"from": alice})
    with brownie.reverts(error("PassportRebindNotOwner", chipped)):
        brand.rebindChip(chipped, servicer.address, deadline, earlier, {"from": servicer})
    assert brand.chipOf(chipped) == chip.address


def test_an_owners_rebind_closes_the_claim_and_is_used_once(brand, servicer, chipped, alice):
    brand.setChipClaim(chipped, True, {"from": alice})
    deadline = brownie.chain.time() + 600
    signature = rebind_signature(brand, chipped, servicer.address, key_of(alice), deadline)
    brand.rebindChip(chipped, servicer.address, deadline, signature, {"from": servicer})
    assert brand.chipOf(chipped) == servicer.address and not brand.chipClaimOpen(chipped)
    with brownie.reverts(error("PassportRebindNotOwner", chipped)):
        brand.rebindChip(chipped, servicer.address, deadline, signature, {"from": servicer})


def test_a_front_runner_cannot_redirect_a_chip_claim(brand, chipped, alice, bob, chip, stranger):
    brand.setChipClaim(chipped, True, {"from": alice})
    deadline = brownie.chain.time() + 600
    block, nonce, signature = chip_signature(brand, chipped, chip, bob, deadline)
    with brownie.reverts(error("PassportChipChallengeInvalid", chipped)):
        brand.claimWithChip(chipped, stranger, deadline, block, nonce, signature, {"from": stranger})
    brand.claimWithChip(chipped, bob, deadline, block, nonce, signature, {"from": stranger})
    assert brand.ownerOf(chipped) == bob


def test_an_expired_chip_challenge(brand, chipped, alice, bob, chip):
    brand.setChipClaim(chipped, True, {"from": alice})
    deadline = brownie.chain.time() + 60
    block, nonce, signature = chip_signature(brand, chipped, chip, bob, deadline)
    brownie.chain.sleep(120)
    with brownie.reverts(error("PassportChipChallengeExpired", deadline)):
        brand.claimWithChip(chipped, bob, deadline, block, nonce, signature, {"from": bob})


# --- 7: clear requests -------------------------------------------------------------------------

def test_an_old_clear_request_does_not_clear_a_new_report(brand, admin, sold, alice):
    brand.reportStatus(sold, S_LOST, {"from": alice})
    old_nonce = brand.nonces(sold)
    deadline = brownie.chain.time() + 3600
    old = sign(brand, "ClearReport", {"tokenId": sold, "reportNonce": old_nonce, "deadline": deadline}, key_of(alice))
    brand.reportFound(sold, {"from": alice})
    brand.reportStatus(sold, S_STOLEN, {"from": alice})
    with brownie.reverts(error("PassportClearRequestStale", sold, old_nonce, brand.nonces(sold))):
        brand.clearReportFor(sold, old_nonce, deadline, old, {"from": admin})
    assert brand.passport(sold).dict()["status"] == S_STOLEN


def test_a_clear_request_signed_by_another_than_the_reporter(brand, admin, sold, alice, bob):
    brand.reportStatus(sold, S_STOLEN, {"from": alice})
    deadline = brownie.chain.time() + 3600
    forged = sign(brand, "ClearReport", {"tokenId": sold, "reportNonce": brand.nonces(sold), "deadline": deadline}, key_of(bob))
    with brownie.reverts(error("PassportClearRequestNotReporter", sold)):
        brand.clearReportFor(sold, brand.nonces(sold), deadline, forged, {"from": admin})
    assert brand.passport(sold).dict()["status"] == S_STOLEN


# --- 8 and the front-runner: consents ----------------------------------------------------------

def test_a_second_reseller_cannot_use_a_consent_naming_another(brand, sold, alice, bob, reseller, second_reseller):
    consent, signature = consent_for(brand, sold, alice, reseller=reseller)
    with brownie.reverts(error("PassportConsentWrongReseller", second_reseller)):
        brand.resell(consent, second_reseller, signature, {"from": second_reseller})
    brand.resell(consent, bob, signature, {"from": reseller})
    assert brand.ownerOf(sold) == bob


# --- the owner withdraws signatures; self-transfers; the safe path -----------------------------

def test_the_owner_revokes_consents_and_approvals(brand, sold, alice, bob, reseller, stranger):
    consent, signature = consent_for(brand, sold, alice, reseller=reseller)
    brand.approve(stranger, sold, {"from": alice})
    before = brand.nonces(sold)
    tx = brand.revokeSignatures(sold, {"from": alice})
    assert tx.events["SignaturesRevoked"]["nonce"] == before + 1 and brand.getApproved(sold) == ZERO
    with brownie.reverts(error("PassportConsentStale", sold, before, before + 1)):
        brand.resell(consent, bob, signature, {"from": reseller})


def test_an_approval_outlives_a_report_until_a_move_or_a_revoke(brand, sold, alice, bob, stranger):
    """An approval is the owner's, of this ownership: while the passport is reported lost it moves
    nothing, after "found" it works again; a move or `revokeSignatures` ends it."""
    brand.approve(stranger, sold, {"from": alice})
    brand.reportStatus(sold, S_LOST, {"from": alice})
    with brownie.reverts(error("PassportNotTransferable", sold, S_LOST)):
        brand.transferFrom(alice, bob, sold, {"from": stranger})
    brand.reportFound(sold, {"from": alice})
    assert brand.getApproved(sold) == stranger
    brand.transferFrom(alice, bob, sold, {"from": stranger})
    assert brand.ownerOf(sold) == bob and brand.getApproved(sold) == ZERO


def test_only_the_owner_revokes(brand, sold, bob):
    with brownie.reverts(error("ERC721IncorrectOwner", bob, sold, brand.ownerOf(sold))):
        brand.revokeSignatures(sold, {"from": bob})


def test_a_transfer_to_oneself_is_refused(brand, sold, alice):
    with brownie.reverts(error("PassportSelfTransfer", sold)):
        brand.transferFrom(alice, alice, sold, {"from": alice})


def test_a_contract_that_cannot_hold_a_passport_is_refused(brand, sold, alice, bob, reseller, registry):
    consent, signature = consent_for(brand, sold, alice, reseller=reseller)
    with brownie.reverts(error("ERC721InvalidReceiver", registry)):
        brand.resell(consent, registry, signature, {"from": reseller})
