"""Council rotation and replacement: a brand hands its seat (its vote and its collection's admin
role) to a new council, or the other members replace a lost or stolen one by vote. The attackers:
the thief of a council key, a replaced key, a suspended brand, a lone member, a hostile majority."""
import brownie
import pytest
from brownie import chain

from contract_helpers import (
    DEFAULT_ADMIN_ROLE,
    MINTER_ROLE,
    P_DEFEATED,
    P_EXECUTED,
    P_OPEN,
    REPLACE_COUNCIL,
    error,
)

DAY = 24 * 3600
DELAY, COOLDOWN = 3 * DAY, 30 * DAY


@pytest.fixture
def new_key(fresh):
    return fresh()


def replacement(registry, proposer, brand_id, council):
    tx = registry.proposeCouncilReplacement(brand_id, council, {"from": proposer})
    return tx.events["ProposalCreated"]["proposalId"]


def effective_at(tx):
    return tx.events["CouncilReplacementScheduled"]["effectiveAt"]


# --- a brand rotates its own council ---------------------------------------------------------

def test_a_council_hands_its_seat_and_its_collection_in_one_transaction(registry, collections, councils, new_key):
    tx = registry.rotateCouncil(new_key, {"from": councils[0]})
    assert tx.events["CouncilRotated"].values() == [1, councils[0], new_key]
    assert registry.brand(1)[1] == new_key
    assert (registry.brandIdOfCouncil(new_key), registry.brandIdOfCouncil(councils[0])) == (1, 0)
    assert collections[0].hasRole(DEFAULT_ADMIN_ROLE, new_key)
    assert not collections[0].hasRole(DEFAULT_ADMIN_ROLE, councils[0])


def test_the_old_key_lost_every_power(registry, collections, councils, new_key, accounts):
    registry.rotateCouncil(new_key, {"from": councils[0]})
    with brownie.reverts(error("RegistryNotActiveMember", councils[0])):
        registry.proposeBrandStatus(2, 1, {"from": councils[0]})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", councils[0], DEFAULT_ADMIN_ROLE)):
        collections[0].grantRole(MINTER_ROLE, accounts[9], {"from": councils[0]})
    collections[0].grantRole(MINTER_ROLE, accounts[9], {"from": new_key})  # the new one has it


def test_a_replaced_key_cannot_vote_and_the_new_one_decides_afresh(registry, councils, proposal, new_key, stranger):
    tx = registry.proposeAccreditation(stranger, 0, True, {"from": councils[1]})
    others = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(others, False, {"from": councils[0]})
    tx = registry.rotateCouncil(new_key, {"from": councils[0]})
    assert tx.events["ProposalWithdrawn"].values() == [proposal, 1]  # brand 1's own proposal closed
    assert tx.events["VoteWithdrawn"].values() == [others, 1, False]  # and its vote on brand 2's withdrawn
    with brownie.reverts(error("RegistryNotActiveMember", councils[0])):
        registry.vote(others, True, {"from": councils[0]})
    with brownie.reverts(error("RegistryProposalClosed", proposal, P_DEFEATED)):
        registry.vote(proposal, True, {"from": councils[2]})
    registry.vote(others, True, {"from": new_key})  # the new council's own answer carries it
    assert registry.isAccredited(stranger, 0)


def test_a_council_never_takes_a_seat_twice(registry, councils, fresh, governance):
    first, second = fresh(), fresh()
    registry.rotateCouncil(first, {"from": councils[0]})
    with brownie.reverts(error("RegistryCouncilTaken", councils[1])):  # another member's
        registry.rotateCouncil(councils[1], {"from": first})
    registry.rotateCouncil(second, {"from": first})
    with brownie.reverts(error("RegistryCouncilTaken", councils[0])):  # retired: not for brand 2
        registry.rotateCouncil(councils[0], {"from": councils[1]})
    with brownie.reverts(error("RegistryCouncilTaken", first)):  # nor for a newcomer
        registry.proposeAdmission("Atelier Nouveau", "ATN", first, {"from": councils[1]})
    with brownie.reverts(error("RegistryInvalidAccount", brownie.ZERO_ADDRESS)):
        registry.rotateCouncil(brownie.ZERO_ADDRESS, {"from": second})


