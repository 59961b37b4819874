"""What differs between nodes (Anvil, Ganache, Hardhat, Besu): revert data shapes, call gas caps."""
import pytest
from eth_utils import keccak

from luxpass.chain.artifacts import decode_revert
from luxpass.onchain.collection import Collection

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
    """A node whose eth_call runs out of gas above `most` passports, as a capped Hardhat call does."""

    def __init__(self, most: int):
        self.most, self.sizes, self.call_gas = most, [], 16_777_216
        self.w3 = self
        self.provider = self

    def contract(self, name, address):
        return None  # the screening call is encoded by hand: no web3 contract needed

    def make_request(self, method, params):
        call = bytes.fromhex(params[0]["data"][2:])
        n = int.from_bytes(call[68:100], "big")
        self.sizes.append(n)
        assert int(params[0]["gas"], 16) == self.call_gas
        if n > self.most:
            return {"error": {"code": -32000, "message": "out of gas"}}
        codes = bytes(range(n))
        return {"result": "0x" + ((32).to_bytes(32, "big") + n.to_bytes(32, "big") + codes.ljust(32, b"\0")).hex()}


def test_a_refused_screening_chunk_is_screened_in_halves():
    node = CappedNode(most=3)
    codes = Collection(node, "0x" + "22" * 20).screen_codes(list(range(10)), [])
    assert codes == bytes([0, 1, 0, 1, 2, 0, 1, 0, 1, 2])
    assert node.sizes[:3] == [10, 5, 2]
