"""The contract headers' promises tried as an attacker who holds one key: brand staff, the brand
admin, an earlier owner, another brand, a front-runner who resubmits someone else's signed message
with other parameters, a suspended or removed brand, a single Safe owner, a replaced council's old
key, the council of a brand waiting for its replacement. Each attempt is refused by its own error
(attacks already tried elsewhere in tests/contracts are not repeated here)."""
import brownie
import pytest
from brownie import chain
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from contract_helpers import (
    DEFAULT_ADMIN_ROLE,
    MARKETPLACE,
    MINTER_ROLE,
    P_DEFEATED,
    P_OPEN,
    RESELLER,
    RETAILER_ROLE,
    S_ACTIVE,
    S_DESTROYED,
    S_STOLEN,
    SERVICE_ROLE,
    SERVICED,
    WEEK,
    commitment,
    error,
    key_of,
    sign,
    token_of,
)
from luxpass.spec import EIP712_DOMAIN_FIELDS, EIP712_TYPES
from test_passport_owner_rule import chip_signature, rebind_signature
from test_passport_resale import consent_for

ZERO = "0x" + "00" * 20
DAY = 24 * 3600
REPLACEMENT_DELAY = 3 * DAY


@pytest.fixture(scope="module")
def reseller(accounts, governance):
    governance.accredit(accounts[9], RESELLER)
    return accounts[9]


@pytest.fixture(scope="module")
def chip():
    return Account.create()


@pytest.fixture
def chipped(brand, minter, in_store, chip, retailer, alice):
    """A passport with its chip bound in custody, then sold to alice."""
    brand.bindChip(in_store, chip.address, {"from": minter})
    brand.firstSale(in_store, alice, {"from": retailer})
    return in_store


def sign_in_domain(collection, primary, message, key, **domain):
    """`key`'s EIP-712 signature of `message` in the collection's domain with fields overridden
    (another chain, another contract): what a replay from elsewhere carries."""
    _, name, version, chain_id, verifying, _, _ = collection.eip712Domain()
    values = {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying, **domain}
    typed = {"types": {"EIP712Domain": [{"name": n, "type": t} for n, t in EIP712_DOMAIN_FIELDS[:4]],
                       primary: [{"name": n, "type": t} for n, t in EIP712_TYPES[primary]]},
             "primaryType": primary, "domain": values, "message": message}
    return Account.sign_message(encode_typed_data(full_message=typed), key).signature


def complete_replacement(registry, governance, brand_id, council, anyone):
    governance.replace_council(brand_id, council)
    chain.sleep(REPLACEMENT_DELAY)
    registry.completeCouncilReplacement(brand_id, {"from": anyone})


# --- a replaced council, and the thief of a council key ---------------------------------------

def test_a_stolen_council_key_cannot_leave_a_second_admin_behind(registry, brand, admin, governance, fresh, stranger):
    """The hole: the thief granted DEFAULT_ADMIN_ROLE to a spare key of its own, which kept the
    collection after the replacement (and could revoke the new council's admin role)."""
    spare, lawful = fresh(), fresh()
    with brownie.reverts(error("PassportAdminRoleMovedByRegistry")):
        brand.grantRole(DEFAULT_ADMIN_ROLE, spare, {"from": admin})
    with brownie.reverts(error("PassportAdminRoleMovedByRegistry")):  # nor strand the brand without one
        brand.revokeRole(DEFAULT_ADMIN_ROLE, admin, {"from": admin})
    with brownie.reverts(error("PassportAdminRoleMovedByRegistry")):
        brand.renounceRole(DEFAULT_ADMIN_ROLE, admin, {"from": admin})
    brand.grantRole(MINTER_ROLE, spare, {"from": admin})  # staff roles stay the council's to give
    complete_replacement(registry, governance, 1, lawful, stranger)
    assert [brand.hasRole(DEFAULT_ADMIN_ROLE, a) for a in (lawful, admin, spare)] == [True, False, False]
    with brownie.reverts(error("AccessControlUnauthorizedAccount", spare, DEFAULT_ADMIN_ROLE)):
        brand.revokeRole(MINTER_ROLE, lawful, {"from": spare})
    brand.revokeRole(MINTER_ROLE, spare, {"from": lawful})  # the new council revokes what it does not trust