def test_a_suspended_brand_cannot_rotate(registry, councils, governance, new_key):
    governance.suspend(1)
    with brownie.reverts(error("RegistryNotActiveMember", councils[0])):
        registry.rotateCouncil(new_key, {"from": councils[0]})


def test_only_the_registry_moves_a_collections_admin(collections, councils, accounts):
    with brownie.reverts(error("PassportNotRegistry", councils[0])):
        collections[0].replaceAdmin(councils[0], accounts[9], {"from": councils[0]})


# --- the other members replace a lost or stolen council --------------------------------------

def test_the_other_members_replace_a_stolen_council_after_the_delay(registry, collections, councils, new_key,
                                                                    stranger):
    proposal_id = replacement(registry, councils[1], 1, new_key)
    p = registry.proposal(proposal_id).dict()
    assert (p["kind"], p["brandId"], p["account"]) == (REPLACE_COUNCIL, 1, new_key)
    tx = registry.vote(proposal_id, True, {"from": councils[2]})
    due = tx.timestamp + DELAY
    assert tx.events["CouncilReplacementScheduled"].values() == [1, new_key, due]
    assert registry.pendingCouncil(1) == (new_key, due)
    assert registry.brand(1)[1] == councils[0]  # not yet
    with brownie.reverts(error("RegistryCouncilReplacementNotDue", 1, due)):
        registry.completeCouncilReplacement(1, {"from": stranger})
    chain.sleep(DELAY)
    done = registry.completeCouncilReplacement(1, {"from": stranger})  # anyone seats it
    assert done.events["CouncilRotated"].values() == [1, councils[0], new_key]
    assert registry.pendingCouncil(1) == (brownie.ZERO_ADDRESS, 0)
    assert collections[0].hasRole(DEFAULT_ADMIN_ROLE, new_key)
    assert not collections[0].hasRole(DEFAULT_ADMIN_ROLE, councils[0])
    with brownie.reverts(error("RegistryNoCouncilReplacement", 1)):
        registry.completeCouncilReplacement(1, {"from": stranger})


def test_the_stolen_key_cannot_vote_on_its_own_replacement(registry, councils, new_key, fresh):
    proposal_id = replacement(registry, councils[1], 1, new_key)
    with brownie.reverts(error("RegistryTargetCannotVote", proposal_id, 1)):
        registry.vote(proposal_id, False, {"from": councils[0]})
    with brownie.reverts(error("RegistryTargetCannotVote", proposal_id + 1, 1)):  # nor propose one
        registry.proposeCouncilReplacement(1, fresh(), {"from": councils[0]})
    registry.vote(proposal_id, True, {"from": councils[2]})
    assert registry.proposalState(proposal_id) == P_EXECUTED


def test_the_thief_rotating_away_does_not_escape(registry, councils, fresh, stranger):
    lawful, thiefs_own = fresh(), fresh()
    proposal_id = replacement(registry, councils[1], 1, lawful)
    registry.rotateCouncil(thiefs_own, {"from": councils[0]})  # during the vote: the seat, not the key, is voted
    tx = registry.vote(proposal_id, True, {"from": councils[2]})
    with brownie.reverts(error("RegistryCouncilReplacementPending", 1, effective_at(tx))):
        registry.rotateCouncil(fresh(), {"from": thiefs_own})
    chain.sleep(DELAY)
    registry.completeCouncilReplacement(1, {"from": stranger})
    assert registry.brand(1)[1] == lawful and registry.brandIdOfCouncil(thiefs_own) == 0


