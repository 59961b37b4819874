"""Fixtures shared by every test: a consortium of three founding houses on brownie's Anvil, or on
the node LUXPASS_TEST_NODE names (tests/chains/nodes.py; `make test-chains`)."""
import os

import pytest

from chains import nodes

# tests/net runs four geth nodes and takes minutes: only `make test-net` collects it.
collect_ignore = [] if os.environ.get("LUXPASS_TEST_NET") else ["net"]
# tests/avalanche runs four avalanchego nodes and the consortium's L1: only `make test-avalanche`.
collect_ignore += [] if os.environ.get("LUXPASS_TEST_AVALANCHE") else ["avalanche"]

WEEK = 7 * 24 * 3600
FOUNDERS = [("Maison Aurel", "AUR"), ("Casa Vellutti", "VEL"), ("Horlogerie Brandt", "HBR")]
FIGURES: list[str] = []  # what the assurance tests counted, printed at the end of the run


def pytest_configure(config):
    """Start the node LUXPASS_TEST_NODE names before brownie connects: brownie attaches to it."""
    name = nodes.selected()
    if name is None:
        return
    target, runs = os.environ.get("LUXPASS_EVM", "paris"), nodes.EVM[name]
    if nodes.EVM_ORDER.index(target) > nodes.EVM_ORDER.index(runs):
        raise pytest.UsageError(f"{name} runs {runs}, but the build is for {target}: set LUXPASS_EVM={runs}")
    log = config.rootpath / "build" / f"{name}.log"
    log.parent.mkdir(exist_ok=True)
    config._luxpass_node = nodes.start(name, log)
    nodes.adapt_brownie(name)


def pytest_collection_modifyitems(config, items):
    """On a node other than Anvil, leave out (deselect, never skip) the tests marked anvil_only, and
    say which and why in the summary."""
    name = nodes.selected()
    if name is None or name.startswith("anvil"):
        return
    left_out = [item for item in items if item.get_closest_marker("anvil_only")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]
        for item in left_out:
            FIGURES.append(f"left out on {name}: {item.nodeid} ({item.get_closest_marker('anvil_only').args[0]})")


def pytest_unconfigure(config):
    if getattr(config, "_luxpass_node", None) is not None:
        nodes.stop(config._luxpass_node)


@pytest.fixture(scope="session")
def report_figure():
    """report_figure("…"): one line for the figures section at the end of the test output."""
    return FIGURES.append


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("assurance figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def councils(accounts):
    """The governance (and collection admin) key of each founding brand, brand ids 1, 2, 3."""
    return [accounts[1], accounts[2], accounts[3]]


@pytest.fixture(scope="module")
def forwarder(LuxpassForwarder, deployer):
    """The consortium's forwarder of owners' signed requests (ERC-2771)."""
    return LuxpassForwarder.deploy({"from": deployer})


@pytest.fixture(scope="module")
def implementation(BrandPassport, forwarder, deployer):
    return BrandPassport.deploy(forwarder, {"from": deployer})


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


# --- the library, the CLI and the scripts, on the same chain -----------------------------

@pytest.fixture(scope="session", autouse=True)
def luxpass_home(tmp_path_factory):
    """Deployment records, keystores and node folders of the tests live in a temporary home."""
    import os

    home = tmp_path_factory.mktemp("luxpass-home")
    previous = os.environ.get("LUXPASS_HOME")
    os.environ["LUXPASS_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("LUXPASS_HOME", None)
    else:
        os.environ["LUXPASS_HOME"] = previous


@pytest.fixture(scope="session")
def rpc_url(web3):
    return web3.provider.endpoint_uri


@pytest.fixture(scope="session")
def signer(rpc_url):
    """A luxpass Chain signing with Anvil's development key N: signer(N)."""
    from luxpass.chain.accounts import dev_account
    from luxpass.chain.connection import Chain

    return lambda index: Chain(rpc_url, dev_account(index, 31337), log=lambda _: None)


@pytest.fixture(scope="module")
def consortium(signer):
    """A consortium deployed through the library: brands 1-3 with Anvil accounts 1-3 as
    councils; brand 1 ("Maison Aurel") has account 5 as minter and 6 as retailer."""
    from luxpass.local.deployments import deploy, open_consortium
    from luxpass.onchain.collection import Collection
    from luxpass.onchain.registry import Founder

    founders = [Founder(name, symbol, signer(i + 1).address) for i, (name, symbol) in enumerate(FOUNDERS)]
    deploy(signer(0), founders, force=True)  # each test module deploys its own
    admin = Collection(signer(1), open_consortium(signer(1)).brand(1).collection)
    admin.set_role("minter", signer(5).address, True)
    admin.set_role("retailer", signer(6).address, True)
    return open_consortium(signer(0))


@pytest.fixture
def as_account(consortium, signer):
    """Brand 1's collection as seen by Anvil account N: as_account(N)."""
    from luxpass.onchain.collection import Collection

    return lambda index: Collection(signer(index), consortium.brand(1).collection)


@pytest.fixture
def lux(rpc_url, consortium):
    """Run `luxpass ARGS` in process against the test chain; checks the exit code and that no
    traceback escaped."""
    from click.testing import CliRunner

    from luxpass.cli import cli

    runner = CliRunner()

    def invoke(*args, expect=0, input=None):
        result = runner.invoke(cli, [str(a) for a in args], env={"ETH_RPC_URL": rpc_url}, input=input)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            f"traceback from {args}: {result.exception!r}"
        assert result.exit_code == expect, f"{args} exited {result.exit_code}: {result.output}"
        return result
    return invoke
