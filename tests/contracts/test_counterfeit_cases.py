"""The counterfeit case book: accredited marketplaces file, the brand's council rules once."""
import brownie
import pytest
from eth_utils import keccak

from contract_helpers import AUDITOR, MARKETPLACE, error
from luxpass.spec import Ruling

PENDING, COUNTERFEIT, GENUINE, DISMISSED = Ruling.PENDING, Ruling.COUNTERFEIT, Ruling.GENUINE, Ruling.DISMISSED
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
    tx = registry.attest(digest, 1, {"from": accounts[8]})
    assert registry.attestation(accounts[8], digest) == tx.timestamp
    with brownie.reverts(error("RegistryAlreadyAttested", accounts[8], "0x" + digest.hex())):
        registry.attest(digest, 1, {"from": accounts[8]})
    with brownie.reverts(error("RegistryNotAccreditedAuditor", councils[2])):
        registry.attest(keccak(text="other"), 42, {"from": councils[2]})


def test_an_auditor_cannot_lock_another_out_by_attesting_its_digest_first(registry, governance, accounts):
    governance.accredit(accounts[7], AUDITOR)
    governance.accredit(accounts[8], AUDITOR)
    digest = keccak(text="the author's report")
    registry.attest(digest, 1, {"from": accounts[7]})  # the front-runner
    registry.attest(digest, 1, {"from": accounts[8]})  # the author still anchors its own
    assert registry.attestation(accounts[8], digest) != 0
    assert registry.attestation(accounts[7], digest) != 0


def test_an_attestation_cannot_claim_a_block_after_its_own(registry, governance, accounts, web3):
    governance.accredit(accounts[8], AUDITOR)
    def pending():
        return web3.eth.block_number + 1  # the block the attestation is mined in

    with brownie.reverts(error("RegistryAttestedBlockInFuture", pending() + 1, pending())):
        registry.attest(keccak(text="report"), pending() + 1, {"from": accounts[8]})
    with brownie.reverts(error("RegistryAttestedBlockInFuture", 10**9, pending())):
        registry.attest(keccak(text="report"), 10**9, {"from": accounts[8]})
    registry.attest(keccak(text="report"), pending() - 1, {"from": accounts[8]})  # the latest block


@pytest.mark.parametrize("leave", ["remove", "suspend"])
def test_a_brand_that_is_not_active_no_longer_rules_on_cases(book, filed, admin, governance, leave):
    getattr(governance, leave)(1)
    status = 3 if leave == "remove" else 2
    with brownie.reverts(error("CasesBrandNotActive", 1, status)):
        book.ruleCase(filed, GENUINE, REASON, {"from": admin})
    assert book.caseOf(filed)[3] == PENDING
