"""RPC faults: dropped connections, time-outs, HTTP 502 and lost answers get bounded retries,
nonce conflicts a fresh nonce, a node that stays down one clear message; and no action is ever
executed twice. The faults come from tests/fault_proxy.py, on the loopback interface."""
import contextlib
import itertools
import subprocess
import time

import pytest
from click.testing import CliRunner
from fault_proxy import FaultProxy

from luxpass.chain import rpc as rpc_module
from luxpass.chain import node
from luxpass.chain.accounts import dev_account
from luxpass.chain.connection import Chain
from luxpass.chain.sender import RawCall
from luxpass.chain.rpc import NodeUnavailable
from luxpass.cli import cli
from luxpass.onchain.collection import Collection

MINTER = 5
NO_MINING_PORT = 8813


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch):
    monkeypatch.setenv("LUXPASS_RPC_TIMEOUT", "0.5")
    monkeypatch.setattr(rpc_module, "RPC_BACKOFF", 0.05)


def every_other_request(kinds):
    """Fault the even-numbered requests, cycling through `kinds`."""
    cycle = itertools.cycle(kinds)
    return lambda number, method: next(cycle) if number % 2 == 0 else None


def test_faults_are_retried_and_each_action_lands_once(rpc_url, consortium, web3, report_figure):
    messages = []
    kinds = ["drop", "502", "delay", "lost-answer"]
    plan = every_other_request(kinds)

    last = {"method": None}

    def with_lost_sends(number, method):  # every transaction's first answer is lost, its retries faulted too
        first_send = method == "eth_sendRawTransaction" and last["method"] != method
        last["method"] = method
        return "lost-answer" if first_send else plan(number, method)

    collection_address = consortium.brand(1).collection
    nonce_before = web3.eth.get_transaction_count(dev_account(MINTER, 31337).address)
    with FaultProxy(rpc_url, with_lost_sends, max_faults=60, delay=1.0) as proxy:
        minter = Collection(Chain(proxy.url, dev_account(MINTER, 31337), log=messages.append), collection_address)
        minted = [minter.mint({"serial": f"FAULT-{n}"}) for n in range(6)]
    assert set(proxy.faults) == set(kinds), proxy.faults
    assert any("retry" in m for m in messages)
    assert web3.eth.get_transaction_count(dev_account(MINTER, 31337).address) == nonce_before + 6
    direct = Collection(Chain(rpc_url, log=lambda _: None), collection_address)
    assert [direct.owner_of(int(m.passport_id, 16)) for m in minted] == [dev_account(MINTER, 31337).address] * 6
    report_figure(f"rpc faults: {sum(proxy.faults.values())} injected in {proxy.requests} requests "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(proxy.faults.items()))}); 6 mints, each landed once")


def test_a_node_that_stays_down_fails_clearly_within_bounds(rpc_url, consortium):
    answering = {"on": True}
    with FaultProxy(rpc_url, lambda n, m: None if answering["on"] else "502", max_faults=100) as proxy:
        reader = Chain(proxy.url, log=lambda _: None)
        answering["on"] = False
        started = time.monotonic()
        with pytest.raises(NodeUnavailable, match=r"failed eth_blockNumber 5 time\(s\) \(HTTP 502\)") as failed:
            reader.w3.eth.block_number
        assert time.monotonic() - started < 5
        assert "run the same command again" in failed.value.fix
        assert proxy.faults["502"] == rpc_module.RPC_ATTEMPTS


def test_cli_names_the_failure_in_one_line(rpc_url, consortium):
    with FaultProxy(rpc_url, lambda n, m: "502", max_faults=10) as proxy:
        result = CliRunner().invoke(cli, ["brand", "list", "--rpc-url", proxy.url])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == \
        [f"error: cannot reach a node at {proxy.url} (HTTP 502); start that node, or pass another node of its chain too "
         "(--rpc-url URL1,URL2); a consortium house's node: `luxpass consortium-net up`, or `luxpass consortium-net "
         "run --house-dir DIR` on its machine"]


