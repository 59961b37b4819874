"""The registry as deployed: founders, views, and who may initialize a collection."""
import brownie
import pytest
from brownie import ZERO_ADDRESS

from contract_helpers import ACTIVE, DEFAULT_ADMIN_ROLE, NONE, WEEK, error

NAMES = ["Maison Aurel", "Casa Vellutti", "Horlogerie Brandt"]
SYMBOLS = ["AUR", "VEL", "HBR"]


def eip1167(implementation):
    """Runtime code of an OpenZeppelin `Clones.clone(implementation)` minimal proxy."""
    return bytes.fromhex(
        "363d3d373d3d3d363d73" + implementation.address[2:].lower() + "5af43d82803e903d91602b57fd5bf3"
    )


# --- founders ------------------------------------------------------------------------------

def test_founders_are_active_members(registry):
    assert registry.brandCount() == 3
    assert registry.activeMemberCount() == 3
    assert [registry.brandStatus(i) for i in (1, 2, 3)] == [ACTIVE] * 3


def test_founder_brand_records(registry, councils, collections):
    for i in range(3):
        assert registry.brand(i + 1) == (NAMES[i], councils[i], collections[i], ACTIVE)


def test_founder_councils_map_to_their_brand(registry, councils):
    assert [registry.brandIdOfCouncil(c) for c in councils] == [1, 2, 3]


def test_founder_collections_are_genuine(registry, collections):
    for brand_id, collection in enumerate(collections, start=1):
        assert registry.isGenuineCollection(collection)
        assert registry.brandIdOfCollection(collection) == brand_id


def test_founder_collections_are_distinct(collections):
    assert len({c.address for c in collections}) == 3


def test_founder_collections_are_clones_of_the_implementation(web3, implementation, collections):
    for collection in collections:
        assert bytes(web3.eth.get_code(collection.address)) == eip1167(implementation)


def test_founder_collections_are_initialized(registry, collections):
    for i, collection in enumerate(collections):
        assert collection.name() == NAMES[i]
        assert collection.symbol() == SYMBOLS[i]
        assert collection.brandId() == i + 1
        assert collection.registry() == registry


def test_founder_council_is_admin_of_its_own_collection_only(collections, councils):
    for i, collection in enumerate(collections):
        for j, council in enumerate(councils):
            assert collection.hasRole(DEFAULT_ADMIN_ROLE, council) == (i == j)


def test_deployer_has_no_role_anywhere(registry, collections, deployer):
    assert registry.brandIdOfCouncil(deployer) == 0
    for collection in collections:
        assert not collection.hasRole(DEFAULT_ADMIN_ROLE, deployer)


def test_founders_emit_brand_admitted(registry, councils, collections):
    events = registry.tx.events["BrandAdmitted"]
    assert len(events) == 3
    for i, event in enumerate(events):
        assert event.values() == [i + 1, NAMES[i], councils[i], collections[i]]


def test_parameters(registry, implementation):
    assert registry.quorumBps() == 5000
    assert registry.votingPeriod() == WEEK
    assert registry.passportImplementation() == implementation
    assert registry.proposalCount() == 0


# --- constructor reverts -------------------------------------------------------------------

@pytest.fixture
def deploy(ConsortiumRegistry, implementation, deployer, accounts):
    founders = [accounts[1], accounts[2], accounts[3]]

    def deploy(names=NAMES, symbols=SYMBOLS, councils=founders, quorum=5000, period=WEEK):
        return ConsortiumRegistry.deploy(
            implementation, names, symbols, councils, quorum, period, {"from": deployer}
        )

    return deploy


def test_valid_parameters_deploy(deploy):
    registry = deploy(quorum=9999, period=1)
    assert registry.quorumBps() == 9999
    assert registry.votingPeriod() == 1


def test_two_founders_deploy_with_a_bare_majority(deploy, accounts):
    registry = deploy(names=NAMES[:2], symbols=SYMBOLS[:2], councils=[accounts[1], accounts[2]])
    assert registry.activeMemberCount() == 2


def test_a_single_founder_cannot_hold_the_consortium_alone(deploy, accounts):
    with brownie.reverts(error("RegistryTooFewFounders", 1)):
        deploy(names=["Solo"], symbols=["SOL"], councils=[accounts[1]])


@pytest.mark.parametrize("quorum", [0, 1, 4999, 10_000, 10_001, 65_535])
def test_invalid_quorum(deploy, quorum):
    with brownie.reverts(error("RegistryInvalidQuorum", quorum)):
        deploy(quorum=quorum)


def test_invalid_voting_period(deploy):
    with brownie.reverts(error("RegistryInvalidVotingPeriod", 0)):
        deploy(period=0)


def test_no_founders(deploy):
    with brownie.reverts(error("RegistryTooFewFounders", 0)):
        deploy(names=[], symbols=[], councils=[])


def test_founders_without_names(deploy):
    with brownie.reverts(error("RegistryInvalidFounders")):
        deploy(names=NAMES[:2])


def test_founders_without_symbols(deploy):
    with brownie.reverts(error("RegistryInvalidFounders")):
        deploy(symbols=SYMBOLS + ["XTR"])


def test_founders_with_a_duplicate_name(deploy):
    with brownie.reverts(error("RegistryBrandNameTaken", "Casa Vellutti")):
        deploy(names=["Maison Aurel", "Casa Vellutti", "Casa Vellutti"])


