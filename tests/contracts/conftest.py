"""Fixtures and helpers for the contract tests (tests/conftest.py deploys the consortium).

Brand 1 ("Maison Aurel", council accounts[1]) is the brand under test for passports: its
collection is `brand`, with a minter, a retailer and a service centre. Brand 2 is `rival`,
whose own staff holds every role in brand 2's collection and none in brand 1's.
"""
import brownie
import pytest

from contract_helpers import (
    MINTER_ROLE,
    RETAILER_ROLE,
    SERVICE_ROLE,
    Governance,
    PatientReceipts,
    commitment,
    token_of,
)


@pytest.fixture(scope="session", autouse=True)
def patient_receipts():
    """brownie reads transactions and receipts through PatientReceipts in every contract test."""
    brownie.web3.middleware_onion.add(PatientReceipts, name="patient receipts")
    yield
    brownie.web3.middleware_onion.remove("patient receipts")


# --- accounts ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def admin(councils):
    """Brand 1's council: its governance key and the admin of its collection."""
    return councils[0]


@pytest.fixture(scope="module")
def minter(accounts):
    return accounts[4]


@pytest.fixture(scope="module")
def retailer(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def servicer(accounts):
    return accounts[6]


@pytest.fixture(scope="module")
def alice(accounts):
    """A customer."""
    return accounts[7]


@pytest.fixture(scope="module")
def bob(accounts):
    """Another customer."""
    return accounts[8]


@pytest.fixture(scope="module")
def stranger(accounts):
    """Holds nothing anywhere: no membership, no role."""
    return accounts[9]


@pytest.fixture(scope="module")
def newcomer(accounts, deployer):
    """A fresh, funded key: the council of a brand that applies to join."""
    account = accounts.add()
    deployer.transfer(account, "10 ether")
    return account


@pytest.fixture(scope="module")
def fresh(accounts, deployer):
    """fresh(): a funded key that never held anything (no membership, no role, no passport)."""
    def make():
        account = accounts.add()
        deployer.transfer(account, "1 ether")
        return account
    return make


@pytest.fixture(scope="module")
def rival_staff(accounts, deployer):
    """Brand 2's employee: MINTER, RETAILER and SERVICE in brand 2's collection."""
    account = accounts.add()
    deployer.transfer(account, "10 ether")
    return account


# --- collections ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def brand(collections, admin, minter, retailer, servicer):
    """Brand 1's collection, its staff in place."""
    collection = collections[0]
    collection.grantRole(MINTER_ROLE, minter, {"from": admin})
    collection.grantRole(RETAILER_ROLE, retailer, {"from": admin})
    collection.grantRole(SERVICE_ROLE, servicer, {"from": admin})
    return collection


@pytest.fixture(scope="module")
def rival(collections, councils, rival_staff):
    """Brand 2's collection, every role held by `rival_staff`."""
    collection = collections[1]
    for role in (MINTER_ROLE, RETAILER_ROLE, SERVICE_ROLE):
        collection.grantRole(role, rival_staff, {"from": councils[1]})
    return collection


@pytest.fixture
def commit():
    return commitment("AUR-2024-000001")


@pytest.fixture
def minted(brand, minter, commit):
    """Token id of one passport minted to the minter (brand custody, unsold)."""
    brand.mint(minter, commit, {"from": minter})
    return token_of(commit)


@pytest.fixture
def in_store(brand, minter, retailer, minted):
    """The passport moved into the retailer's custody, still unsold."""
    brand.transferFrom(minter, retailer, minted, {"from": minter})
    return minted


@pytest.fixture
def sold(brand, retailer, alice, in_store):
    """The passport sold by the retailer to alice."""
    brand.firstSale(in_store, alice, {"from": retailer})
    return in_store


@pytest.fixture
def rival_token(rival, rival_staff):
    """A passport of brand 2, in brand 2's custody."""
    commit = commitment("VEL-0001")
    rival.mint(rival_staff, commit, {"from": rival_staff})
    return token_of(commit)


# --- governance ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def governance(registry, councils):
    return Governance(registry, councils)


@pytest.fixture
def proposal(registry, councils, newcomer):
    """Id of an open proposal by brand 1 (its yes cast) to admit `newcomer`'s brand."""
    tx = registry.proposeAdmission("Atelier Nouveau", "ATN", newcomer, {"from": councils[0]})
    return tx.events["ProposalCreated"]["proposalId"]

