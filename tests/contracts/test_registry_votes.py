"""Governance: every change of membership or accreditation passes a vote of active members."""
import brownie
import pytest
from brownie import ZERO_ADDRESS, chain

from contract_helpers import (
    ACCREDIT,
    ACTIVE,
    ADMIT,
    AUDITOR,
    DEFAULT_ADMIN_ROLE,
    MARKETPLACE,
    P_DEFEATED,
    P_EXECUTED,
    P_EXPIRED,
    P_NONE,
    P_OPEN,
    REINSTATE,
    REMOVE,
    REMOVED,
    RESELLER,
    REVOKE,
    SUSPEND,
    SUSPENDED,
    WEEK,
    error,
)

# --- admission -----------------------------------------------------------------------------


def test_proposal_records_the_proposer_yes(registry, councils, newcomer, proposal):
    assert registry.proposalCount() == 1
    assert registry.proposalState(proposal) == P_OPEN
    assert registry.hasVoted(proposal, 1)
    assert not registry.hasVoted(proposal, 2)
    p = registry.proposal(proposal).dict()
    assert (p["kind"], p["brandId"], p["account"], p["name"], p["symbol"]) == (
        ADMIT, 0, newcomer, "Atelier Nouveau", "ATN"
    )
    assert (p["proposerBrandId"], p["yes"], p["no"], p["executed"]) == (1, 1, 0, False)


def test_proposal_deadline_is_one_voting_period_away(registry, councils, newcomer):
    tx = registry.proposeAdmission("Atelier Nouveau", "ATN", newcomer, {"from": councils[0]})
    assert registry.proposal(1).dict()["deadline"] == tx.timestamp + WEEK


def test_proposal_events(registry, councils, newcomer):
    tx = registry.proposeAdmission("Atelier Nouveau", "ATN", newcomer, {"from": councils[1]})
    assert tx.events["ProposalCreated"].values() == [1, ADMIT, 2, 0, newcomer]
    assert tx.events["VoteCast"].values() == [1, 2, True]
    assert "ProposalExecuted" not in tx.events


def test_one_yes_does_not_admit(registry, proposal):
    assert registry.brandCount() == 3
    assert registry.activeMemberCount() == 3


def test_admission_by_vote(registry, councils, newcomer, proposal):
    tx = registry.vote(proposal, True, {"from": councils[1]})
    collection = registry.brand(4).dict()["collection"]
    assert tx.events["BrandAdmitted"].values() == [4, "Atelier Nouveau", newcomer, collection]
    assert tx.events["ProposalExecuted"]["proposalId"] == proposal
    assert registry.proposalState(proposal) == P_EXECUTED
    assert registry.proposal(proposal).dict()["executed"]


def test_admitted_brand_is_an_active_member(registry, councils, newcomer, proposal):
    registry.vote(proposal, True, {"from": councils[2]})
    assert registry.brandCount() == 4
    assert registry.activeMemberCount() == 4
    assert registry.brandStatus(4) == ACTIVE
    assert registry.brandIdOfCouncil(newcomer) == 4
    assert registry.brand(4)[:2] == ("Atelier Nouveau", newcomer)


def test_admitted_collection(registry, councils, newcomer, proposal, BrandPassport, implementation, web3):
    registry.vote(proposal, True, {"from": councils[1]})
    collection = BrandPassport.at(registry.brand(4).dict()["collection"])
    assert registry.isGenuineCollection(collection)
    assert registry.brandIdOfCollection(collection) == 4
    assert (collection.name(), collection.symbol(), collection.brandId()) == ("Atelier Nouveau", "ATN", 4)
    assert collection.registry() == registry
    code = bytes(web3.eth.get_code(collection.address)).hex()
    assert implementation.address[2:].lower() in code and len(code) == 90


def test_new_council_is_the_only_admin_of_its_collection(registry, councils, deployer, newcomer, proposal, BrandPassport):
    registry.vote(proposal, True, {"from": councils[1]})
    collection = BrandPassport.at(registry.brand(4).dict()["collection"])
    assert collection.hasRole(DEFAULT_ADMIN_ROLE, newcomer)
    for account in (deployer, councils[0], councils[1], registry):
        assert not collection.hasRole(DEFAULT_ADMIN_ROLE, account)


def test_admitted_brand_votes(registry, governance, councils, newcomer, stranger):
    governance.admit("Atelier Nouveau", "ATN", newcomer)
    tx = registry.proposeAccreditation(stranger, RESELLER, True, {"from": newcomer})
    assert tx.events["ProposalCreated"]["proposerBrandId"] == 4