@pytest.mark.parametrize("how", ["replacement", "rotation"])
def test_a_council_key_that_lost_its_seat_keeps_none_of_the_roles_it_gave_itself(registry, brand, admin, governance,
                                                                                  sold, alice, fresh, stranger, how):
    """The hole: the old council key kept the staff roles it had granted itself, so after its
    replacement (or its own rotation) it still minted, sold to buyers and wrote service records."""
    for role in (MINTER_ROLE, RETAILER_ROLE, SERVICE_ROLE):
        brand.grantRole(role, admin, {"from": admin})
    brand.mint(admin, commitment("AUR-thief-1"), {"from": admin})
    lawful = fresh()
    if how == "replacement":
        complete_replacement(registry, governance, 1, lawful, stranger)
    else:
        registry.rotateCouncil(lawful, {"from": admin})
    assert not brand.isBrandCustodian(admin)
    with brownie.reverts(error("AccessControlUnauthorizedAccount", admin, MINTER_ROLE)):
        brand.mint(admin, commitment("AUR-thief-2"), {"from": admin})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", admin, RETAILER_ROLE)):
        brand.firstSale(token_of(commitment("AUR-thief-1")), stranger, {"from": admin})
    with brownie.reverts(error("PassportMissingRole", admin, SERVICED)):
        brand.recordEvent(sold, SERVICED, keccak(text="a service record"), {"from": admin})
    assert brand.ownerOf(sold) == alice


def test_a_replaced_council_keeps_no_power_and_its_recoveries_are_cancelled(CounterfeitCases, registry, brand, admin,
                                                                            councils, governance, sold, alice, fresh,
                                                                            stranger):
    book = CounterfeitCases.at(registry.cases())
    governance.accredit(stranger, MARKETPLACE)
    case_id = book.fileCase(1, keccak(text="listing"), brand, sold, keccak(text="evidence"),
                            {"from": stranger}).events["CaseFiled"]["caseId"]
    thief_target, lawful = fresh(), fresh()
    brand.requestRecovery(sold, thief_target, {"from": admin})  # made with the stolen key before the vote
    complete_replacement(registry, governance, 1, lawful, stranger)
    proposal_id = registry.proposeBrandStatus(3, 1, {"from": councils[1]}).events["ProposalCreated"]["proposalId"]
    with brownie.reverts(error("RegistryNotActiveMember", admin)):
        registry.vote(proposal_id, False, {"from": admin})
    with brownie.reverts(error("RegistryNotActiveMember", admin)):
        registry.rotateCouncil(fresh(), {"from": admin})
    with brownie.reverts(error("CasesNotBrandCouncil", admin, 1)):
        book.ruleCase(case_id, 2, keccak(text="genuine"), {"from": admin})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", admin, DEFAULT_ADMIN_ROLE)):
        brand.requestRecovery(sold, fresh(), {"from": admin})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", admin, DEFAULT_ADMIN_ROLE)):
        brand.setBaseURI("https://elsewhere.example/", {"from": admin})
    with brownie.reverts(error("ERC721IncorrectOwner", admin, sold, alice)):
        brand.cancelRecovery(sold, {"from": admin})
    brand.cancelRecovery(sold, {"from": lawful})  # the new council ends what the old key requested
    assert brand.recoveryOf(sold) == (ZERO, 0)


def test_a_council_waiting_for_its_seat_has_no_power_before_it(registry, brand, councils, fresh, stranger):
    waiting = fresh()
    tx = registry.proposeCouncilReplacement(1, waiting, {"from": councils[1]})
    registry.vote(tx.events["ProposalCreated"]["proposalId"], True, {"from": councils[2]})
    with brownie.reverts(error("RegistryNotActiveMember", waiting)):
        registry.proposeBrandStatus(2, 1, {"from": waiting})
    with brownie.reverts(error("RegistryNotActiveMember", waiting)):
        registry.rotateCouncil(fresh(), {"from": waiting})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", waiting, DEFAULT_ADMIN_ROLE)):
        brand.grantRole(MINTER_ROLE, stranger, {"from": waiting})
    with brownie.reverts(error("PassportNotRegistry", councils[1])):  # nor does a voter seat it early
        brand.replaceAdmin(councils[0], waiting, {"from": councils[1]})
    chain.sleep(REPLACEMENT_DELAY)
    registry.completeCouncilReplacement(1, {"from": stranger})
    registry.rotateCouncil(fresh(), {"from": waiting})  # once seated, its own rotation is not held by the cooldown


