"""The one way to send a raw JSON-RPC request, for what web3's layers would slow down or hide:
hand-encoded calls of bulk jobs and audits, light receipts, logs, block hashes. A node's error
answer is decoded here, once: a contract's revert into its custom error (ContractRevert), any
other refusal into NodeRefused, naming what was asked."""
from . import artifacts
from ..errors import LuxpassError


class NodeRefused(LuxpassError):
    """The node answered a JSON-RPC request with an error that is not a contract's revert."""

    def __init__(self, what: str, message: str, fix: str):
        self.message = message
        super().__init__(f"the node refused {what}: {message}", fix)


def request(w3, method: str, params: list, what: str | None = None, fix: str = "try again"):
    """The `result` of `method(params)` on the node behind `w3`. An error answer raises the
    decoded ContractRevert when it carries revert data, else NodeRefused with `fix`."""
    reply = w3.provider.make_request(method, params)
    error = reply.get("error")
    if error is None:
        return reply.get("result")
    if not isinstance(error, dict):
        error = {"message": str(error)}
    if method == "eth_call" and artifacts.revert_bytes(error.get("data")):
        raise artifacts.decode_revert(error.get("data"))
    raise NodeRefused(what or method, error.get("message"), fix)


def call(w3, to: str | None, data: bytes | str, block: int | str = "latest", gas: int | None = None,
         what: str | None = None, fix: str = "try again") -> bytes:
    """A hand-encoded `eth_call`: its return data, or its refusal decoded as `request` does."""
    tx = {"data": data if isinstance(data, str) else "0x" + data.hex()}
    if to is not None:
        tx["to"] = to
    if gas is not None:
        tx["gas"] = hex(gas)
    result = request(w3, "eth_call", [tx, block if isinstance(block, str) else hex(block)], what, fix)
    return bytes.fromhex(result.removeprefix("0x"))
