"""The ESPR's readers of a DPP's restricted part (repairer, authority, recycler) are accredited by
vote like any other party, and their accreditation grants nothing on chain: an account holding all
three neither resells, nor files counterfeit cases, nor attests as an auditor."""
import brownie
import pytest
from eth_utils import keccak

from contract_helpers import error
from luxpass.spec import Accreditation
from test_passport_resale import consent_for

ESPR = (Accreditation.REPAIRER, Accreditation.AUTHORITY, Accreditation.RECYCLER)


@pytest.fixture(scope="module")
def espr_party(accounts, governance):
    for accreditation in ESPR:
        governance.accredit(accounts[8], accreditation)
    return accounts[8]


def test_each_is_granted_by_vote_and_emitted(registry, governance, stranger):
    for accreditation in ESPR:
        tx = governance.accredit(stranger, accreditation)
        assert tx.events["AccreditationChanged"].values() == [stranger, accreditation, True]
        assert registry.isAccredited(stranger, accreditation)
    assert not any(registry.isAccredited(stranger, other) for other in Accreditation if other not in ESPR)


def test_one_council_cannot_accredit_a_repairer_alone(registry, councils, stranger):
    tx = registry.proposeAccreditation(stranger, Accreditation.REPAIRER, True, {"from": councils[2]})
    assert "AccreditationChanged" not in tx.events
    assert not registry.isAccredited(stranger, Accreditation.REPAIRER)


def test_an_espr_party_with_the_owners_consent_cannot_resell(brand, sold, alice, bob, espr_party):
    consent, signature = consent_for(brand, sold, alice)
    with brownie.reverts(error("PassportResellerNotAccredited", espr_party)):
        brand.resell(consent, bob, signature, {"from": espr_party})


def test_an_espr_party_cannot_file_a_case_nor_attest(registry, CounterfeitCases, brand, minted, espr_party):
    book = CounterfeitCases.at(registry.cases())
    with brownie.reverts(error("CasesNotAccreditedMarketplace", espr_party)):
        book.fileCase(1, keccak(text="listing"), brand, minted, keccak(text="photos"), {"from": espr_party})
    with brownie.reverts(error("RegistryNotAccreditedAuditor", espr_party)):
        registry.attest(keccak(text="report"), 1, {"from": espr_party})