def test_a_reinstated_target_still_cannot_vote_on_its_replacement(registry, governance, councils, fresh):
    governance.suspend(1)
    tx = registry.proposeCouncilReplacement(1, fresh(), {"from": councils[1]})
    proposal_id = tx.events["ProposalCreated"]["proposalId"]
    governance.reinstate(1)
    assert registry.proposalState(proposal_id) == P_OPEN
    with brownie.reverts(error("RegistryTargetCannotVote", proposal_id, 1)):
        registry.vote(proposal_id, False, {"from": councils[0]})


def test_a_member_cannot_flood_the_registry_with_open_proposals(registry, councils):
    """The hole: every execution walks every open proposal, so one council (a stolen key among
    them) could open proposals until no vote fit in a block, its own replacement's included."""
    limit = registry.MAX_OPEN_PROPOSALS()
    for _ in range(limit):
        registry.proposeBrandStatus(2, 3, {"from": councils[0]})
    with brownie.reverts(error("RegistryTooManyOpenProposals", 1, limit)):
        registry.proposeBrandStatus(2, 3, {"from": councils[0]})
    registry.proposeBrandStatus(2, 3, {"from": councils[2]})  # the others' are their own
    chain.sleep(WEEK + 1)  # they expire, and no longer count
    registry.proposeBrandStatus(2, 3, {"from": councils[0]})


def test_a_stolen_council_keys_proposals_and_votes_end_with_its_seat(registry, governance, councils, newcomer,
                                                                     fresh, stranger):
    """The hole: in the days before the seat moved, the thief filled brand 1's open-proposal slots
    (the lawful council was then refused for up to a voting period) and each carried brand 1's yes,
    which the new council could neither withdraw nor answer with a no."""
    thief, accomplice, lawful = councils[0], fresh(), fresh()
    governance.admit("Atelier Nouveau", "ATN", newcomer)  # four members: three yes votes carry
    tx = registry.proposeAccreditation(accomplice, RESELLER, True, {"from": thief})
    accredit_accomplice = tx.events["ProposalCreated"]["proposalId"]
    for _ in range(registry.MAX_OPEN_PROPOSALS() - 1):
        registry.proposeBrandStatus(2, 3, {"from": thief})
    tx = registry.proposeAccreditation(stranger, MARKETPLACE, True, {"from": newcomer})
    others_proposal = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(others_proposal, True, {"from": thief})  # brand 1's yes, cast by the thief
    complete_replacement(registry, governance, 1, lawful, stranger)
    assert registry.proposalState(accredit_accomplice) == P_DEFEATED
    with brownie.reverts(error("RegistryProposalClosed", accredit_accomplice, P_DEFEATED)):
        registry.vote(accredit_accomplice, True, {"from": councils[1]})
    registry.proposeBrandStatus(3, 1, {"from": lawful})  # a free quota
    assert not registry.hasVoted(others_proposal, 1) and registry.tally(others_proposal) == (1, 0)
    registry.vote(others_proposal, False, {"from": lawful})  # the lawful council answers for brand 1
    assert registry.tally(others_proposal) == (1, 1)
    assert not registry.isAccredited(accomplice, RESELLER)


def test_a_rotation_closes_the_old_keys_proposals_too(registry, councils, fresh):
    """The thief (or the lawful council) rotating the seat away ends the old key's acts the same way."""
    tx = registry.proposeBrandStatus(2, 1, {"from": councils[0]})
    proposal_id = tx.events["ProposalCreated"]["proposalId"]
    rotated = registry.rotateCouncil(fresh(), {"from": councils[0]})
    assert rotated.events["ProposalWithdrawn"].values() == [proposal_id, 1]
    assert registry.proposalState(proposal_id) == P_DEFEATED


# --- a member that sends its own proposals (cast, a Safe transaction, a stolen council key) -------