def test_nonce_taken_by_another_program_is_refreshed(rpc_url, consortium, web3):
    messages = []
    ours = Chain(rpc_url, dev_account(MINTER, 31337), log=messages.append)
    theirs = Chain(rpc_url, dev_account(MINTER, 31337), log=lambda _: None)
    start = web3.eth.get_transaction_count(ours.address)
    ours.sender.transact(RawCall(dev_account(8, 31337).address, b""))
    theirs.sender.transact(RawCall(dev_account(9, 31337).address, b""))  # takes the nonce `ours` has cached
    ours.sender.transact(RawCall(dev_account(8, 31337).address, b""))
    assert any("nonce taken" in m for m in messages), messages
    assert web3.eth.get_transaction_count(ours.address) == start + 3


def _anvil(port: int, *flags: str):
    process = subprocess.Popen([node.anvil_binary(), "--port", str(port), "--silent", *flags],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not node._answers(url):
            assert time.monotonic() < deadline, "anvil did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def pending_pool():
    """A node that mines only when asked, so that transactions wait in its pool."""
    yield from _anvil(NO_MINING_PORT, "--no-mining")


@pytest.fixture
def mines_on_transactions():
    """A node that makes a block only for a transaction, as Ganache and Hardhat do by default."""
    yield from _anvil(NO_MINING_PORT + 1)


def test_deploy_waiting_for_confirmations_stops_and_keeps_the_record(mines_on_transactions):
    from luxpass.errors import LuxpassError
    from luxpass.local.deployments import deploy, load
    from luxpass.onchain.registry import Founder

    chain = Chain(mines_on_transactions, dev_account(0, 31337), confirmations=3, timeout=1, log=lambda _: None)
    with pytest.raises(LuxpassError) as refused:
        deploy(chain, [Founder("Maison Aurel", "AUR", dev_account(1, 31337).address),
                       Founder("Casa Vellutti", "VEL", dev_account(2, 31337).address)])
    assert "had not 3 confirmations within 1 s (1 so far)" in str(refused.value)
    assert "do not deploy again" in str(refused.value)
    assert chain.w3.eth.get_code(load(chain).registry) != b""


def test_a_pending_transaction_holding_the_nonce_is_not_replaced(pending_pool):
    ours = Chain(pending_pool, dev_account(1, 31337), confirmations=0, log=lambda _: None)
    theirs = Chain(pending_pool, dev_account(1, 31337), confirmations=0, log=lambda _: None)
    ours.sender._nonce()  # caches the nonce, as a running command has
    first = theirs.sender.send(RawCall(dev_account(2, 31337).address, b""))
    second = ours.sender.send(RawCall(dev_account(3, 31337).address, b""))  # "replacement transaction underpriced" first
    assert first != second
    ours.w3.provider.make_request("evm_mine", [])
    assert ours.sender.wait(first)["status"] == ours.sender.wait(second)["status"] == 1
    assert ours.w3.eth.get_transaction_count(ours.address) == 2


def test_a_resent_transaction_the_node_already_holds_is_not_sent_again(pending_pool):
    ours = Chain(pending_pool, dev_account(1, 31337), confirmations=0, log=lambda _: None)
    signed = ours.sender._signed(RawCall(dev_account(2, 31337).address, b""), "", None)
    assert ours.sender._send_raw(signed) == ours.sender._send_raw(signed) == signed.hash  # "transaction already imported"
    ours.w3.provider.make_request("evm_mine", [])
    assert ours.w3.eth.get_transaction_count(ours.address) == 1


def test_a_node_without_the_build_opcodes_is_refused_before_deploy():
    from luxpass.errors import LuxpassError

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(contextlib.contextmanager(_anvil)(NO_MINING_PORT + 2, "--hardfork", "paris"))
        chain = Chain(url, dev_account(0, 31337), log=lambda _: None)
        chain.require_opcodes("paris")
        with pytest.raises(LuxpassError) as refused:
            chain.require_opcodes("cancun")
        assert "does not run the shanghai opcodes" in str(refused.value)
        assert refused.value.fix == "build for the node's EVM: `make build LUXPASS_EVM=paris`"
        assert chain.w3.eth.get_transaction_count(chain.address) == 0
