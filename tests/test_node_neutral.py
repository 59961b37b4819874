"""What differs between nodes (Anvil, Ganache, Hardhat, Besu): revert data shapes, call gas caps,
the methods beyond the standard ones."""
import json
import threading

import pytest
from click.testing import CliRunner
from eth_utils import keccak

from cli_helpers import error_line
from fault_proxy import FaultProxy
from luxpass.chain.accounts import dev_address
from luxpass.chain.artifacts import decode_revert
from luxpass.cli import cli
from luxpass.checks.chunks import PIPELINED, ChunkedCalls
from luxpass.onchain.collection import Collection, screen_codes

ERROR = keccak(text="PassportUnknownBatch(bytes32)")[:4] + b"\x11" * 32
HEX = "0x" + ERROR.hex()


@pytest.mark.parametrize("shape", [
    ERROR,
    HEX,
    {"data": HEX},
    {"message": "execution reverted", "data": {"data": HEX}},
    {"result": HEX},
    {"message": "VM Exception", "data": {"0x" + "ab" * 32: {"error": "revert", "return": HEX}}},
    {"error": {"code": 3, "data": HEX}},
    ["not hex", {"data": HEX}],
], ids=["bytes", "hex", "data", "nested-data", "result", "ganache", "nested-error", "list"])
def test_every_shape_decodes_to_the_custom_error(shape):
    revert = decode_revert(shape)
    assert (revert.name, revert.args_decoded) == ("PassportUnknownBatch", (b"\x11" * 32,))


@pytest.mark.parametrize("shape", [None, b"", "", "no data", "0x", {"message": "reverted"}, {"data": None}])
def test_no_data_is_an_empty_revert(shape):
    assert decode_revert(shape).name == "EmptyRevert"


class CappedNode:
    """A node whose eth_call runs out of gas above `most` passports, as a capped Hardhat call does,
    and whose gas estimate says a passport costs `gas_each`."""

    def __init__(self, most: int, gas_each: int):
        self.most, self.gas_each, self.sizes, self.call_gas = most, gas_each, [], 16_777_216
        self.w3 = self
        self.provider = self
        self.sender = None  # reads only

    def make_request(self, method, params):
        call = bytes.fromhex(params[0]["data"][2:])
        n = int.from_bytes(call[68:100], "big")
        if method == "eth_estimateGas":
            return {"result": hex(21_000 + self.gas_each * n)}
        self.sizes.append(n)
        assert int(params[0]["gas"], 16) == self.call_gas
        if n > self.most:
            return {"error": {"code": -32000, "message": "out of gas"}}
        codes = bytes(k % 256 for k in range(n))
        return {"result": "0x" + ((32).to_bytes(32, "big") + n.to_bytes(32, "big") + codes.ljust(32, b"\0")).hex()}


def screen_codes_of(node, calls, ids):
    collection = Collection(node, "0x" + "22" * 20)
    return bytes(calls.run("screening", ids, lambda part: collection.screen_call(part, []), screen_codes))