@pytest.mark.parametrize("name, symbol, refusal", [
    ("M\u0430ison Aurel", "NEU", ("RegistryBrandNameTaken", "M\u0430ison Aurel")),  # Cyrillic а
    ("Atelier Neuf", "\u0410UR", ("RegistryBrandSymbolTaken", "\u0410UR")),  # Cyrillic А
    ("Maison\u00a0Aurel", "NEU", ("RegistryBrandNameNotAllowed", "Maison\u00a0Aurel", 6)),  # no-break space
    ("Maison Aurel\u200b", "NEU", ("RegistryBrandNameNotAllowed", "Maison Aurel\u200b", 12)),  # zero-width space
    ("MAISON AUREL", "NEU", ("RegistryBrandNameTaken", "MAISON AUREL")),
    ("Maison Aure1", "NEU", ("RegistryBrandNameTaken", "Maison Aure1")),
    ("Maison Lun\u0435", "NEU", ("RegistryBrandNameNotAllowed", "Maison Lun\u0435", 10)),  # a spoof of no brand yet
])
def test_a_member_sending_a_look_alike_straight_to_the_registry_is_refused(registry, councils, newcomer, name,
                                                                           symbol, refusal):
    """The hole: the registry folded ASCII case only and refused only ASCII spaces and control
    characters, so a look-alike of "Maison Aurel" sent around the library could be voted genuine."""
    with brownie.reverts(error(*refusal)):
        registry.proposeAdmission(name, symbol, newcomer, {"from": councils[0]})


def test_a_look_alike_proposed_before_the_original_is_admitted_is_refused_when_carried(registry, governance,
                                                                                      councils, newcomer, fresh):
    """Two proposals open at once, the second a look-alike of the first: the skeleton stored by the
    first admission refuses the second when its vote would carry it."""
    look_alike = registry.proposeAdmission("ATELIER N0UVEAU", "ATX", fresh(), {"from": councils[1]})
    governance.admit("Atelier Nouveau", "ATN", newcomer)
    proposal_id = look_alike.events["ProposalCreated"]["proposalId"]
    registry.vote(proposal_id, True, {"from": councils[2]})  # 2 of 4: still open
    with brownie.reverts(error("RegistryBrandNameTaken", "ATELIER N0UVEAU")):
        registry.vote(proposal_id, True, {"from": councils[0]})
    assert registry.brandCount() == 4


# --- recovery ------------------------------------------------------------------------------

def test_a_recovery_does_not_complete_to_an_account_made_staff_after_the_request(brand, admin, sold, alice, fresh):
    """The hole: the admin named a fresh account, granted it a role during the delay, and the
    passport moved to the brand's own account."""
    accomplice = fresh()
    brand.requestRecovery(sold, accomplice, {"from": admin})
    brand.grantRole(MINTER_ROLE, accomplice, {"from": admin})
    chain.sleep(WEEK + 1)
    with brownie.reverts(error("PassportRecoveryToBrand", accomplice)):
        brand.completeRecovery(sold, {"from": accomplice})
    assert brand.ownerOf(sold) == alice


def test_an_owners_cancel_is_not_outwaited_by_the_brands_key(brand, admin, sold, alice, bob, stranger):
    """The hole: after the 30-day cool-down the admin (or the thief of the council key) named the
    same recipient again, every 30-37 days, until the first week the owner missed."""
    brand.requestRecovery(sold, stranger, {"from": admin})
    brand.cancelRecovery(sold, {"from": alice})
    for _ in range(3):
        chain.sleep(31 * DAY)
        with brownie.reverts(error("PassportRecoveryRefusedByOwner", sold, alice)):
            brand.requestRecovery(sold, stranger, {"from": admin})
    brand.transferFrom(alice, bob, sold, {"from": alice})  # a new ownership: bob never cancelled
    brand.requestRecovery(sold, stranger, {"from": admin})


def test_a_contract_owner_is_never_asked_to_answer_a_recovery(WalletMock, brand, admin, sold, alice, bob, stranger):
    """The hole: a vault or a Safe whose signers are away could not cancel within the delay."""
    vault = WalletMock.deploy(bob, {"from": bob})
    brand.transferFrom(alice, vault, sold, {"from": alice})
    with brownie.reverts(error("PassportRecoveryOfContractOwner", sold, vault)):
        brand.requestRecovery(sold, stranger, {"from": admin})
    assert brand.recoveryHeld(sold)