def test_a_suspended_brand_is_replaced_by_the_active_others(registry, councils, governance, new_key, stranger):
    governance.suspend(1)  # the usual order: stop the thief first, then replace the key
    governance.replace_council(1, new_key)
    chain.sleep(DELAY)
    registry.completeCouncilReplacement(1, {"from": stranger})
    governance.reinstate(1)
    registry.proposeBrandStatus(2, 1, {"from": new_key})  # the new key votes for the brand


def test_a_lone_member_cannot_replace_a_council(registry, councils, governance, new_key):
    governance.suspend(3)
    with brownie.reverts(error("RegistryTooFewOtherMembers", 1, 1)):
        registry.proposeCouncilReplacement(1, new_key, {"from": councils[1]})


def test_a_replacement_left_to_a_lone_member_is_defeated(registry, councils, governance, new_key):
    proposal_id = replacement(registry, councils[1], 1, new_key)  # brands 2 and 3 decide
    governance.suspend(3)  # now brand 2 alone would decide: it may not
    assert registry.proposalState(proposal_id) == P_DEFEATED
    governance.reinstate(3)
    assert registry.proposalState(proposal_id) == P_DEFEATED  # and stays so
    with brownie.reverts(error("RegistryProposalClosed", proposal_id, P_DEFEATED)):
        registry.vote(proposal_id, True, {"from": councils[2]})


def test_a_hostile_majority_cannot_take_a_brand_back_and_forth(registry, councils, fresh, stranger):
    first = fresh()
    proposal_id = replacement(registry, councils[1], 1, first)
    due = effective_at(registry.vote(proposal_id, True, {"from": councils[2]}))
    held = due + COOLDOWN
    assert registry.councilReplacementHeldUntil(1) == held
    with brownie.reverts(error("RegistryCouncilReplacementHeld", 1, held)):
        registry.proposeCouncilReplacement(1, fresh(), {"from": councils[1]})
    chain.sleep(DELAY)
    registry.completeCouncilReplacement(1, {"from": stranger})
    with brownie.reverts(error("RegistryCouncilReplacementHeld", 1, held)):
        registry.proposeCouncilReplacement(1, fresh(), {"from": councils[2]})
    chain.sleep(COOLDOWN)
    assert registry.proposalState(replacement(registry, councils[1], 1, fresh())) == P_OPEN


def test_two_replacements_of_one_brand_carry_only_one(registry, councils, fresh):
    first = replacement(registry, councils[1], 1, fresh())
    second_council = fresh()
    second = replacement(registry, councils[2], 1, second_council)
    registry.vote(first, True, {"from": councils[2]})
    held = registry.councilReplacementHeldUntil(1)
    with brownie.reverts(error("RegistryCouncilReplacementHeld", 1, held)):
        registry.vote(second, True, {"from": councils[1]})
    assert registry.pendingCouncil(1)[0] != second_council


def test_a_council_waiting_for_its_seat_is_taken(registry, councils, new_key):
    proposal_id = replacement(registry, councils[1], 1, new_key)
    registry.vote(proposal_id, True, {"from": councils[2]})
    with brownie.reverts(error("RegistryCouncilTaken", new_key)):
        registry.rotateCouncil(new_key, {"from": councils[1]})
    with brownie.reverts(error("RegistryCouncilTaken", new_key)):
        registry.proposeAdmission("Atelier Nouveau", "ATN", new_key, {"from": councils[1]})


def test_a_removed_brand_has_no_council_to_replace(registry, councils, governance, new_key, stranger):
    proposal_id = replacement(registry, councils[1], 1, new_key)
    registry.vote(proposal_id, True, {"from": councils[2]})
    governance.remove(1)
    chain.sleep(DELAY)
    with brownie.reverts(error("RegistryBrandRemoved", 1)):
        registry.completeCouncilReplacement(1, {"from": stranger})
    with brownie.reverts(error("RegistryBrandRemoved", 1)):
        registry.proposeCouncilReplacement(1, stranger, {"from": councils[1]})


def test_a_brand_that_left_cannot_point_its_passports_elsewhere(collections, councils, governance):
    governance.remove(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        collections[0].setBaseURI("https://elsewhere.example/", {"from": councils[0]})