def test_a_chunk_is_sized_from_the_call_gas_cap_and_the_measured_gas():
    node = CappedNode(most=2000, gas_each=10_000)
    calls = ChunkedCalls(node)
    screen_codes_of(node, calls, list(range(4000)))
    fits = int((16_777_216 * 0.9 - 21_000) // 10_000)
    # the first chunk alone, then the other two in flight together (the node may take either first)
    assert node.sizes[0] == fits and sorted(node.sizes[1:]) == [4000 - 2 * fits, fits]
    assert (calls.counts.calls, calls.counts.refused) == (3, 0)


def test_a_refused_chunk_is_sent_in_halves_and_the_half_kept_for_the_rest_of_the_run():
    node = CappedNode(most=3, gas_each=1)  # an estimate far below what the calls cost
    calls = ChunkedCalls(node, most=10)
    assert screen_codes_of(node, calls, list(range(10))) == bytes([0, 1] * 5)
    assert node.sizes == [10, 5, 2, 2, 2, 2, 2] and calls.counts.refused == 2
    node.sizes.clear()
    screen_codes_of(node, calls, list(range(10)))
    assert node.sizes == [2] * 5 and calls.counts.refused == 2 and calls.counts.estimates == 1



class DearerNode(CappedNode):
    """A node on which the passports from `dear` on cost more: a chunk of more than `most_dear` of
    them runs out of gas. It counts the calls it runs at once, and meets the first `together` calls
    after the first at a barrier, which breaks unless they arrive together."""

    def __init__(self, dear: int, most_dear: int, together: int = 0):
        super().__init__(most=10**6, gas_each=1)
        self.dear, self.most_dear, self.running, self.most_running = dear, most_dear, 0, 0
        self.lock, self.barrier, self.together = threading.Lock(), threading.Barrier(max(together, 1), timeout=10), together
        self.seen = 0

    def make_request(self, method, params):
        call = bytes.fromhex(params[0]["data"][2:])
        n = int.from_bytes(call[68:100], "big")
        ids = [int.from_bytes(call[100 + 32 * k:132 + 32 * k], "big") for k in range(n)]
        if method == "eth_estimateGas":
            return super().make_request(method, params)
        with self.lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            self.seen += 1
            meet = 1 < self.seen <= 1 + self.together
        try:
            if meet:
                self.barrier.wait()
            if sum(i >= self.dear for i in ids) > self.most_dear:
                self.sizes.append(n)
                return {"error": {"code": -32000, "message": "out of gas"}}
            self.sizes.append(n)
            codes = bytes(i % 7 for i in ids)
            return {"result": "0x" + ((32).to_bytes(32, "big") + n.to_bytes(32, "big") + codes.ljust(32, b"\0")).hex()}
        finally:
            with self.lock:
                self.running -= 1


def test_once_a_chunk_is_answered_several_calls_are_in_flight_at_once():
    node = DearerNode(dear=10**6, most_dear=0, together=PIPELINED)  # the barrier breaks unless they meet at it
    calls = ChunkedCalls(node, most=10)
    codes = screen_codes_of(node, calls, list(range(100)))
    assert codes == bytes(i % 7 for i in range(100)) and node.most_running == PIPELINED > 1
    assert (calls.counts.calls, calls.counts.refused) == (10, 0)


def test_a_chunk_refused_in_the_pipeline_is_sent_again_and_every_answer_kept_in_order():
    node = DearerNode(dear=50, most_dear=2)  # from passport 50 on, at most 2 a call
    calls = ChunkedCalls(node, most=10)
    assert screen_codes_of(node, calls, list(range(100))) == bytes(i % 7 for i in range(100))
    assert calls.sizes["screening"] == 2 and node.most_running <= PIPELINED
    # [50, 60) refused (the calls sent beside it dropped), then [50, 55): 10 and 5 are halved to 2
    assert calls.counts.refused >= 2 and sum(n for n in node.sizes if n <= 2) == 50

# The methods every node answers (ethereum/execution-apis); anything else is one node's extension,
# and of the eth_ names these are not on every node (Ganache has no eth_getBlockReceipts).
STANDARD = ("eth_", "net_", "web3_")
EXTENSIONS = {"eth_getBlockReceipts", "eth_maxPriorityFeePerGas"}


def standard_only(request: dict) -> dict | None:
    """A node without extensions, and without a pool it would count a "pending" nonce from."""
    method, params = request.get("method", ""), request.get("params") or []
    if not method.startswith(STANDARD) or method in EXTENSIONS:
        return {"code": -32601, "message": f"the method {method} does not exist/is not available"}
    if method == "eth_getTransactionCount" and params[1:] == ["pending"]:
        return {"code": -32602, "message": "unsupported block tag: pending"}
    return None


@pytest.fixture(scope="module")
def bare_node(web3):
    with FaultProxy(web3.provider.endpoint_uri, lambda number, method: None, refuse=standard_only) as relay:
        yield relay


def test_the_roles_work_on_a_node_with_the_standard_methods_only(bare_node, consortium, tmp_path):
    """Mint, sell, bulk mint (its wait for an idle account and light receipts) and read the history
    (logs), each through a node that refuses every extension: the fallbacks were used, and nothing
    else than the standard methods was asked."""
    runner = CliRunner()

    def lux(*args):
        result = runner.invoke(cli, [str(a) for a in args], env={"ETH_RPC_URL": bare_node.url})
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            f"traceback from {args}: {result.exception!r}"
        assert result.exit_code == 0, result.output
        return result

    certificate = tmp_path / "cert.json"
    lux("mint", "--brand", "Maison Aurel", "--serial", "BARE-1", "--certificate", certificate, "--dev-account", 5)
    lux("transfer", certificate, "--first-sale", "--to", dev_address(7), "--dev-account", 6)
    products = tmp_path / "products.csv"
    products.write_text("serial,model\nBARE-2,Tote\nBARE-3,Pochette\nBARE-4,Tote\n")
    lux("mint", "--brand", "Maison Aurel", "--csv", products, "--out", tmp_path / "bulk", "--dev-account", 5)
    assert len(list((tmp_path / "bulk" / "certificates").iterdir())) == 3
    story = json.loads(lux("history", certificate, "--json").stdout)
    assert [entry["kind"] for entry in story["entries"]] == ["mint", "first-sale"]
    assert set(bare_node.refused) == {"eth_maxPriorityFeePerGas", "eth_getTransactionCount"}


def test_a_node_refusing_the_estimate_is_one_line_and_nothing_is_sent(web3, consortium, tmp_path):
    """A node that cannot run the build's opcodes refuses the estimate with its own words (Geth's
    "invalid opcode"), not a revert: one line naming the build to make, and no nonce used."""
    refused = {"code": -32000, "message": "invalid opcode: opcode 0x5e not defined"}
    with FaultProxy(web3.provider.endpoint_uri, lambda number, method: None,
                    refuse=lambda request: refused if request.get("method") == "eth_estimateGas" else None) as node:
        nonce = web3.eth.get_transaction_count(dev_address(5))
        result = CliRunner().invoke(cli, ["mint", "--brand", "Maison Aurel", "--serial", "OLD-EVM-1", "--certificate",
                                          str(tmp_path / "cert.json"), "--dev-account", "5"],
                                    env={"ETH_RPC_URL": node.url})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "invalid opcode" in error_line(result) and "build them for its EVM" in result.stderr
    assert web3.eth.get_transaction_count(dev_address(5)) == nonce
