"""Fixtures shared by every test: a consortium of three founding houses on brownie's Anvil."""
import pytest

WEEK = 7 * 24 * 3600
FOUNDERS = [("Maison Aurel", "AUR"), ("Casa Vellutti", "VEL"), ("Horlogerie Brandt", "HBR")]


@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def councils(accounts):
    """The governance (and collection admin) key of each founding brand, brand ids 1, 2, 3."""
    return [accounts[1], accounts[2], accounts[3]]


@pytest.fixture(scope="module")
def implementation(BrandPassport, deployer):
    return BrandPassport.deploy({"from": deployer})


@pytest.fixture(scope="module")
def registry(ConsortiumRegistry, implementation, deployer, councils):
    names = [name for name, _ in FOUNDERS]
    symbols = [symbol for _, symbol in FOUNDERS]
    return ConsortiumRegistry.deploy(
        implementation, names, symbols, councils, 5000, WEEK, {"from": deployer}
    )


@pytest.fixture(scope="module")
def collections(registry, BrandPassport):
    """The passport collection of each founding brand, in brand id order."""
    return [BrandPassport.at(registry.brand(i)[2]) for i in (1, 2, 3)]


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass
