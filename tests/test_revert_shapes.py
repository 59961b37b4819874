"""Revert data decodes the same in every shape nodes send it (Anvil, Ganache, Hardhat, Besu)."""
import pytest
from eth_utils import keccak

from luxpass.artifacts import decode_revert

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