def test_quorum_follows_membership(registry, governance, councils, newcomer, stranger):
    governance.admit("Atelier Nouveau", "ATN", newcomer)
    tx = registry.proposeAccreditation(stranger, RESELLER, True, {"from": councils[0]})
    pid = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(pid, True, {"from": councils[1]})  # 2 of 4 is not a strict majority
    assert registry.proposalState(pid) == P_OPEN
    assert not registry.isAccredited(stranger, RESELLER)
    registry.vote(pid, True, {"from": newcomer})
    assert registry.isAccredited(stranger, RESELLER)


def test_name_taken(registry, councils, newcomer):
    with brownie.reverts(error("RegistryBrandNameTaken", "Casa Vellutti")):
        registry.proposeAdmission("Casa Vellutti", "NEW", newcomer, {"from": councils[0]})


def test_name_of_an_admitted_brand_taken(registry, governance, councils, newcomer, stranger):
    governance.admit("Atelier Nouveau", "ATN", newcomer)
    with brownie.reverts(error("RegistryBrandNameTaken", "Atelier Nouveau")):
        registry.proposeAdmission("Atelier Nouveau", "AT2", stranger, {"from": councils[0]})


def test_name_taken_when_executed(registry, councils, newcomer, stranger, proposal):
    tx = registry.proposeAdmission("Atelier Nouveau", "AT2", stranger, {"from": councils[1]})
    rival_proposal = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(proposal, True, {"from": councils[2]})  # admitted: 4 members now
    registry.vote(rival_proposal, True, {"from": councils[2]})  # 2 of 4: still open
    with brownie.reverts(error("RegistryBrandNameTaken", "Atelier Nouveau")):
        registry.vote(rival_proposal, True, {"from": councils[0]})
    assert registry.brandIdOfCouncil(stranger) == 0


def test_council_taken(registry, councils):
    with brownie.reverts(error("RegistryCouncilTaken", councils[2])):
        registry.proposeAdmission("Atelier Nouveau", "ATN", councils[2], {"from": councils[0]})


def test_council_taken_when_executed(registry, councils, newcomer, proposal):
    tx = registry.proposeAdmission("Autre Maison", "AUT", newcomer, {"from": councils[1]})
    second = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(proposal, True, {"from": councils[2]})  # admitted: 4 members now
    registry.vote(second, True, {"from": councils[2]})  # 2 of 4: still open
    with brownie.reverts(error("RegistryCouncilTaken", newcomer)):
        registry.vote(second, True, {"from": councils[0]})


def test_invalid_brand_empty_name(registry, councils, newcomer):
    with brownie.reverts(error("RegistryInvalidBrand", "", "ATN", newcomer)):
        registry.proposeAdmission("", "ATN", newcomer, {"from": councils[0]})


def test_invalid_brand_empty_symbol(registry, councils, newcomer):
    with brownie.reverts(error("RegistryInvalidBrand", "Atelier Nouveau", "", newcomer)):
        registry.proposeAdmission("Atelier Nouveau", "", newcomer, {"from": councils[0]})


def test_invalid_brand_zero_council(registry, councils):
    with brownie.reverts(error("RegistryInvalidBrand", "Atelier Nouveau", "ATN", ZERO_ADDRESS)):
        registry.proposeAdmission("Atelier Nouveau", "ATN", ZERO_ADDRESS, {"from": councils[0]})


# --- brand status --------------------------------------------------------------------------


def test_suspend_by_vote(registry, councils):
    tx = registry.proposeBrandStatus(3, SUSPEND, {"from": councils[0]})
    pid = tx.events["ProposalCreated"]["proposalId"]
    assert registry.brandStatus(3) == ACTIVE
    tx = registry.vote(pid, True, {"from": councils[1]})
    assert tx.events["BrandStatusChanged"].values() == [3, ACTIVE, SUSPENDED]
    assert registry.brandStatus(3) == SUSPENDED
    assert registry.brand(3).dict()["status"] == SUSPENDED
    assert registry.activeMemberCount() == 2


def test_suspended_brand_keeps_its_collection(registry, governance, collections):
    governance.suspend(3)
    assert registry.isGenuineCollection(collections[2])
    assert registry.brandIdOfCollection(collections[2]) == 3


