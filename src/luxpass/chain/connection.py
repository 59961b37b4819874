"""A connection to one EVM JSON-RPC node, the read side: its chain id, calls and counts, and the
account that signs on it, whose transactions its `sender` (a KeySender) sends."""
import re
import sys
import time
from typing import Callable

import requests
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_utils import event_abi_to_log_topic
from hexbytes import HexBytes
from web3 import Web3
from web3.datastructures import AttributeDict
from web3.middleware import ExtraDataToPOAMiddleware
from web3.exceptions import Web3RPCError

from ..errors import LuxpassError
from . import artifacts, rpc
from .accounts import require_signer
from .artifacts import decoded_reverts
from .journal import JournalFolder
from .rpc import RPC_ATTEMPTS, FailoverProvider, NodeUnavailable, RetryingProvider, split_urls
from .sender import KeySender

DEFAULT_RPC_URL = "http://127.0.0.1:8545"
DEV_CHAIN_IDS = {31337, 1337}
# An Avalanche chain's RPC (an L1's subnet-evm or the C-chain): Snowman's accepted blocks are final.
FINAL_BLOCKS_RPC = re.compile(r"/ext/bc/[^/]+/rpc/?$")
# EVM targets oldest first, and the creation code that needs each: PUSH0 STOP; PUSH1 0 x3 MCOPY STOP.
EVM_TARGETS = ("london", "paris", "shanghai", "cancun")
EVM_PROBES = (("shanghai", "0x5f00"), ("cancun", "0x6000600060005e00"))
# Hardhat caps eth_call gas at 2**24; Geth, Besu and Anvil accept that much too.
CALL_GAS_CAP = 16_777_216


def clique_majority(sealers: int) -> int:
    """Sealers that must be up for Clique to seal (a signer seals at most one of any floor(N/2)+1
    consecutive blocks), and blocks after which a Clique block is final against a minority."""
    return sealers // 2 + 1


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _formatted(log: dict) -> AttributeDict:
    """A raw eth_getLogs entry (hex strings) in the shape web3's event decoding reads."""
    return AttributeDict({
        **log, "address": Web3.to_checksum_address(log["address"]), "data": HexBytes(log["data"]),
        "topics": [HexBytes(t) for t in log["topics"]], "blockHash": HexBytes(log["blockHash"]),
        "transactionHash": HexBytes(log["transactionHash"]), "blockNumber": int(log["blockNumber"], 16),
        "logIndex": int(log["logIndex"], 16), "transactionIndex": int(log["transactionIndex"], 16)})