def test_only_the_other_members_let_the_brand_ask_again_after_a_cancel(registry, brand, admin, councils, sold,
                                                                       alice, stranger):
    """After her cancel, the brand's own key (or its thief) cannot lift her protection; the other
    members can, for an owner who lost her key since; her next cancel protects her again."""
    brand.requestRecovery(sold, stranger, {"from": admin})
    brand.cancelRecovery(sold, {"from": alice})
    with brownie.reverts(error("RegistryTargetCannotVote", registry.proposalCount() + 1, 1)):
        registry.proposeRecoveryAllowance(1, alice, {"from": admin})
    tx = registry.proposeRecoveryAllowance(1, alice, {"from": councils[1]})
    proposal_id = tx.events["ProposalCreated"]["proposalId"]
    with brownie.reverts(error("RegistryTargetCannotVote", proposal_id, 1)):
        registry.vote(proposal_id, True, {"from": admin})
    assert brand.recoveryHeld(sold)  # one yes is not enough
    tx = registry.vote(proposal_id, True, {"from": councils[2]})
    assert tx.events["RecoveryAllowed"]["owner"] == alice and not brand.recoveryHeld(sold)
    brand.requestRecovery(sold, stranger, {"from": admin})
    brand.cancelRecovery(sold, {"from": alice})  # she still had her key after all
    with brownie.reverts(error("PassportRecoveryRefusedByOwner", sold, alice)):
        brand.requestRecovery(sold, stranger, {"from": admin})


# --- chips ---------------------------------------------------------------------------------

def test_a_chip_answer_made_before_the_claim_opened_moves_nothing(brand, chipped, chip, alice, bob, stranger):
    """The hole: an answer the chip gave while an earlier owner held the item, for a recipient of
    the holder's choice, moved the passport when the current owner later opened a claim of their own."""
    brand.setChipClaim(chipped, True, {"from": alice})
    deadline = chain.time() + 3600
    used = chip_signature(brand, chipped, chip, stranger, deadline, b"\x01" * 32)
    kept = chip_signature(brand, chipped, chip, stranger, deadline, b"\x02" * 32)  # the holder keeps a spare
    brand.claimWithChip(chipped, stranger, deadline, *used, {"from": stranger})
    brand.transferFrom(stranger, bob, chipped, {"from": stranger})  # sold on, item and all
    brand.setChipClaim(chipped, True, {"from": bob})  # bob opens a claim for whoever holds the chip now
    with brownie.reverts(error("PassportChipChallengeInvalid", chipped)):
        brand.claimWithChip(chipped, stranger, deadline, *kept, {"from": stranger})
    assert brand.ownerOf(chipped) == bob


# --- signatures: each names what it allows and dies when that changes ------------------------

def test_a_front_runner_changing_any_signed_field_is_refused(brand, admin, servicer, chipped, alice, bob, reseller,
                                                             stranger):
    consent, signature = consent_for(brand, chipped, alice, buyer=bob, reseller=reseller)
    for altered in ((*consent[:5], keccak(text="EUR 10"), *consent[6:]),  # other terms
                    (*consent[:7], consent[7] + 3600)):  # a later deadline
        with brownie.reverts(error("PassportConsentNotOwner", chipped)):
            brand.resell(altered, bob, signature, {"from": reseller})
    deadline = chain.time() + 600
    permit = sign(brand, "Permit", {"spender": bob.address, "tokenId": chipped, "nonce": brand.nonces(chipped),
                                    "deadline": deadline}, key_of(alice))
    with brownie.reverts(error("PassportPermitNotOwner", chipped)):
        brand.permit(stranger, chipped, deadline, permit, {"from": stranger})
    rebind = rebind_signature(brand, chipped, bob.address, key_of(alice), deadline)
    with brownie.reverts(error("PassportRebindNotOwner", chipped)):
        brand.rebindChip(chipped, servicer.address, deadline, rebind, {"from": servicer})
    brand.reportStatus(chipped, S_STOLEN, {"from": alice})
    clear = sign(brand, "ClearReport", {"tokenId": chipped, "reportNonce": brand.nonces(chipped), "deadline": deadline},
                 key_of(alice))
    with brownie.reverts(error("PassportClearRequestNotReporter", chipped)):
        brand.clearReportFor(chipped, brand.nonces(chipped), deadline + 3600, clear, {"from": admin})