def test_reinstate_by_vote(registry, governance):
    governance.suspend(3)
    tx = governance.reinstate(3)
    assert tx.events["BrandStatusChanged"].values() == [3, SUSPENDED, ACTIVE]
    assert registry.brandStatus(3) == ACTIVE
    assert registry.activeMemberCount() == 3


def test_reinstatement_needs_both_remaining_members(registry, governance, councils):
    governance.suspend(3)
    tx = registry.proposeBrandStatus(3, REINSTATE, {"from": councils[0]})
    pid = tx.events["ProposalCreated"]["proposalId"]
    assert registry.proposalState(pid) == P_OPEN
    assert registry.brandStatus(3) == SUSPENDED


def test_remove_active_brand(registry, governance):
    tx = governance.remove(3)
    assert tx.events["BrandStatusChanged"].values() == [3, ACTIVE, REMOVED]
    assert registry.brandStatus(3) == REMOVED
    assert registry.activeMemberCount() == 2
    assert registry.brandCount() == 3


def test_remove_suspended_brand(registry, governance):
    governance.suspend(3)
    tx = governance.remove(3)
    assert tx.events["BrandStatusChanged"].values() == [3, SUSPENDED, REMOVED]
    assert registry.activeMemberCount() == 2


def test_removed_brand_cannot_be_reinstated(registry, governance, councils):
    governance.remove(3)
    with brownie.reverts(error("RegistryInvalidStatusChange", 3, REMOVED, REINSTATE)):
        registry.proposeBrandStatus(3, REINSTATE, {"from": councils[0]})


def test_removed_brand_cannot_be_suspended_or_removed_again(registry, governance, councils):
    governance.remove(3)
    for kind in (SUSPEND, REMOVE):
        with brownie.reverts(error("RegistryInvalidStatusChange", 3, REMOVED, kind)):
            registry.proposeBrandStatus(3, kind, {"from": councils[0]})


def test_cannot_suspend_a_suspended_brand(registry, governance, councils):
    governance.suspend(3)
    with brownie.reverts(error("RegistryInvalidStatusChange", 3, SUSPENDED, SUSPEND)):
        registry.proposeBrandStatus(3, SUSPEND, {"from": councils[0]})


def test_cannot_reinstate_an_active_brand(registry, councils):
    with brownie.reverts(error("RegistryInvalidStatusChange", 2, ACTIVE, REINSTATE)):
        registry.proposeBrandStatus(2, REINSTATE, {"from": councils[0]})


def test_status_proposal_of_another_kind(registry, councils):
    for kind in (ADMIT, ACCREDIT, REVOKE):
        with brownie.reverts(error("RegistryInvalidStatusChange", 2, ACTIVE, kind)):
            registry.proposeBrandStatus(2, kind, {"from": councils[0]})


def test_status_proposal_for_unknown_brand(registry, councils):
    for brand_id in (0, 4):
        with brownie.reverts(error("RegistryUnknownBrand", brand_id)):
            registry.proposeBrandStatus(brand_id, SUSPEND, {"from": councils[0]})


def test_status_change_already_made_when_executed(registry, governance, councils):
    tx = registry.proposeBrandStatus(3, SUSPEND, {"from": councils[0]})
    stale = tx.events["ProposalCreated"]["proposalId"]
    governance.suspend(3)
    with brownie.reverts(error("RegistryInvalidStatusChange", 3, SUSPENDED, SUSPEND)):
        registry.vote(stale, True, {"from": councils[1]})


# --- accreditation -------------------------------------------------------------------------


def test_accreditation_by_vote(registry, governance, stranger):
    tx = governance.accredit(stranger, MARKETPLACE)
    assert tx.events["AccreditationChanged"].values() == [stranger, MARKETPLACE, True]
    assert registry.isAccredited(stranger, MARKETPLACE)
    assert not registry.isAccredited(stranger, RESELLER)
    assert not registry.isAccredited(stranger, AUDITOR)


def test_accreditation_proposal(registry, councils, stranger):
    tx = registry.proposeAccreditation(stranger, AUDITOR, True, {"from": councils[2]})
    assert tx.events["ProposalCreated"].values() == [1, ACCREDIT, 3, 0, stranger]
    p = registry.proposal(1).dict()
    assert (p["kind"], p["account"], p["accreditation"]) == (ACCREDIT, stranger, AUDITOR)
    assert not registry.isAccredited(stranger, AUDITOR)


