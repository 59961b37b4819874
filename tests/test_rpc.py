"""The one raw JSON-RPC helper: a node's error answer is decoded once, a revert into its custom
error, anything else into NodeRefused naming what was asked; results pass through."""
import json

import pytest
from eth_utils import keccak
from luxpass.chain import rpc
from luxpass.errors import ContractRevert

UNKNOWN_BATCH = "0x" + (keccak(text="PassportUnknownBatch(bytes32)")[:4] + b"\x11" * 32).hex()


class Node:
    """A node that gives one canned answer and remembers what it was asked."""

    def __init__(self, answer: dict):
        self.answer, self.asked = answer, []
        self.provider = self

    def make_request(self, method, params):
        self.asked.append((method, params))
        return self.answer


def test_a_result_passes_through_and_a_call_is_sent_as_asked():
    node = Node({"result": "0x" + "ab" * 4})
    assert rpc.call(node, "0x" + "22" * 20, b"\x01\x02", 7, gas=100) == b"\xab" * 4
    assert node.asked == [("eth_call", [{"data": "0x0102", "to": "0x" + "22" * 20, "gas": "0x64"}, "0x7"])]


@pytest.mark.parametrize("data", [UNKNOWN_BATCH, {"data": UNKNOWN_BATCH}, {"0xabc": {"return": UNKNOWN_BATCH}}])
def test_a_revert_in_any_shape_is_raised_as_its_custom_error(data):
    node = Node({"error": {"code": 3, "message": "execution reverted", "data": data}})
    with pytest.raises(ContractRevert) as refused:
        rpc.call(node, "0x" + "22" * 20, b"")
    assert refused.value.name == "PassportUnknownBatch"


@pytest.mark.parametrize("error", [{"code": -32000, "message": "out of gas"}, {"message": "out of gas", "data": "0x"},
                                   "out of gas"])
def test_any_other_refusal_names_what_was_asked_and_the_fix(error):
    node = Node({"error": error})
    with pytest.raises(rpc.NodeRefused) as refused:
        rpc.request(node, "eth_getLogs", [{}], "the log query", fix="ask another node")
    assert str(refused.value) == "the node refused the log query: out of gas; ask another node"
    assert refused.value.exit_code == 1


def test_an_error_of_a_method_other_than_eth_call_is_never_read_as_a_revert():
    node = Node({"error": {"message": "pruned", "data": UNKNOWN_BATCH}})
    with pytest.raises(rpc.NodeRefused, match="the node refused eth_getBlockByNumber: pruned"):
        rpc.request(node, "eth_getBlockByNumber", ["0x1", False])


class LogNode:
    """A node that serves eth_getLogs over at most `widest` blocks, one log per block, and refuses
    wider ranges as providers do."""

    def __init__(self, widest: int):
        self.widest, self.ranges = widest, []
        self.provider = self

    def make_request(self, method, params):
        start, end = int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)
        self.ranges.append((start, end))
        if end - start + 1 > self.widest:
            return {"error": {"code": -32005, "message": f"query exceeds max block range {self.widest}"}}
        return {"result": [{"blockNumber": hex(block)} for block in range(start, end + 1)]}


def test_a_log_range_the_node_refuses_as_too_wide_is_asked_in_halves():
    node = LogNode(widest=100)
    logs = rpc.get_logs(node, {"fromBlock": hex(0), "toBlock": hex(999), "topics": []})
    assert [int(log["blockNumber"], 16) for log in logs] == list(range(1000))  # all, in order, once
    assert len(node.ranges) == 15 + 16  # refused: 1000, 2 x 500, 4 x 250, 8 x 125; served: 16 of 62-63


def test_any_other_log_refusal_is_named_not_split():
    node = Node({"error": {"code": -32000, "message": "logs are disabled on this node"}})
    with pytest.raises(rpc.NodeRefused, match="logs are disabled"):
        rpc.get_logs(node, {"fromBlock": hex(0), "toBlock": hex(999)})
    assert len(node.asked) == 1


@pytest.mark.parametrize("tx, block", [
    ({"data": "0x0102", "to": "0x" + "22" * 20, "gas": "0x64", "from": "0x" + "33" * 20}, "latest"),
    ({"data": "0x"}, "0x7"),
])
def test_a_call_written_around_its_calldata_is_the_request_web3_would_write(tx, block):
    provider = rpc.RetryingProvider("http://127.0.0.1:1", log=lambda _: None)
    by_hand = json.loads(provider.encode_rpc_request("eth_call", [{**tx, "data": rpc.HexData(tx["data"])}, block]))
    by_web3 = json.loads(provider.encode_rpc_request("eth_call", [tx, block]))
    assert by_hand == {**by_web3, "id": by_web3["id"] - 1} and by_hand["params"] == [tx, block]
