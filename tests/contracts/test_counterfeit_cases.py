"""The counterfeit case book: accredited marketplaces file, the brand's council rules once."""
import brownie
import pytest
from eth_utils import keccak

from contract_helpers import AUDITOR, MARKETPLACE, error

PENDING, COUNTERFEIT, GENUINE, DISMISSED = range(4)
LISTING, EVIDENCE, REASON = keccak(text="listing 991"), keccak(text="photos"), keccak(text="stitching")


@pytest.fixture(scope="module")
def book(registry, CounterfeitCases):
    return CounterfeitCases.at(registry.cases())


@pytest.fixture(scope="module")
def marketplace(accounts, governance):
    governance.accredit(accounts[9], MARKETPLACE)
    return accounts[9]


@pytest.fixture
def filed(book, brand, marketplace, minted):
    tx = book.fileCase(1, LISTING, brand, minted, EVIDENCE, {"from": marketplace})
    return tx.events["CaseFiled"]["caseId"]


def test_the_registry_created_the_book(book, registry):
    assert book.registry() == registry and book.caseCount() == 0


def test_accredited_marketplace_files(book, brand, marketplace, minted):
    tx = book.fileCase(1, LISTING, brand, minted, EVIDENCE, {"from": marketplace})
    assert tx.events["CaseFiled"].values() == [1, 1, marketplace, "0x" + LISTING.hex(), brand, minted,
                                                "0x" + EVIDENCE.hex()]
    case = book.caseOf(1).dict()
    assert case["ruling"] == PENDING and case["marketplace"] == marketplace and case["tokenId"] == minted


def test_a_listing_that_names_no_passport(book, marketplace):
    book.fileCase(2, LISTING, brownie.ZERO_ADDRESS, 0, EVIDENCE, {"from": marketplace})
    assert book.caseOf(1).dict()["brandId"] == 2


def test_only_accredited_marketplaces_file(book, councils):
    with brownie.reverts(error("CasesNotAccreditedMarketplace", councils[2])):
        book.fileCase(1, LISTING, brownie.ZERO_ADDRESS, 0, EVIDENCE, {"from": councils[2]})


def test_unknown_brand(book, marketplace):
    with brownie.reverts(error("CasesUnknownBrand", 9)):
        book.fileCase(9, LISTING, brownie.ZERO_ADDRESS, 0, EVIDENCE, {"from": marketplace})


def test_collection_must_be_the_brands(book, rival, marketplace):
    with brownie.reverts(error("CasesCollectionNotOfBrand", rival, 1)):
        book.fileCase(1, LISTING, rival, 1, EVIDENCE, {"from": marketplace})


def test_the_brand_council_rules_once(book, filed, admin):
    tx = book.ruleCase(filed, COUNTERFEIT, REASON, {"from": admin})
    assert tx.events["CaseRuled"].values() == [filed, 1, COUNTERFEIT, "0x" + REASON.hex(), admin]
    with brownie.reverts(error("CasesAlreadyRuled", filed, COUNTERFEIT)):
        book.ruleCase(filed, GENUINE, REASON, {"from": admin})


def test_another_brand_cannot_rule(book, filed, councils):
    with brownie.reverts(error("CasesNotBrandCouncil", councils[1], 1)):
        book.ruleCase(filed, DISMISSED, REASON, {"from": councils[1]})


def test_pending_is_not_a_ruling(book, filed, admin):
    with brownie.reverts(error("CasesInvalidRuling")):
        book.ruleCase(filed, PENDING, REASON, {"from": admin})


def test_unknown_case(book, admin):
    with brownie.reverts(error("CasesUnknownCase", 7)):
        book.ruleCase(7, GENUINE, REASON, {"from": admin})


def test_auditor_attests_once(registry, governance, accounts, councils):
    governance.accredit(accounts[8], AUDITOR)
    digest = keccak(text="report")
    registry.attest(digest, 42, {"from": accounts[8]})
    assert registry.attestation(digest)[0] == accounts[8]
    with brownie.reverts(error("RegistryAlreadyAttested", "0x" + digest.hex())):
        registry.attest(digest, 42, {"from": accounts[8]})
    with brownie.reverts(error("RegistryNotAccreditedAuditor", councils[2])):
        registry.attest(keccak(text="other"), 42, {"from": councils[2]})