def test_revocation_by_vote(registry, governance, councils, stranger):
    governance.accredit(stranger, RESELLER)
    tx = registry.proposeAccreditation(stranger, RESELLER, False, {"from": councils[0]})
    assert tx.events["ProposalCreated"]["kind"] == REVOKE
    pid = tx.events["ProposalCreated"]["proposalId"]
    tx = registry.vote(pid, True, {"from": councils[1]})
    assert tx.events["AccreditationChanged"].values() == [stranger, RESELLER, False]
    assert not registry.isAccredited(stranger, RESELLER)


def test_grant_unchanged(registry, governance, councils, stranger):
    governance.accredit(stranger, AUDITOR)
    with brownie.reverts(error("RegistryAccreditationUnchanged", stranger, AUDITOR, True)):
        registry.proposeAccreditation(stranger, AUDITOR, True, {"from": councils[0]})


def test_revoke_unchanged(registry, councils, stranger):
    with brownie.reverts(error("RegistryAccreditationUnchanged", stranger, RESELLER, False)):
        registry.proposeAccreditation(stranger, RESELLER, False, {"from": councils[0]})


def test_accreditation_unchanged_when_executed(registry, governance, councils, stranger):
    tx = registry.proposeAccreditation(stranger, RESELLER, True, {"from": councils[0]})
    duplicate = tx.events["ProposalCreated"]["proposalId"]
    governance.accredit(stranger, RESELLER)
    with brownie.reverts(error("RegistryAccreditationUnchanged", stranger, RESELLER, True)):
        registry.vote(duplicate, True, {"from": councils[1]})


def test_accreditation_of_zero_account(registry, councils):
    for grant in (True, False):
        with brownie.reverts(error("RegistryInvalidAccount", ZERO_ADDRESS)):
            registry.proposeAccreditation(ZERO_ADDRESS, RESELLER, grant, {"from": councils[0]})


# --- who may propose and vote ----------------------------------------------------------------


def test_non_member_cannot_propose(registry, stranger, newcomer):
    expected = error("RegistryNotActiveMember", stranger)
    with brownie.reverts(expected):
        registry.proposeAdmission("Atelier Nouveau", "ATN", newcomer, {"from": stranger})
    with brownie.reverts(expected):
        registry.proposeBrandStatus(1, SUSPEND, {"from": stranger})
    with brownie.reverts(expected):
        registry.proposeAccreditation(stranger, RESELLER, True, {"from": stranger})


def test_non_member_cannot_vote(registry, stranger, proposal):
    with brownie.reverts(error("RegistryNotActiveMember", stranger)):
        registry.vote(proposal, True, {"from": stranger})


def test_suspended_member_cannot_vote(registry, governance, councils, proposal):
    governance.suspend(3)
    with brownie.reverts(error("RegistryNotActiveMember", councils[2])):
        registry.vote(proposal, True, {"from": councils[2]})


def test_suspended_member_cannot_propose(registry, governance, councils, stranger):
    governance.suspend(3)
    with brownie.reverts(error("RegistryNotActiveMember", councils[2])):
        registry.proposeAccreditation(stranger, RESELLER, True, {"from": councils[2]})


def test_removed_member_cannot_vote(registry, governance, councils, proposal):
    governance.remove(2)
    with brownie.reverts(error("RegistryNotActiveMember", councils[1])):
        registry.vote(proposal, True, {"from": councils[1]})


def test_proposer_cannot_vote_again(registry, councils, proposal):
    with brownie.reverts(error("RegistryAlreadyVoted", proposal, 1)):
        registry.vote(proposal, True, {"from": councils[0]})


def test_member_cannot_vote_twice(registry, councils, proposal):
    registry.vote(proposal, False, {"from": councils[2]})
    for support in (True, False):
        with brownie.reverts(error("RegistryAlreadyVoted", proposal, 3)):
            registry.vote(proposal, support, {"from": councils[2]})


def test_no_vote_is_recorded(registry, councils, proposal):
    tx = registry.vote(proposal, False, {"from": councils[1]})
    assert tx.events["VoteCast"].values() == [proposal, 2, False]
    assert registry.hasVoted(proposal, 2)
    assert registry.proposal(proposal).dict()["no"] == 1


def test_unknown_proposal(registry, councils, proposal):
    for pid in (0, proposal + 1):
        with brownie.reverts(error("RegistryUnknownProposal", pid)):
            registry.vote(pid, True, {"from": councils[1]})


# --- proposal states -----------------------------------------------------------------------


def test_unknown_proposal_state_is_none(registry, proposal):
    assert registry.proposalState(0) == P_NONE
    assert registry.proposalState(proposal + 1) == P_NONE


