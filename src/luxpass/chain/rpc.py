"""JSON-RPC to one node: the transport that retries transient failures, and the one way to send
a raw request, for what web3's layers would slow down or hide (hand-encoded calls of bulk jobs and
audits, light receipts, logs, block hashes). A node's error answer is decoded here, once: a
contract's revert into its custom error (ContractRevert), any other refusal into NodeRefused,
naming what was asked."""
import json
import os
import time
from dataclasses import dataclass
from typing import Callable

import requests
from web3 import HTTPProvider

from ..errors import LuxpassError
from . import artifacts

RPC_ATTEMPTS = 5  # per JSON-RPC request, for transient failures
RPC_BACKOFF = 0.25  # seconds before the first retry, doubled at each one
TRANSIENT_HTTP = {429, 500, 502, 503, 504}


class NodeUnavailable(LuxpassError):
    """The node did not answer, after the retries of transient failures."""

    def __init__(self, rpc_url: str, method: str, attempts: int, reason: str):
        self.reason = reason
        super().__init__(f"the node at {rpc_url} failed {method} {attempts} time(s) ({reason})",
                         "check the node, then run the same command again: nothing already sent is sent twice")


def node_session(rpc_url: str) -> requests.Session:
    """One HTTP session a node, its proxy and CA settings read from the environment once: requests
    would look them up, and read ~/.netrc, on every request."""
    session = requests.Session()
    session.proxies = requests.utils.get_environ_proxies(rpc_url)
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session


class HexData(str):
    """Calldata as `0x` and the hex digits of its bytes: nothing in it that JSON escapes, so that a
    request carrying it is written around it instead of scanned (megabytes for a screening chunk)."""


class RetryingProvider(HTTPProvider):
    """Retries transient failures (connection lost, no answer in time, HTTP 429 and 5xx) with
    backoff, a bounded number of times. Resending eth_sendRawTransaction is safe: the same signed
    bytes carry the same nonce, so the node executes them at most once."""

    def __init__(self, rpc_url: str, log: Callable[[str], None], attempts: int = RPC_ATTEMPTS):
        timeout = float(os.environ.get("LUXPASS_RPC_TIMEOUT", "30"))
        super().__init__(rpc_url, request_kwargs={"timeout": timeout}, session=node_session(rpc_url),
                         exception_retry_configuration=None)
        self.log, self.attempts, self.timeout = log, attempts, timeout

    def make_request(self, method, params):
        for attempt in range(1, self.attempts + 1):
            try:
                return super().make_request(method, params)
            except (requests.ConnectionError, requests.Timeout, requests.HTTPError) as exc:
                reason = self._transient(exc)
                if reason is None:
                    raise
                if attempt == self.attempts:
                    raise NodeUnavailable(self.endpoint_uri, method, attempt, reason) from None
                self.log(f"node: {reason} on {method}; retry {attempt} of {self.attempts - 1}")
                time.sleep(RPC_BACKOFF * 2 ** (attempt - 1))

    def encode_rpc_request(self, method, params) -> bytes:
        """An eth_call whose calldata is HexData written by hand around it, any other request by web3."""
        tx = params[0] if method == "eth_call" and params else None
        if not (isinstance(tx, dict) and isinstance(tx.get("data"), HexData)):
            return super().encode_rpc_request(method, params)
        rest = json.dumps({key: value for key, value in tx.items() if key != "data"})[1:-1]
        return b"".join([b'{"jsonrpc":"2.0","method":"eth_call","id":%d,"params":[{"data":"' % next(self.request_counter),
                         tx["data"].encode("ascii"), b'"', b"," + rest.encode() if rest else b"", b"}",
                         *(b"," + json.dumps(param).encode() for param in params[1:]), b"]}"])

    def _transient(self, exc: Exception) -> str | None:
        if isinstance(exc, requests.Timeout):
            return f"no answer within {self.timeout:g} s"
        if isinstance(exc, requests.HTTPError):
            status = exc.response.status_code if exc.response is not None else None
            return f"HTTP {status}" if status in TRANSIENT_HTTP else None
        return "connection failed"


MAX_LAG = int(os.environ.get("LUXPASS_RPC_MAX_LAG", "3"))  # blocks a node may trail the best one


def split_urls(rpc_url: str | list[str]) -> list[str]:
    """Several nodes of one chain: "URL1,URL2" (or spaces between them), or a list."""
    urls = rpc_url if isinstance(rpc_url, list) else rpc_url.replace(",", " ").split()
    if not urls:
        raise LuxpassError("no RPC URL given", "pass --rpc-url URL (several nodes of one chain: URL1,URL2)")
    return urls


@dataclass
class NodeHead:
    """One node of a set as last asked: whether it answered, its chain and head, and how far it trails."""

    rpc_url: str
    reachable: bool
    chain_id: int | None
    block: int | None
    lag: int | None
    reason: str | None = None


