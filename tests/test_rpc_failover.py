"""Several nodes of one chain behind one --rpc-url: a node killed mid-run hands reads and the wait
for a sent transaction to the next one, which gets the same signed bytes (so the transaction runs
once, under its one hash); a node that trails is passed over; `node status` shows each node.
Two local Anvils with the same development accounts stand for two member nodes."""
import json
import subprocess
import time

import pytest
from click.testing import CliRunner

from luxpass.chain import node, rpc
from luxpass.chain.accounts import dev_account
from luxpass.chain.connection import Chain
from luxpass.chain.sender import RawCall
from luxpass.cli import cli
from luxpass.errors import LuxpassError
from luxpass.jobs.bulk import mint_csv
from luxpass.onchain.collection import Collection

FIRST_PORT = 8831


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch):
    monkeypatch.setenv("LUXPASS_RPC_TIMEOUT", "0.5")
    monkeypatch.setattr(rpc, "RPC_BACKOFF", 0.05)


def _start(port: int, *flags: str) -> subprocess.Popen:
    process = subprocess.Popen([node.anvil_binary(), "--port", str(port), "--silent", *flags],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not node._answers(f"http://127.0.0.1:{port}"):
        assert time.monotonic() < deadline, "anvil did not start"
        time.sleep(0.1)
    return process


@pytest.fixture
def two_nodes():
    """Node A holds sent transactions in its pool (it mines only when asked); node B mines each."""
    processes = [_start(FIRST_PORT, "--no-mining"), _start(FIRST_PORT + 1)]
    yield [f"http://127.0.0.1:{FIRST_PORT + i}" for i in range(2)], processes
    for process in processes:
        process.kill()
        process.wait(10)


def test_a_node_killed_mid_run_hands_over_reads_and_the_sent_transaction_runs_once(two_nodes):
    (first, second), (process_a, _) = two_nodes
    messages = []
    chain = Chain(f"{first},{second}", dev_account(1, 31337), confirmations=1, timeout=20, log=messages.append)
    assert chain.rpc_url == first
    tx_hash = chain.sender.send(RawCall(dev_account(2, 31337).address, b""), label="payment")  # waits in A's pool
    process_a.kill()
    process_a.wait(10)
    receipt = chain.sender.wait(tx_hash)
    assert chain.rpc_url == second
    assert bytes(receipt["transactionHash"]) == bytes(tx_hash) and receipt["status"] == 1
    on_b = Chain(second, log=lambda _: None)
    assert on_b.w3.eth.get_transaction_count(chain.address) == 1  # ran once, under its one hash
    assert any(f"{first} failed" in m and f"using {second}" in m for m in messages), messages
    assert any("sending it the same signed bytes" in m for m in messages), messages
    chain.sender.transact(RawCall(dev_account(2, 31337).address, b""), label="next payment")  # goes on on B
    assert on_b.w3.eth.get_transaction_count(chain.address) == 2


def test_a_node_that_trails_is_passed_over_and_node_status_shows_each(two_nodes):
    (first, second), _ = two_nodes
    behind = Chain(second, log=lambda _: None)
    for _ in range(rpc.MAX_LAG + 2):
        behind.w3.provider.make_request("evm_mine", [])  # B is ahead: A trails by MAX_LAG + 2 blocks
    messages = []
    chain = Chain(f"{first},{second}", log=messages.append)
    assert chain.rpc_url == second
    assert any(f"{first} trails by {rpc.MAX_LAG + 2} blocks; using {second}" in m for m in messages), messages
    down = f"http://127.0.0.1:{FIRST_PORT + 5}"
    result = CliRunner().invoke(cli, ["node", "status", "--rpc-url", f"{first},{second},{down}", "--json"])
    assert result.exit_code == 0, result.output
    heads = {h["rpc_url"]: h for h in json.loads(result.stdout)["nodes"]}
    assert (heads[first]["block"], heads[first]["lag"]) == (0, rpc.MAX_LAG + 2)
    assert (heads[second]["block"], heads[second]["lag"]) == (rpc.MAX_LAG + 2, 0)
    assert not heads[down]["reachable"] and heads[down]["lag"] is None
    text = CliRunner().invoke(cli, ["node", "status", "--rpc-url", f"{first},{down}"]).stdout
    assert f"{first}  chain 31337  block 0  lag 0" in text and f"{down}  unreachable" in text


def test_nodes_of_different_chains_are_refused(two_nodes):
    (first, _), _ = two_nodes
    with subprocess.Popen([node.anvil_binary(), "--port", str(FIRST_PORT + 2), "--silent", "--chain-id", "1337"],
                          stdout=subprocess.DEVNULL) as other:
        try:
            url = f"http://127.0.0.1:{FIRST_PORT + 2}"
            while not node._answers(url):
                time.sleep(0.1)
            result = CliRunner().invoke(cli, ["brand", "list", "--rpc-url", f"{first},{url}"])
            assert result.exit_code != 0
            assert "different chains" in result.output and "Traceback" not in result.output
        finally:
            other.kill()


def test_transactions_node_a_never_passed_on_reach_b_first_lowest_nonce_first(two_nodes):
    """Four payments wait in A's pool (A never passes them on); A dies; the next send fails over to B,
    which first gets the four as the same signed bytes, so the fifth's nonce has no gap before it.
    Each of the five runs once, under the hash it was sent with."""
    (first, second), (process_a, _) = two_nodes
    messages = []
    chain = Chain(f"{first},{second}", dev_account(1, 31337), confirmations=1, timeout=20, log=messages.append)
    to = dev_account(2, 31337).address
    held = [chain.sender.send(RawCall(to, b""), label=f"payment {n}") for n in range(4)]
    process_a.kill()
    process_a.wait(10)
    fifth = chain.sender.send(RawCall(to, b""), label="payment 4")
    handed = [m for m in messages if "sending it the same signed bytes" in m]
    assert [m.split()[1] for m in handed] == ["0", "1", "2", "3"], messages
    receipts = [chain.sender.wait(tx) for tx in [*held, fifth]]
    assert [bytes(r["transactionHash"]) for r in receipts] == [bytes(tx) for tx in [*held, fifth]]
    assert Chain(second, log=lambda _: None).w3.eth.get_transaction_count(chain.address) == 5


def test_a_transaction_a_reorganisation_took_is_sent_again_as_the_same_bytes(two_nodes):
    """Mined, then its block reverted away and the pool without it: the wait sends the same signed
    bytes again (their nonce is still free), and they run once, under the same hash."""
    (_, second), _ = two_nodes
    messages = []
    chain = Chain(second, dev_account(1, 31337), confirmations=1, timeout=20, log=messages.append)
    fork_point = chain.w3.provider.make_request("evm_snapshot", [])["result"]
    tx_hash = chain.sender.send(RawCall(dev_account(2, 31337).address, b""), label="payment")
    chain.w3.provider.make_request("evm_revert", [fork_point])
    assert chain.w3.eth.get_transaction_count(chain.address) == 0
    receipt = chain.sender.wait(tx_hash)
    assert bytes(receipt["transactionHash"]) == bytes(tx_hash)
    assert any("does not hold it; sending it the same signed bytes" in m for m in messages), messages
    assert chain.w3.eth.get_transaction_count(chain.address) == 1


def test_a_transaction_whose_nonce_another_took_is_reported_dropped_not_done(two_nodes):
    """A payment waits in A's pool; A dies; meanwhile another transaction of the same key took the
    nonce on B. The wait, failed over to B, reports the payment dropped (it can never run)."""
    (first, second), (process_a, _) = two_nodes
    chain = Chain(f"{first},{second}", dev_account(1, 31337), confirmations=1, timeout=20, log=lambda _: None)
    tx_hash = chain.sender.send(RawCall(dev_account(2, 31337).address, b""), label="payment")
    process_a.kill()
    process_a.wait(10)
    other = Chain(second, dev_account(1, 31337), confirmations=1, log=lambda _: None)
    other.sender.transact(RawCall(dev_account(3, 31337).address, b""), label="another program's payment")
    with pytest.raises(LuxpassError, match=f"payment 0x{bytes(tx_hash).hex()} was dropped: the account's nonce 0"):
        chain.sender.wait(tx_hash)
    assert other.w3.eth.get_transaction_count(chain.address) == 1


def test_a_bulk_mint_whose_node_took_two_batches_and_died_finishes_them_as_the_same_bytes(consortium, rpc_url,
                                                                                          tmp_path):
    """Node A, a fork of the test chain that mines nothing and passes nothing on, takes the job's two
    batches; the run stops (its wait times out) and A dies. The same job on node B finds both in the
    job's journal and finishes them as the same signed bytes before it looks at what is left: the
    rows are signed once, under the hashes A took."""
    products, out, messages = _batches_taken_by_a_node_that_dies(consortium, rpc_url, tmp_path, FIRST_PORT + 3, 10)
    taken = [t["hash"] for t in json.loads((out / "sent.json").read_text())["transactions"]]
    assert len(taken) == 2
    on_b = Chain(rpc_url, dev_account(5, 31337), log=messages.append)
    result = mint_csv(Collection(on_b, consortium.brand(1).collection), products, out, batch_size=5)
    assert (result.rows, result.already_minted, result.minted_now) == (10, 10, 0)
    assert [on_b.w3.eth.get_transaction_receipt(h)["status"] for h in taken] == [1, 1]
    assert sum("signed by an earlier run" in m for m in messages) == 2, messages
    assert not (out / "sent.json").exists()


def test_a_job_whose_node_lost_its_earlier_transactions_mints_the_rows_again(consortium, rpc_url, tmp_path):
    """Node A takes the job's three batches and mines nothing; the run stops. As if the first had
    been confirmed (and left the journal) on a node that then restarted from an older state, the
    journal keeps only the other two, and the node the job runs on again never saw any. Their
    nonces lie past the account's transactions on that node, so their bytes would wait in its pool
    for good: each is reported as unable to run, and the rerun mints all fifteen rows itself."""
    products, out, messages = _batches_taken_by_a_node_that_dies(consortium, rpc_url, tmp_path, FIRST_PORT + 4, 15)
    journal = json.loads((out / "sent.json").read_text())
    assert len(journal["transactions"]) == 3
    journal["transactions"] = journal["transactions"][1:]
    (out / "sent.json").write_text(json.dumps(journal))
    kept = [t["hash"] for t in journal["transactions"]]
    on_b = Chain(rpc_url, dev_account(5, 31337), log=messages.append)
    held = on_b.w3.eth.get_transaction_count(on_b.address)
    started = time.monotonic()
    result = mint_csv(Collection(on_b, consortium.brand(1).collection), products, out, batch_size=5)
    assert time.monotonic() - started < 60, "no wait for bytes that cannot run"
    assert (result.rows, result.already_minted, result.minted_now) == (15, 0, 15)
    unable = [m for m in messages if "cannot run: the node holds" in m]
    assert [m.split()[6] for m in unable] == kept, messages
    assert on_b.w3.eth.get_transaction_count(on_b.address) == held + 3  # the rerun's own three batches
    assert not (out / "sent.json").exists()


def _batches_taken_by_a_node_that_dies(consortium, rpc_url, tmp_path, port, rows):
    """A job of `rows` products in batches of 5 sent to node A, a fork of the test chain that mines
    nothing and passes nothing on; the run stops (its wait times out) and A dies. Returns the
    products file, the job's folder and what the run logged."""
    node_a = _start(port, "--fork-url", rpc_url, "--no-mining")
    products = tmp_path / "products.csv"
    products.write_text("serial,model\n" + "".join(f"P{port}-{n},Tote\n" for n in range(rows)))
    out, messages = tmp_path / "job", []
    try:
        on_a = Chain(f"http://127.0.0.1:{port}", dev_account(5, 31337), timeout=3, log=messages.append)
        with pytest.raises(LuxpassError, match="was not mined within 3 s"):
            mint_csv(Collection(on_a, consortium.brand(1).collection), products, out, batch_size=5)
    finally:
        node_a.kill()
        node_a.wait(10)
    return products, out, messages