def test_open_until_the_deadline(registry, councils, proposal):
    chain.sleep(WEEK - 60)
    chain.mine()
    assert registry.proposalState(proposal) == P_OPEN
    registry.vote(proposal, True, {"from": councils[1]})
    assert registry.proposalState(proposal) == P_EXECUTED


def test_expired_after_the_deadline(registry, proposal):
    chain.sleep(WEEK + 1)
    chain.mine()
    assert registry.proposalState(proposal) == P_EXPIRED


def test_vote_on_expired_proposal(registry, councils, proposal):
    chain.sleep(WEEK + 1)
    chain.mine()
    with brownie.reverts(error("RegistryProposalClosed", proposal, P_EXPIRED)):
        registry.vote(proposal, True, {"from": councils[1]})
    assert registry.brandCount() == 3


def test_one_no_of_three_leaves_it_open(registry, councils, proposal):
    registry.vote(proposal, False, {"from": councils[1]})
    assert registry.proposalState(proposal) == P_OPEN


def test_defeated_by_two_no_of_three(registry, councils, proposal):
    registry.vote(proposal, False, {"from": councils[1]})
    registry.vote(proposal, False, {"from": councils[2]})
    assert registry.proposalState(proposal) == P_DEFEATED
    assert registry.brandCount() == 3


def test_vote_on_defeated_proposal(registry, councils, proposal):
    registry.vote(proposal, False, {"from": councils[1]})
    registry.vote(proposal, False, {"from": councils[2]})
    with brownie.reverts(error("RegistryProposalClosed", proposal, P_DEFEATED)):
        registry.vote(proposal, True, {"from": councils[0]})


def test_vote_on_executed_proposal(registry, councils, proposal):
    registry.vote(proposal, True, {"from": councils[1]})
    with brownie.reverts(error("RegistryProposalClosed", proposal, P_EXECUTED)):
        registry.vote(proposal, True, {"from": councils[2]})
    assert registry.brandCount() == 4


def test_executed_proposal_stays_executed(registry, councils, proposal):
    registry.vote(proposal, True, {"from": councils[1]})
    chain.sleep(WEEK + 1)
    chain.mine()
    assert registry.proposalState(proposal) == P_EXECUTED


def test_proposal_ids_count_up(registry, councils, stranger):
    ids = [
        registry.proposeAccreditation(stranger, a, True, {"from": councils[0]}).events["ProposalCreated"][
            "proposalId"
        ]
        for a in (RESELLER, MARKETPLACE, AUDITOR)
    ]
    assert ids == [1, 2, 3]
    assert registry.proposalCount() == 3


# --- no single key -------------------------------------------------------------------------


def test_deployer_has_no_say(registry, deployer, stranger, proposal):
    expected = error("RegistryNotActiveMember", deployer)
    with brownie.reverts(expected):
        registry.proposeAccreditation(stranger, RESELLER, True, {"from": deployer})
    with brownie.reverts(expected):
        registry.vote(proposal, True, {"from": deployer})


def test_one_council_cannot_admit_alone(registry, councils, proposal):
    with brownie.reverts(error("RegistryAlreadyVoted", proposal, 1)):
        registry.vote(proposal, True, {"from": councils[0]})
    chain.sleep(WEEK + 1)
    chain.mine()
    assert registry.proposalState(proposal) == P_EXPIRED
    assert registry.brandCount() == 3


def test_one_council_cannot_suspend_alone(registry, councils):
    tx = registry.proposeBrandStatus(2, SUSPEND, {"from": councils[0]})
    assert "BrandStatusChanged" not in tx.events
    assert registry.brandStatus(2) == ACTIVE
    assert registry.activeMemberCount() == 3


def test_one_council_cannot_remove_alone(registry, councils):
    tx = registry.proposeBrandStatus(3, REMOVE, {"from": councils[1]})
    assert "BrandStatusChanged" not in tx.events
    assert registry.brandStatus(3) == ACTIVE


def test_one_council_cannot_accredit_alone(registry, councils, stranger):
    tx = registry.proposeAccreditation(stranger, RESELLER, True, {"from": councils[2]})
    assert "AccreditationChanged" not in tx.events
    assert not registry.isAccredited(stranger, RESELLER)


def test_one_council_cannot_suspend_itself_alone(registry, councils):
    registry.proposeBrandStatus(1, SUSPEND, {"from": councils[0]})
    assert registry.brandStatus(1) == ACTIVE