def test_a_rebind_and_a_revoke_end_every_other_signature(brand, admin, servicer, chipped, alice, bob, reseller,
                                                         stranger):
    deadline = chain.time() + 600
    consent, signature = consent_for(brand, chipped, alice, reseller=reseller)
    permit = sign(brand, "Permit", {"spender": stranger.address, "tokenId": chipped,
                                    "nonce": brand.nonces(chipped), "deadline": deadline}, key_of(alice))
    spare_rebind = rebind_signature(brand, chipped, bob.address, key_of(alice), deadline)
    nonce = brand.nonces(chipped)
    brand.rebindChip(chipped, servicer.address, deadline, rebind_signature(brand, chipped, servicer.address,
                                                                           key_of(alice), deadline),
                     {"from": servicer})
    with brownie.reverts(error("PassportConsentStale", chipped, nonce, nonce + 1)):
        brand.resell(consent, bob, signature, {"from": reseller})
    with brownie.reverts(error("PassportPermitNotOwner", chipped)):
        brand.permit(stranger, chipped, deadline, permit, {"from": stranger})
    with brownie.reverts(error("PassportRebindNotOwner", chipped)):
        brand.rebindChip(chipped, bob.address, deadline, spare_rebind, {"from": servicer})
    brand.reportStatus(chipped, S_STOLEN, {"from": alice})
    report = brand.nonces(chipped)
    clear = sign(brand, "ClearReport", {"tokenId": chipped, "reportNonce": report, "deadline": deadline},
                 key_of(alice))
    brand.revokeSignatures(chipped, {"from": alice})
    with brownie.reverts(error("PassportClearRequestStale", chipped, report, report + 1)):
        brand.clearReportFor(chipped, report, deadline, clear, {"from": admin})


def test_signatures_do_not_cross_collections_or_chains(brand, rival, admin, minter, servicer, retailer, rival_staff,
                                                       alice, stranger, chip):
    """The same passport id in two collections, both alice's: what she signed for one (or for this
    collection on another chain) does nothing in the other."""
    label = commitment("AUR-SHARED-ID")
    for collection, staff in ((brand, minter), (rival, rival_staff)):
        collection.mint(staff, label, {"from": staff})
        collection.firstSale(token_of(label), alice, {"from": retailer if collection == brand else rival_staff})
    token, deadline, key = token_of(label), chain.time() + 600, key_of(alice)
    permit = {"spender": stranger.address, "tokenId": token, "nonce": brand.nonces(token), "deadline": deadline}
    rebind = {"tokenId": token, "chip": chip.address, "nonce": brand.nonces(token), "deadline": deadline}
    for elsewhere in ({"verifyingContract": rival.address}, {"chainId": 1}):
        with brownie.reverts(error("PassportPermitNotOwner", token)):
            brand.permit(stranger, token, deadline, sign_in_domain(brand, "Permit", permit, key, **elsewhere),
                         {"from": stranger})
        with brownie.reverts(error("PassportRebindNotOwner", token)):
            brand.rebindChip(token, chip.address, deadline, sign_in_domain(brand, "ChipRebind", rebind, key,
                                                                           **elsewhere), {"from": servicer})
    brand.reportStatus(token, S_STOLEN, {"from": alice})
    rival.reportStatus(token, S_STOLEN, {"from": alice})
    clear = {"tokenId": token, "reportNonce": rival.nonces(token), "deadline": deadline}
    with brownie.reverts(error("PassportClearRequestNotReporter", token)):
        brand.clearReportFor(token, brand.nonces(token), deadline, sign(rival, "ClearReport", clear, key),
                             {"from": admin})