class Chain:
    """The node at `rpc_url`, its chain id, and optionally the account that signs."""

    def __init__(
        self,
        rpc_url: str = DEFAULT_RPC_URL,
        account: LocalAccount | Callable[[int], LocalAccount] | None = None,
        confirmations: int | None = None,
        timeout: float = 120,
        log: Callable[[str], None] = _stderr,
        journals: JournalFolder | None = None,
    ):
        """`confirmations`, `timeout` and `journals` are those of the account's KeySender, `sender`."""
        urls = split_urls(rpc_url)
        # no node at first contact: say so at once
        provider = RetryingProvider(urls[0], log, attempts=1) if len(urls) == 1 else FailoverProvider(urls, log, 1)
        # web3's validation asks the chain id before and after every eth_call and gas estimate: twice
        # the round trips a read needs. A Chain's node keeps its chain, so its id is asked once (and
        # with no block-age threshold, which web3 would learn by asking the chain id again).
        for node in getattr(provider, "nodes", [provider]):
            node.cacheable_requests, node.cache_allowed_requests = {"eth_chainId"}, True
            node.request_cache_validation_threshold = None
        self.w3 = Web3(provider)
        # Proof-of-authority chains (Clique, QBFT) carry the sealers' signatures in extraData.
        self.w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
        if len(urls) > 1:
            self._rank_nodes(provider)
        try:
            self.chain_id = self.w3.eth.chain_id
        except (requests.exceptions.RequestException, OSError, ValueError, NodeUnavailable) as exc:
            raise LuxpassError(
                f"cannot reach a node at {' or '.join(urls)} ({getattr(exc, 'reason', type(exc).__name__)})",
                "start one with `luxpass node start` or pass --rpc-url" if urls == [DEFAULT_RPC_URL] else
                "start that node, or pass another node of its chain too (--rpc-url URL1,URL2); a consortium house's "
                "node: `luxpass consortium-net up`, or `luxpass consortium-net run --house-dir DIR` on its machine",
            ) from None
        provider.attempts = RPC_ATTEMPTS
        self.dev = self.chain_id in DEV_CHAIN_IDS
        self.final_blocks = all(FINAL_BLOCKS_RPC.search(url) for url in urls)
        self.account = account(self.chain_id) if callable(account) else account
        self.log = log
        self._call_gas: int | None = None
        self._contracts: dict[tuple[str, str], object] = {}
        self.sender = KeySender(self, confirmations, timeout, journals)

    @property
    def rpc_url(self) -> str:
        """The node now asked (of several, the one failed over to)."""
        return self.w3.provider.endpoint_uri

    @staticmethod
    def _rank_nodes(provider: FailoverProvider) -> None:
        """Several nodes must be of one chain; the first near the best head is asked first."""
        heads = provider.heads()
        chains = {h.chain_id for h in heads if h.reachable}
        if len(chains) > 1:
            raise LuxpassError(
                "the RPC URLs name nodes of different chains (" + ", ".join(
                    f"{h.rpc_url}: chain id {h.chain_id}" for h in heads if h.reachable) + ")",
                "pass only nodes of one chain to --rpc-url")

    @property
    def call_gas(self) -> int:
        """Gas for an eth_call: the node's block gas limit, never above CALL_GAS_CAP."""
        if self._call_gas is None:
            self._call_gas = min(int(self.w3.eth.get_block("latest")["gasLimit"]), CALL_GAS_CAP)
        return self._call_gas

    @property
    def address(self) -> str:
        return require_signer(self.account).address

    def contract(self, name: str, address: str):
        """The web3 contract `name` at `address`, built once a Chain: web3 makes an object of each
        function and event of the ABI (about 10 ms for BrandPassport), and a page or a library
        user verifies many passports of one collection."""
        key = (name, Web3.to_checksum_address(address))
        if key not in self._contracts:
            self._contracts[key] = self.w3.eth.contract(address=key[1], abi=artifacts.abi(name))
        return self._contracts[key]

    def require_opcodes(self, target: str) -> None:
        """Refuse, before anything is sent, a node that lacks the opcodes of the build's EVM target:
        a creation-code eth_call of the newest opcode the target adds (PUSH0, MCOPY) then STOP."""
        probes = [(t, code) for t, code in EVM_PROBES if EVM_TARGETS.index(t) <= EVM_TARGETS.index(target)]
        for needed, code in probes:
            try:
                rpc.call(self.w3, None, code, gas=100_000, sender=self.account.address if self.account else None)
            except LuxpassError as exc:  # the node's refusal, or a revert (a node that reads the opcode as one)
                runs = EVM_TARGETS[EVM_TARGETS.index(needed) - 1]
                raise LuxpassError(
                    f"the node at {self.rpc_url} does not run the {needed} opcodes this {target} build uses "
                    f"({getattr(exc, 'message', exc.problem)})",
                    f"build for the node's EVM: `make build LUXPASS_EVM={runs}`") from None

    def call(self, fn, block="latest"):
        with decoded_reverts():
            return fn.call(block_identifier=block)

    def call_struct(self, fn, block="latest") -> dict:
        """A call that returns one struct, as a dict by the struct's field names in the ABI (never
        by position: a field added or reordered in the contract cannot shift what is read)."""
        (output,) = fn.abi["outputs"]
        return dict(zip((field["name"] for field in output["components"]), self.call(fn, block)))

    def events(self, event, from_block: int, to_block: int | str = "latest", **indexed) -> list:
        """The logs of `event` (a web3 contract event, e.g. `registry.events.VoteCast`) from
        `from_block`, decoded, whose indexed arguments equal `indexed`; read through `rpc.get_logs`,
        which asks again in halves when the node refuses the range as too wide."""
        abi = event.abi
        topics = ["0x" + event_abi_to_log_topic(abi).hex()]
        for argument in (a for a in abi["inputs"] if a["indexed"]):
            value = indexed.pop(argument["name"], None)
            topics.append(None if value is None else "0x" + encode([argument["type"]], [value]).hex())
        if indexed:
            raise TypeError(f"{abi['name']} has no indexed argument {', '.join(indexed)}")
        while topics[-1] is None:
            topics.pop()
        last = self.w3.eth.block_number if to_block == "latest" else to_block
        logs = rpc.get_logs(self.w3, {"address": event.address, "fromBlock": hex(from_block), "toBlock": hex(last),
                                      "topics": topics}, fix="try again, or point --rpc-url at a node that serves logs")
        return [event().process_log(_formatted(log)) for log in logs]

    def sealing_shortfall(self) -> str:
        """On a Clique chain whose node is linked to fewer nodes than a block needs sealers, what
        it sees ("; this node is linked to 1 other node: Clique's 4 sealers need 3 up to seal a
        block"); otherwise "". Asked when the chain has stopped, so a node without the clique API
        costs one refused request."""
        try:
            sealers = len(rpc.request(self.w3, "clique_getSigners", []))
            linked = 1 + int(rpc.request(self.w3, "net_peerCount", []), 16)
        except (LuxpassError, requests.RequestException, TypeError, ValueError):
            return ""
        needed = clique_majority(sealers)
        if not sealers or linked >= needed:
            return ""
        others = linked - 1
        return (f"; this node is linked to {others} other node{'' if others == 1 else 's'}: Clique's {sealers} "
                f"sealers need {needed} up to seal a block (see `luxpass consortium-net status`)")

    def next_block_time(self) -> int:
        """The time the next block will carry, the clock the contracts check a deadline against:
        the node's pending block where it builds one (Anvil, geth, Hardhat and Ganache do, on their
        own clock, which a development node may hold behind this machine's); otherwise one second
        after the latest block, or this machine's clock when that is later (subnet-evm answers
        "pending" with its latest block, and makes blocks only for transactions: the latest may be
        hours old)."""
        latest = self.w3.eth.get_block("latest")
        try:
            pending = self.w3.eth.get_block("pending")
        except (Web3RPCError, ValueError):
            pending = None
        if pending is not None and pending["number"] == latest["number"] + 1:
            return int(pending["timestamp"])
        return max(latest["timestamp"] + 1, int(time.time()))

    def transaction_counts(self, address: str) -> tuple[int, int]:
        """The account's transactions mined, and mined or waiting in the node's pool ("pending"); a
        node that refuses the "pending" tag (it keeps no pool of its own) gives the mined count twice."""
        latest = self.w3.eth.get_transaction_count(address, "latest")
        try:
            return latest, self.w3.eth.get_transaction_count(address, "pending")
        except Web3RPCError:
            return latest, latest