def test_suspended_members_yes_no_longer_counts(registry, governance, councils, stranger):
    """Changes pass only on the yes votes of active members (ConsortiumRegistry invariant)."""
    tx = registry.proposeAccreditation(stranger, RESELLER, True, {"from": councils[0]})
    pid = tx.events["ProposalCreated"]["proposalId"]
    governance.suspend(1)
    registry.vote(pid, True, {"from": councils[1]})  # 1 active yes of 2 active members
    assert not registry.isAccredited(stranger, RESELLER)
    assert registry.proposalState(pid) == P_OPEN


def test_look_alike_name_in_another_case_is_refused(registry, councils, newcomer):
    with brownie.reverts(error("RegistryBrandNameTaken", "maison AUREL")):
        registry.proposeAdmission("maison AUREL", "AUR2", newcomer, {"from": councils[0]})


def test_a_defeated_proposal_stays_defeated_when_members_join(registry, councils, governance, accounts, newcomer):
    tx = registry.proposeAccreditation(accounts[9], RESELLER, True, {"from": councils[0]})
    pid = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(pid, False, {"from": councils[1]})
    registry.vote(pid, False, {"from": councils[2]})
    assert registry.proposalState(pid) == P_DEFEATED
    governance.admit("Atelier Nouveau", "ATN", newcomer)
    governance.admit("Atelier Second", "ATS", accounts[8])
    assert registry.proposalState(pid) == P_DEFEATED
    with brownie.reverts(error("RegistryProposalClosed", pid, P_DEFEATED)):
        registry.vote(pid, True, {"from": newcomer})


def test_tally_counts_only_active_members(registry, councils, governance, accounts):
    tx = registry.proposeAccreditation(accounts[9], RESELLER, True, {"from": councils[0]})
    pid = tx.events["ProposalCreated"]["proposalId"]
    assert registry.tally(pid) == (1, 0)
    governance.suspend(1)
    assert registry.tally(pid) == (0, 0) and registry.proposal(pid).dict()["yes"] == 1


# --- a defeated proposal stays defeated ----------------------------------------------------

def test_a_proposal_defeated_by_a_suspension_stays_defeated_after_reinstatement(
    registry, governance, councils, newcomer
):
    tx = registry.proposeAdmission("Atelier Neuf", "NEU", newcomer, {"from": councils[0]})
    proposal_id = tx.events["ProposalCreated"]["proposalId"]
    registry.vote(proposal_id, False, {"from": councils[1]})
    assert registry.proposalState(proposal_id) == P_OPEN  # brand 3's yes would still carry it
    governance.suspend(3)
    assert registry.proposalState(proposal_id) == P_DEFEATED
    tx = registry.proposeBrandStatus(3, REINSTATE, {"from": councils[0]})  # brand 1 proposes again: settled
    assert tx.events["ProposalDefeated"]["proposalId"] == proposal_id
    registry.vote(tx.events["ProposalCreated"]["proposalId"], True, {"from": councils[1]})
    assert registry.brandStatus(3) == ACTIVE and registry.proposalState(proposal_id) == P_DEFEATED
    with brownie.reverts(error("RegistryProposalClosed", proposal_id, P_DEFEATED)):
        registry.vote(proposal_id, True, {"from": councils[2]})
    assert registry.brandIdOfCouncil(newcomer) == 0


def test_symbol_taken(registry, councils, newcomer):
    with brownie.reverts(error("RegistryBrandSymbolTaken", "aur")):
        registry.proposeAdmission("Atelier Neuf", "aur", newcomer, {"from": councils[0]})


def test_name_not_normalised(registry, councils, newcomer):
    with brownie.reverts(error("RegistryNameNotNormalised", "Atelier  Neuf")):
        registry.proposeAdmission("Atelier  Neuf", "NEU", newcomer, {"from": councils[0]})


@pytest.mark.parametrize("symbol", ["NEU ", " NEU", "N  EU"])
def test_symbol_not_normalised(registry, councils, newcomer, symbol):
    with brownie.reverts(error("RegistrySymbolNotNormalised", symbol)):
        registry.proposeAdmission("Atelier Neuf", symbol, newcomer, {"from": councils[0]})


def test_symbol_with_a_control_character(registry, councils, newcomer):
    with brownie.reverts(error("RegistryBrandSymbolNotAllowed", "NE\nU", 2)):
        registry.proposeAdmission("Atelier Neuf", "NE\nU", newcomer, {"from": councils[0]})