def test_a_contract_wallets_signatures_are_its_signers_only(WalletMock, brand, admin, servicer, chipped, alice, bob):
    wallet = WalletMock.deploy(bob, {"from": bob})
    brand.transferFrom(alice, wallet, chipped, {"from": alice})
    deadline = chain.time() + 600
    with brownie.reverts(error("PassportRebindNotOwner", chipped)):  # the earlier owner's key is no signer of it
        brand.rebindChip(chipped, servicer.address, deadline,
                         rebind_signature(brand, chipped, servicer.address, key_of(alice), deadline),
                         {"from": servicer})
    brand.rebindChip(chipped, servicer.address, deadline,
                     rebind_signature(brand, chipped, servicer.address, key_of(bob), deadline), {"from": servicer})
    wallet.execute(brand, brand.reportStatus.encode_input(chipped, S_STOLEN), {"from": bob})
    clear = {"tokenId": chipped, "reportNonce": brand.nonces(chipped), "deadline": deadline}
    with brownie.reverts(error("PassportClearRequestNotReporter", chipped)):
        brand.clearReportFor(chipped, clear["reportNonce"], deadline, sign(brand, "ClearReport", clear, key_of(alice)),
                             {"from": admin})
    brand.clearReportFor(chipped, clear["reportNonce"], deadline, sign(brand, "ClearReport", clear, key_of(bob)),
                         {"from": admin})


# --- earlier owners, staff, other brands, a removed brand --------------------------------------

def test_an_earlier_owner_has_no_say(brand, admin, sold, alice, bob, stranger):
    brand.transferFrom(alice, bob, sold, {"from": alice})
    brand.requestRecovery(sold, stranger, {"from": admin})
    for attempt in (lambda: brand.setChipClaim(sold, True, {"from": alice}),
                    lambda: brand.revokeSignatures(sold, {"from": alice}),
                    lambda: brand.reportStatus(sold, S_STOLEN, {"from": alice}),
                    lambda: brand.cancelRecovery(sold, {"from": alice}),
                    lambda: brand.markDestroyed(sold, {"from": alice})):
        with brownie.reverts(error("ERC721IncorrectOwner", alice, sold, bob)):
            attempt()
    with brownie.reverts(error("ERC721InvalidApprover", alice)):
        brand.approve(alice, sold, {"from": alice})
    brand.reportStatus(sold, S_STOLEN, {"from": bob})
    with brownie.reverts(error("PassportNotStatusReporter", sold, alice)):
        brand.reportFound(sold, {"from": alice})