class FailoverProvider(RetryingProvider):
    """Several nodes of one chain, asked one at a time: the first that answers and is not more than
    MAX_LAG blocks behind the best. A node that stays down (after its own retries) hands the request
    to the next, and later requests stay there. `on_switch(node)` runs when a request moves to
    another node, before the request itself: the connection hands that node the transactions the
    last one took but may never have passed on (the same signed bytes, so every node knows each by
    one hash and nonce, and the chain runs it at most once). A node that fails during the hand-over
    passes the request on like one that fails the request."""

    def __init__(self, rpc_urls: list[str], log: Callable[[str], None], attempts: int = RPC_ATTEMPTS):
        super().__init__(rpc_urls[0], log, attempts)
        self.nodes = [RetryingProvider(url, log, attempts) for url in rpc_urls]
        self.current = 0
        self.on_switch: Callable[[RetryingProvider], None] = lambda node: None

    @property
    def attempts(self) -> int:
        return self._attempts

    @attempts.setter
    def attempts(self, value: int) -> None:
        self._attempts = value
        for node in getattr(self, "nodes", []):
            node.attempts = value

    def heads(self) -> list[NodeHead]:
        """Ask every node for its chain id and head (one attempt each), and rank them: the first node
        that answers and is at most MAX_LAG blocks behind the best becomes the current one."""
        heads = []
        for node in self.nodes:
            try:
                chain_id = int(node.make_request("eth_chainId", [])["result"], 16)
                block = int(node.make_request("eth_blockNumber", [])["result"], 16)
                heads.append(NodeHead(node.endpoint_uri, True, chain_id, block, None))
            except (NodeUnavailable, requests.RequestException, KeyError, TypeError, ValueError) as exc:
                heads.append(NodeHead(node.endpoint_uri, False, None, None, None,
                                      getattr(exc, "reason", "no valid answer")))
        best = max((h.block for h in heads if h.reachable), default=None)
        for head in heads:
            head.lag = best - head.block if head.reachable else None
        usable = [i for i, h in enumerate(heads) if h.reachable and h.lag <= MAX_LAG]
        if usable and usable[0] != self.current:
            self._switch(usable[0], f"{heads[self.current].rpc_url} "
                         f"{'is down' if not heads[self.current].reachable else 'trails by %d blocks' % heads[self.current].lag}")
        return heads

    def _switch(self, index: int, why: str) -> None:
        self.log(f"node: {why}; using {self.nodes[index].endpoint_uri}")
        self.current = index
        self.endpoint_uri = self.nodes[index].endpoint_uri

    def make_request(self, method, params):
        for step in range(len(self.nodes)):
            index = (self.current + step) % len(self.nodes)
            try:
                if index != self.current:
                    self._switch(index, f"{self.nodes[self.current].endpoint_uri} failed {method}")
                    self.on_switch(self.nodes[index])
                return self.nodes[index].make_request(method, params)
            except NodeUnavailable as exc:
                if step == len(self.nodes) - 1:
                    raise NodeUnavailable(" and ".join(n.endpoint_uri for n in self.nodes), method,
                                          self.attempts, exc.reason) from None


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


def ask(rpc_url: str, method: str, params: list | dict | None = None, timeout: float = 2):
    """The `result` of one request to the node at `rpc_url`, without retries: for a node being
    started or looked at (`params` an object for APIs that take named ones, as avalanchego's). An
    error answer raises NodeRefused."""
    provider = HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None)
    reply = provider.make_request(method, params if params is not None else [])
    if reply.get("error") is not None:
        error = reply["error"] if isinstance(reply["error"], dict) else {"message": str(reply["error"])}
        raise NodeRefused(method, error.get("message"), "check the node")
    return reply["result"]


# How nodes and providers refuse an eth_getLogs range as too wide (Geth, Besu, Alchemy, Infura, QuickNode …).
LOG_RANGE_REFUSALS = ("range", "limit", "too many", "exceed", "results", "response size")


def get_logs(w3, query: dict, fix: str = "try again") -> list[dict]:
    """eth_getLogs over `query`'s block range; a range the node refuses as too wide is asked again in
    halves, down to one block."""
    try:
        return request(w3, "eth_getLogs", [query], "eth_getLogs", fix)
    except NodeRefused as exc:
        start, end = int(query["fromBlock"], 16), int(query["toBlock"], 16)
        if end <= start or not any(word in str(exc.message).lower() for word in LOG_RANGE_REFUSALS):
            raise
        middle = (start + end) // 2
        return get_logs(w3, {**query, "toBlock": hex(middle)}, fix) + get_logs(w3, {**query, "fromBlock": hex(middle + 1)}, fix)


def call(w3, to: str | None, data: bytes | str, block: int | str = "latest", gas: int | None = None,
         what: str | None = None, fix: str = "try again", sender: str | None = None) -> bytes:
    """A hand-encoded `eth_call` (from `sender`, where a chain's allow list refuses calls from no
    one): its return data, or its refusal decoded as `request` does."""
    tx = {"data": data if isinstance(data, str) else HexData("0x" + data.hex())}
    if sender is not None:
        tx["from"] = sender
    if to is not None:
        tx["to"] = to
    if gas is not None:
        tx["gas"] = hex(gas)
    result = request(w3, "eth_call", [tx, block if isinstance(block, str) else hex(block)], what, fix)
    return bytes.fromhex(result.removeprefix("0x"))