def test_founders_with_a_duplicate_council(deploy, accounts):
    with brownie.reverts(error("RegistryCouncilTaken", accounts[1])):
        deploy(councils=[accounts[1], accounts[2], accounts[1]])


def test_founder_with_zero_council(deploy, accounts):
    with brownie.reverts(error("RegistryInvalidBrand", "Casa Vellutti", "VEL", ZERO_ADDRESS)):
        deploy(councils=[accounts[1], ZERO_ADDRESS, accounts[3]])


def test_founder_with_empty_name(deploy):
    with brownie.reverts(error("RegistryInvalidBrand", "", "HBR", brownie.accounts[3])):
        deploy(names=["Maison Aurel", "Casa Vellutti", ""])


def test_founder_with_empty_symbol(deploy):
    with brownie.reverts(error("RegistryInvalidBrand", "Maison Aurel", "", brownie.accounts[1])):
        deploy(symbols=["", "VEL", "HBR"])


# --- views ---------------------------------------------------------------------------------

@pytest.mark.parametrize("brand_id", [0, 4, 2**256 - 1])
def test_brand_status_of_unknown_id_is_none(registry, brand_id):
    assert registry.brandStatus(brand_id) == NONE


@pytest.mark.parametrize("brand_id", [0, 4])
def test_brand_of_unknown_id_reverts(registry, brand_id):
    with brownie.reverts(error("RegistryUnknownBrand", brand_id)):
        registry.brand(brand_id)


def test_unknown_council_has_no_brand(registry, stranger):
    assert registry.brandIdOfCouncil(stranger) == 0
    assert registry.brandIdOfCouncil(ZERO_ADDRESS) == 0


def test_look_alike_collection_is_not_genuine(registry, BrandPassport, stranger):
    look_alike = BrandPassport.deploy(ZERO_ADDRESS, {"from": stranger})
    assert not registry.isGenuineCollection(look_alike)
    assert registry.brandIdOfCollection(look_alike) == 0


def test_random_addresses_are_not_genuine(registry, implementation, stranger, councils):
    for address in (stranger, councils[0], ZERO_ADDRESS, implementation, registry):
        assert not registry.isGenuineCollection(address)
        assert registry.brandIdOfCollection(address) == 0


def test_unknown_proposal_views(registry):
    assert registry.proposalState(0) == 0
    assert registry.proposalState(1) == 0
    with brownie.reverts(error("RegistryUnknownProposal", 1)):
        registry.proposal(1)


def test_nobody_is_accredited(registry, stranger):
    assert not any(registry.isAccredited(stranger, a) for a in range(3))


# --- initialization ------------------------------------------------------------------------

def test_implementation_cannot_be_initialized(implementation, stranger):
    with brownie.reverts(error("PassportAlreadyInitialized")):
        implementation.initialize(1, "Fake", "FAKE", stranger, {"from": stranger})


def test_implementation_is_its_own_registry_and_has_no_admin(implementation, deployer):
    assert implementation.registry() == implementation
    assert not implementation.hasRole(DEFAULT_ADMIN_ROLE, deployer)


def test_look_alike_cannot_be_initialized(BrandPassport, stranger):
    look_alike = BrandPassport.deploy(ZERO_ADDRESS, {"from": stranger})
    with brownie.reverts(error("PassportAlreadyInitialized")):
        look_alike.initialize(1, "Maison Aurel", "AUR", stranger, {"from": stranger})


def test_collection_cannot_be_initialized_twice(collections, stranger):
    with brownie.reverts(error("PassportAlreadyInitialized")):
        collections[0].initialize(1, "Maison Aurel", "AUR", stranger, {"from": stranger})
    assert not collections[0].hasRole(DEFAULT_ADMIN_ROLE, stranger)


def test_collection_cannot_be_reinitialized_by_its_admin(collections, councils):
    with brownie.reverts(error("PassportAlreadyInitialized")):
        collections[0].initialize(2, "Casa Vellutti", "VEL", councils[0], {"from": councils[0]})


def test_implementation_must_be_a_contract(ConsortiumRegistry, deployer, accounts):
    with brownie.reverts(error("RegistryInvalidImplementation", ZERO_ADDRESS)):
        ConsortiumRegistry.deploy(
            ZERO_ADDRESS, ["A", "B"], ["A", "B"], [accounts[1], accounts[2]], 5000, WEEK, {"from": deployer}
        )


def test_founder_names_differ_in_more_than_case(deploy, accounts):
    with brownie.reverts(error("RegistryBrandNameTaken", "MAISON aurel")):
        deploy(names=["Maison Aurel", "MAISON aurel"], symbols=["A", "B"], councils=[accounts[1], accounts[2]])


def test_founders_with_a_duplicate_symbol(deploy):
    with brownie.reverts(error("RegistryBrandSymbolTaken", "vel")):
        deploy(symbols=["AUR", "VEL", "vel"])


@pytest.mark.parametrize("name", ["Maison Aurel ", " Maison Aurel", "Maison  Aurel"])
def test_founders_with_a_name_not_normalised(deploy, name):
    with brownie.reverts(error("RegistryNameNotNormalised", name)):
        deploy(names=[name] + NAMES[1:])


@pytest.mark.parametrize("name", ["Maison\tAurel", "Maison\u00a0Aurel"])
def test_founders_with_a_character_the_registry_does_not_allow(deploy, name):
    with brownie.reverts(error("RegistryBrandNameNotAllowed", name, 6)):
        deploy(names=[name] + NAMES[1:])