@pytest.mark.parametrize("staff", ["minter", "retailer", "servicer"])
def test_staff_have_no_say_over_a_customers_passport(brand, request, admin, sold, alice, staff, stranger):
    account = request.getfixturevalue(staff)
    brand.requestRecovery(sold, stranger, {"from": admin})
    for attempt in (lambda: brand.setChipClaim(sold, True, {"from": account}),
                    lambda: brand.cancelRecovery(sold, {"from": account}),
                    lambda: brand.revokeSignatures(sold, {"from": account})):
        with brownie.reverts(error("ERC721IncorrectOwner", account, sold, alice)):
            attempt()
    for attempt in (lambda: brand.requestRecovery(sold, account, {"from": account}),
                    lambda: brand.grantRole(MINTER_ROLE, account, {"from": account}),
                    lambda: brand.clearReportFor(sold, 0, chain.time() + 60, b"", {"from": account})):
        with brownie.reverts(error("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE)):
            attempt()


def test_another_brand_has_no_power_here(brand, councils, rival_staff, sold, alice, stranger):
    deadline = chain.time() + 600
    signed = rebind_signature(brand, sold, rival_staff.address, key_of(alice), deadline)
    with brownie.reverts(error("AccessControlUnauthorizedAccount", rival_staff, MINTER_ROLE)):
        brand.rebindChip(sold, rival_staff.address, deadline, signed, {"from": rival_staff})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", councils[1], DEFAULT_ADMIN_ROLE)):
        brand.requestRecovery(sold, stranger, {"from": councils[1]})
    with brownie.reverts(error("PassportNotRegistry", councils[1])):
        brand.replaceAdmin(councils[0], councils[1], {"from": councils[1]})


def test_a_removed_brand_writes_nothing_and_its_customers_keep_their_passports(brand, governance, admin, minter,
                                                                               servicer, retailer, chipped, alice,
                                                                               bob, stranger):
    deadline = chain.time() + 600
    signed = rebind_signature(brand, chipped, servicer.address, key_of(alice), deadline)
    root = keccak(text="batch after leaving")
    governance.remove(1)
    for attempt in (lambda: brand.mint(minter, commitment("AUR-LATE"), {"from": minter}),
                    lambda: brand.commitBatch(root, {"from": minter}),
                    lambda: brand.rebindChip(chipped, servicer.address, deadline, signed, {"from": servicer}),
                    lambda: brand.requestRecovery(chipped, stranger, {"from": admin})):
        with brownie.reverts(error("PassportBrandNotActive", 1)):
            attempt()
    brand.setChipClaim(chipped, True, {"from": alice})  # the owner's own acts go on
    brand.transferFrom(alice, bob, chipped, {"from": alice})
    assert brand.ownerOf(chipped) == bob


def test_a_suspended_brand_cannot_destroy_its_unsold_stock(brand, governance, admin, retailer, in_store):
    """The hole: the brandCustody branch of markDestroyed wrote a Destroyed record, final, for a
    brand the registry had suspended."""
    governance.suspend(1)
    for account in (admin, retailer):  # the admin's power over custody, and the custodian's own stock
        with brownie.reverts(error("PassportBrandNotActive", 1)):
            brand.markDestroyed(in_store, {"from": account})
    assert brand.passport(in_store).dict()["status"] == S_ACTIVE
    governance.reinstate(1)
    brand.markDestroyed(in_store, {"from": admin})
    assert brand.passport(in_store).dict()["status"] == S_DESTROYED


def test_a_suspended_brand_cannot_clear_a_report_even_with_the_reporters_request(brand, governance, admin, sold, alice):
    brand.reportStatus(sold, S_STOLEN, {"from": alice})
    deadline = chain.time() + 3600
    request = {"tokenId": sold, "reportNonce": brand.nonces(sold), "deadline": deadline}
    clear = sign(brand, "ClearReport", request, key_of(alice))
    governance.suspend(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.clearReportFor(sold, request["reportNonce"], deadline, clear, {"from": admin})
    assert brand.passport(sold).dict()["status"] == S_STOLEN
    governance.reinstate(1)
    brand.clearReportFor(sold, request["reportNonce"], deadline, clear, {"from": admin})
    assert brand.passport(sold).dict()["status"] == S_ACTIVE


def test_a_suspended_brands_customer_still_destroys_her_own_passport(brand, governance, sold, alice):
    governance.suspend(1)
    tx = brand.markDestroyed(sold, {"from": alice})
    assert tx.events["StatusChanged"]["current"] == S_DESTROYED
    assert brand.passport(sold).dict()["status"] == S_DESTROYED


# --- a single owner of a Safe council -----------------------------------------------------------

def test_a_single_safe_owner_cannot_rotate_the_safes_council(ConsortiumRegistry, implementation, deployer, councils,
                                                              accounts, signer, fresh):
    from luxpass.chain.accounts import dev_account
    from luxpass.onchain import safe as safes

    officers = [dev_account(i, 31337) for i in (4, 5, 6)]
    council = safes.create_safe(signer(0), safes.deploy_safe_factory(signer(0)), [o.address for o in officers], 2)
    registry = ConsortiumRegistry.deploy(implementation, ["Maison Aurel", "Casa Vellutti", "Horlogerie Brandt"],
                                         ["AUR", "VEL", "HBR"], [council, councils[1], councils[2]], 5000, WEEK,
                                         {"from": deployer})
    own_key = fresh()
    with brownie.reverts(error("RegistryNotActiveMember", officers[0].address)):
        registry.rotateCouncil(own_key, {"from": accounts[4]})
    rotate = signer(4).contract("ConsortiumRegistry", registry.address).functions.rotateCouncil(own_key.address)
    job = safes.Safe(signer(4), council).draft(rotate, "rotate to my own key")
    wallet = brownie.Contract.from_abi("Safe", council, safes.safe_artifact("SafeL2")["abi"])
    with brownie.reverts("GS020"):  # one signature where the threshold is two
        wallet.execTransaction(*job.tx.as_args(), bytes(officers[0].unsafe_sign_hash(job.digest).signature),
                               {"from": accounts[4]})
    assert registry.brand(1)[1] == council and registry.brandIdOfCouncil(own_key) == 0
