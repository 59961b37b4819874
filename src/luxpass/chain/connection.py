"""A connection to one EVM JSON-RPC node and the account that signs on it."""
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Protocol

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware
from web3.exceptions import (
    ContractCustomError,
    ContractLogicError,
    ContractPanicError,
    TransactionNotFound,
    Web3RPCError,
)

from ..errors import LuxpassError
from . import artifacts, rpc
from .rpc import RPC_ATTEMPTS, FailoverProvider, NodeUnavailable, RetryingProvider, split_urls
from .accounts import require_signer

DEFAULT_RPC_URL = "http://127.0.0.1:8545"
DEV_CHAIN_IDS = {31337, 1337}
MAX_TX_GAS = 16_777_216  # EIP-7825: the per-transaction gas cap of public chains
NONCE_ATTEMPTS = 3
LOST_CHECK = 2.0  # seconds between looks whether the node still holds a transaction being waited for
# EVM targets oldest first, and the creation code that needs each: PUSH0 STOP; PUSH1 0 x3 MCOPY STOP.
EVM_TARGETS = ("london", "paris", "shanghai", "cancun")
EVM_PROBES = (("shanghai", "0x5f00"), ("cancun", "0x6000600060005e00"))
# Hardhat caps eth_call gas at 2**24; Geth, Besu and Anvil accept that much too.
CALL_GAS_CAP = 16_777_216
DEFAULT_TIP = 10**9  # wei: the priority fee offered when the node suggests none
ALREADY_KNOWN = ("already known", "already imported", "known transaction")
# Geth/Besu/Anvil/Hardhat say "nonce too low"; Ganache 7 "the tx doesn't have the correct nonce".
# The node cannot charge the account for gas: Geth/Besu/Anvil/Ganache "insufficient funds", Geth's
# estimate "gas required exceeds allowance", Hardhat "Sender doesn't have enough funds to send tx".
UNFUNDED = ("insufficient funds", "allowance", "doesn't have enough funds")
NONCE_TAKEN = ("nonce too low", "replacement transaction underpriced", "doesn't have the correct nonce")


@dataclass(frozen=True)
class Sent:
    """A transaction this connection signed and sent, kept until it has its confirmations."""

    raw: bytes
    nonce: int
    label: str


@dataclass(frozen=True)
class RawCall:
    """A call already encoded: for bulk jobs, where web3's argument encoding would be the bottleneck."""

    to: str
    data: bytes


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Dropped(LuxpassError):
    """A transaction that can never run: another transaction of the account took its nonce."""


class Journal(Protocol):
    """Where a job keeps what it signed, before it is sent, so that a later run can finish it."""

    def add(self, tx_hash: bytes, sent: Sent) -> None: ...

    def drop(self, tx_hash: bytes) -> None: ...


class NonceConflict(Exception):
    """The nonce of a signed transaction was taken by another one; it was never executed."""


class Chain:
    """The node at `rpc_url`, its chain id, and optionally the account that signs."""

    def __init__(
        self,
        rpc_url: str = DEFAULT_RPC_URL,
        account: LocalAccount | Callable[[int], LocalAccount] | None = None,
        confirmations: int | None = None,
        timeout: float = 120,
        log: Callable[[str], None] = _stderr,
    ):
        urls = split_urls(rpc_url)
        # no node at first contact: say so at once
        provider = RetryingProvider(urls[0], log, attempts=1) if len(urls) == 1 else FailoverProvider(urls, log, 1)
        self.w3 = Web3(provider)
        # Proof-of-authority chains (Clique, QBFT) carry the sealers' signatures in extraData.
        self.w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
        if len(urls) > 1:
            self._rank_nodes(provider)
            provider.on_switch = self._hand_over
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
        self.account = account(self.chain_id) if callable(account) else account
        self.confirmations = confirmations if confirmations is not None else (1 if self.dev else 3)
        self.timeout = timeout
        self.log = log
        self._next_nonce: int | None = None
        self._sent: dict[bytes, Sent] = {}  # by hash, until confirmed
        self._call_gas: int | None = None
        self._probed: set[str] = set()

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
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=artifacts.abi(name))

    def require_opcodes(self, target: str) -> None:
        """Refuse, before anything is sent, a node that lacks the opcodes of the build's EVM target:
        a creation-code eth_call of the newest opcode the target adds (PUSH0, MCOPY) then STOP."""
        probes = [(t, code) for t, code in EVM_PROBES if EVM_TARGETS.index(t) <= EVM_TARGETS.index(target)]
        for needed, code in probes:
            try:
                rpc.call(self.w3, None, code, gas=100_000)
            except LuxpassError as exc:  # the node's refusal, or a revert (a node that reads the opcode as one)
                runs = EVM_TARGETS[EVM_TARGETS.index(needed) - 1]
                raise LuxpassError(
                    f"the node at {self.rpc_url} does not run the {needed} opcodes this {target} build uses "
                    f"({getattr(exc, 'message', exc.problem)})",
                    f"build for the node's EVM: `make build LUXPASS_EVM={runs}`") from None

    def deploy(self, name: str, *args) -> tuple[str, dict]:
        art = artifacts.artifact(name)
        if name not in self._probed:
            self.require_opcodes(art["evm_version"])
            self._probed.add(name)
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        receipt = self.transact(factory.constructor(*args), label=f"deploy {name}")
        return receipt["contractAddress"], receipt

    def transact(self, call, label: str = "", gas: int | None = None) -> dict:
        """Send one transaction and wait for it; a refusal is raised decoded, before sending."""
        return self.wait(self.send(call, label, gas))

    def send(self, call, label: str = "", gas: int | None = None, journal: Journal | None = None) -> bytes:
        """Sign and send without waiting; the gas estimate decodes a refusal before sending.
        When another sender took the nonce, the action is estimated, signed and sent again with
        a fresh one, unless this very transaction landed: an action is never sent twice. Each
        signed transaction goes into `journal` before it is sent (and out of it if the node
        refuses its nonce), so that a later run can finish it (`resume`)."""
        for attempt in range(1, NONCE_ATTEMPTS + 1):
            signed = self._signed(call, label, gas)
            sent = Sent(bytes(signed.raw_transaction), self._next_nonce, label)
            if journal is not None:
                journal.add(bytes(signed.hash), sent)
            try:
                tx_hash = self._send_raw(signed)
                self._sent[bytes(tx_hash)] = sent
                break
            except NonceConflict as exc:
                if journal is not None:
                    journal.drop(bytes(signed.hash))
                self._next_nonce = None
                if attempt == NONCE_ATTEMPTS:
                    raise LuxpassError(f"the account's nonce was taken {attempt} times in a row ({exc})",
                                       "is another program sending with the same key? let it finish, then run "
                                       "the same command again") from None
                self.log(f"{label or 'transaction'}: nonce taken ({exc}); signing again with a fresh nonce")
        self._next_nonce += 1
        self.log(f"{label or 'transaction'}: 0x{bytes(tx_hash).hex()}")
        return tx_hash

    def _signed(self, call, label: str, gas: int | None):
        signer = require_signer(self.account)
        tx = {"from": signer.address, "chainId": self.chain_id, **self._fees()}
        with decoded_reverts():
            if gas is None:
                unsigned = ({**tx, "to": call.to, "data": call.data} if isinstance(call, RawCall) else
                            {k: v for k, v in call.build_transaction({**tx, "gas": 1}).items() if k != "gas"})
                estimate = self._estimate(unsigned, label)
                if estimate >= MAX_TX_GAS:
                    raise LuxpassError(
                        f"{label or 'the transaction'} needs {estimate} gas, above the per-transaction cap of public "
                        f"chains ({MAX_TX_GAS}, EIP-7825)", "send less in one transaction (e.g. a smaller --batch-size)")
                gas = min(int(estimate * 1.2) + 10_000, MAX_TX_GAS - 1)
            built = ({**tx, "to": call.to, "data": call.data, "gas": gas, "nonce": self._nonce()}
                     if isinstance(call, RawCall) else call.build_transaction({**tx, "gas": gas, "nonce": self._nonce()}))
        return signer.sign_transaction(built)

    def _send_raw(self, signed) -> bytes:
        try:
            return self.w3.eth.send_raw_transaction(signed.raw_transaction)
        except Web3RPCError as exc:
            message = str(exc).lower()
            if any(word in message for word in UNFUNDED):  # estimated, so the contract accepts it: only ETH is missing
                raise self._unfunded(self.account.address, "the transaction") from None
            if any(known in message for known in ALREADY_KNOWN):
                return signed.hash  # the node has this very transaction: an earlier answer was lost
            if not any(taken in message for taken in NONCE_TAKEN):
                raise
            try:
                self.w3.eth.get_transaction(signed.hash)
                return signed.hash  # it landed (or waits in the pool): an earlier answer was lost
            except TransactionNotFound:
                raise NonceConflict(message.strip("{}")) from None

    def wait(self, tx_hash: bytes, light: bool = False) -> dict:
        """The receipt once mined (and confirmed). `light` skips web3's formatting of the logs
        and returns only status, gasUsed, blockNumber and transactionHash."""
        found = self._mined(tx_hash)
        if light and int(found["status"], 16) == 1:
            receipt = {"status": 1, "gasUsed": int(found["gasUsed"], 16),
                       "blockNumber": int(found["blockNumber"], 16), "transactionHash": bytes(tx_hash)}
        else:
            receipt = self.w3.eth.get_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            self._next_nonce = None
            self._sent.pop(bytes(tx_hash), None)
            raise self._replay_failure(tx_hash, receipt)
        confirmed = self.await_confirmations(receipt)
        self._sent.pop(bytes(tx_hash), None)
        return confirmed

    def _mined(self, tx_hash: bytes) -> dict:
        """The node's raw receipt, waited for at most `timeout` seconds. Every few seconds, a
        transaction of ours that the node holds neither mined nor pending gets its same signed bytes
        again, or is reported dropped if its nonce went to another transaction (`_lost`)."""
        hex_hash = "0x" + bytes(tx_hash).hex()
        deadline = time.monotonic() + self.timeout
        next_check = time.monotonic() + LOST_CHECK
        while True:
            found = rpc.request(self.w3, "eth_getTransactionReceipt", [hex_hash])
            if found:
                return found
            if bytes(tx_hash) in self._sent and time.monotonic() > next_check:
                next_check = time.monotonic() + LOST_CHECK
                if rpc.request(self.w3, "eth_getTransactionByHash", [hex_hash]) is None:
                    found = self._lost(bytes(tx_hash))
                    if found:
                        return found
            if time.monotonic() > deadline:
                raise LuxpassError(f"transaction {hex_hash} was not mined within {self.timeout:.0f} s",
                                   "check the node; running the same command again is safe")
            time.sleep(0.02 if self.dev else 1.0)

    def resume(self, tx_hash: bytes, sent: Sent) -> dict | None:
        """Finish a transaction an earlier run signed (and may have sent, to a node since gone): the
        node gets the same bytes if it holds it neither mined nor pending and its nonce is free, and
        the wait is the usual one. Returns the light receipt once confirmed, or None when it was
        dropped: another transaction took its nonce, so it never ran and never will, or the chain
        lost the account's transactions before it (a node restored from an older state), so it
        cannot run until this run's own next transactions take its nonce."""
        self._sent[tx_hash] = sent
        try:
            if rpc.request(self.w3, "eth_getTransactionByHash", ["0x" + tx_hash.hex()]) is None:
                self._check_no_gap(tx_hash, sent)
                self._lost(tx_hash)
            return self.wait(tx_hash, light=True)
        except Dropped as exc:
            self.log(f"{exc.problem}; what it would have done is left to this run")
            return None

    def _check_no_gap(self, tx_hash: bytes, sent: Sent) -> None:
        """Raise Dropped if the node holds fewer of the account's transactions, mined or pending,
        than this one's nonce: the ones before it are not on the chain, so its bytes would wait in
        the pool for good (and its rows are not done). An earlier run's entries are finished in
        nonce order, so none of them can still fill the gap."""
        held = self.w3.eth.get_transaction_count(self.address, "pending")
        if held >= sent.nonce:
            return
        self._sent.pop(tx_hash)
        self._next_nonce = None
        raise Dropped(f"{sent.label or 'transaction'} 0x{tx_hash.hex()} cannot run: the node holds {held} "
                      f"transactions of {self.address}, not the {sent.nonce} before it (did it restart from an "
                      "older state?)", "run the same command again")

    def _hand_over(self, node: RetryingProvider) -> None:
        """`node`, failed over to, gets every transaction sent and not yet confirmed that it does not
        know, lowest nonce first, as the same signed bytes: the node left may have taken one and died
        before passing it on (or sealed it in a block no other node got)."""
        for tx_hash, sent in sorted(self._sent.items(), key=lambda item: item[1].nonce):
            hex_hash = "0x" + tx_hash.hex()
            if node.make_request("eth_getTransactionByHash", [hex_hash]).get("result") is not None:
                continue
            self.log(f"{sent.label or 'transaction'} {hex_hash}: unknown to {node.endpoint_uri}; "
                     "sending it the same signed bytes")
            error = node.make_request("eth_sendRawTransaction", ["0x" + sent.raw.hex()]).get("error")
            if error and not any(word in str(error).lower() for word in ALREADY_KNOWN + NONCE_TAKEN):
                self.log(f"{sent.label or 'transaction'} {hex_hash}: {node.endpoint_uri} refused it "
                         f"({error.get('message') if isinstance(error, dict) else error})")

    def _lost(self, tx_hash: bytes) -> dict | None:
        """A transaction this connection sent that the node holds neither mined nor pending (a node
        failed over to that never got it, a reorganisation, a pool that forgot it). While its nonce is
        free, the same signed bytes go to the node again: they run at most once, so this is safe. Once
        a confirmed block holds the account's nonce past it without it, another transaction took the
        nonce and it can never run: reported as dropped, never as done. Returns the receipt if it
        turns out mined after all."""
        hex_hash, sent = "0x" + tx_hash.hex(), self._sent[tx_hash]
        label = sent.label or "transaction"
        confirmed = max(self.w3.eth.block_number - self.confirmations + 1, 0)
        if self.w3.eth.get_transaction_count(self.address, confirmed) > sent.nonce:
            found = rpc.request(self.w3, "eth_getTransactionReceipt", [hex_hash])
            if found:
                return found
            self._sent.pop(tx_hash)
            self._next_nonce = None
            raise Dropped(
                f"{label} {hex_hash} was dropped: the account's nonce {sent.nonce} went to another transaction "
                "in a confirmed block, so it never ran", "run the same command again: it skips what is done and "
                "sends the rest")
        self.log(f"{label} {hex_hash}: the node at {self.rpc_url} does not hold it; sending it the same signed bytes")
        try:
            self.w3.eth.send_raw_transaction(sent.raw)
        except Web3RPCError as exc:  # known by now, or its nonce used meanwhile: the next look tells which
            if not any(word in str(exc).lower() for word in ALREADY_KNOWN + NONCE_TAKEN):
                raise LuxpassError(f"{label} {hex_hash}: the node at {self.rpc_url} refused its same signed bytes "
                                   f"({getattr(exc, 'message', None) or exc})",
                                   "check the node, then run the same command again") from None
        return None

    def await_confirmations(self, receipt: dict, confirmations: int | None = None,
                            resume: str = "running the same command again is safe") -> dict:
        """Wait, at most `timeout` seconds, until the transaction's block has `confirmations` blocks
        (its own included) and is still the chain's; returns the receipt as confirmed. A
        reorganisation that drops the block sends the wait back to the transaction: mined again in
        another block, it counts from there; gone from the node, a transaction this connection sent
        gets its same signed bytes again (`_lost`), any other is reported, never taken as done.
        A chain that makes blocks only for transactions may never get there."""
        wanted = self.confirmations if confirmations is None else confirmations
        tx = "0x" + bytes(receipt["transactionHash"]).hex()
        deadline = time.monotonic() + self.timeout
        mined_in: int | None = receipt["blockNumber"]
        while True:
            have = self.w3.eth.block_number - mined_in + 1 if mined_in is not None else 0
            if have >= wanted:
                if wanted <= 1:
                    return receipt  # the receipt just read is the one confirmation
                found = rpc.request(self.w3, "eth_getTransactionReceipt", [tx])
                if found and int(found["blockNumber"], 16) == mined_in:
                    return receipt
                if found:  # mined again in another block after a reorganisation
                    mined_in = int(found["blockNumber"], 16)
                    receipt = {**receipt, "blockNumber": mined_in, "blockHash": found["blockHash"]}
                    continue
                if rpc.request(self.w3, "eth_getTransactionByHash", [tx]) is None:
                    if bytes(receipt["transactionHash"]) not in self._sent:
                        raise LuxpassError(
                            f"transaction {tx} was mined in block {mined_in}, which a reorganisation of the chain "
                            "dropped, and the node no longer holds it: it is not done",
                            "run the same command again: it skips what is done and sends the rest")
                    if self._lost(bytes(receipt["transactionHash"])):  # sent again, unless dropped
                        continue
                mined_in = None  # back in the pool: wait for its new block
            elif mined_in is None:
                found = rpc.request(self.w3, "eth_getTransactionReceipt", [tx])
                if found:
                    mined_in = int(found["blockNumber"], 16)
                    receipt = {**receipt, "blockNumber": mined_in, "blockHash": found["blockHash"]}
                    continue
            if time.monotonic() > deadline:
                where = "" if mined_in is not None else ", which a reorganisation dropped (it waits to be mined again),"
                raise LuxpassError(
                    f"transaction {tx} was mined in block {receipt['blockNumber']}{where} but had not {wanted} "
                    f"confirmations within {self.timeout:.0f} s ({have} so far)",
                    "the chain has stopped growing or makes blocks only for transactions: check that a majority "
                    f"of the sealers run, or pass --confirmations 1; {resume}")
            time.sleep(0.05 if self.dev else 0.5)

    def call(self, fn, block="latest"):
        with decoded_reverts():
            return fn.call(block_identifier=block)

    def _nonce(self) -> int:
        if self._next_nonce is None:
            self._next_nonce = self.transaction_counts(require_signer(self.account).address)[1]
        return self._next_nonce

    def transaction_counts(self, address: str) -> tuple[int, int]:
        """The account's transactions mined, and mined or waiting in the node's pool ("pending"); a
        node that refuses the "pending" tag (it keeps no pool of its own) gives the mined count twice."""
        latest = self.w3.eth.get_transaction_count(address, "latest")
        try:
            return latest, self.w3.eth.get_transaction_count(address, "pending")
        except Web3RPCError:
            return latest, latest

    def _estimate(self, unsigned: dict, label: str) -> int:
        """The gas estimate; any other refusal than a contract's revert is one line. The node cannot
        estimate for an account without enough ETH: then a plain call decodes the contract's refusal
        if it would refuse, and else the missing funds are named."""
        try:
            return self.w3.eth.estimate_gas(unsigned)
        except Web3RPCError as exc:
            message = str(getattr(exc, "message", None) or exc)
            if any(word in message.lower() for word in UNFUNDED):
                self.w3.eth.call({k: v for k, v in unsigned.items()
                                  if k not in ("maxFeePerGas", "maxPriorityFeePerGas", "gasPrice")})
                raise self._unfunded(unsigned["from"], label) from None
            hint = ("the contracts are built for a newer EVM than this chain runs: build them for its EVM "
                    "(Clique runs London/paris rules)" if "invalid opcode" in message else
                    "check the node's log; nothing was sent")
            raise LuxpassError(f"the node at {self.rpc_url} refused {label or 'the transaction'}: {message}",
                               hint) from None

    def _unfunded(self, address: str, label: str) -> LuxpassError:
        """The node says the account cannot pay for gas: how much it has and how to fund it."""
        balance = self.w3.eth.get_balance(address)
        return LuxpassError(
            f"account {address} has {balance / 1e18:.6f} ETH, not enough to pay the gas of {label or 'the transaction'}",
            "fund the account first: send it ETH from a funded account (e.g. `cast send ADDRESS --value 0.1ether`) "
            "or ask the chain's operator")

    def _fees(self) -> dict:
        base = self.w3.eth.get_block("latest").get("baseFeePerGas")
        if base is None:
            return {"gasPrice": self.w3.eth.gas_price}
        tip = self._tip(base)
        return {"maxFeePerGas": 2 * base + tip, "maxPriorityFeePerGas": tip}

    def _tip(self, base: int) -> int:
        """The priority fee the node suggests by eth_maxPriorityFeePerGas (Geth, Besu, Anvil, Hardhat,
        Ganache); a node without that method: what its standard eth_gasPrice asks above the base fee,
        or DEFAULT_TIP when that is nothing."""
        try:
            return int(rpc.request(self.w3, "eth_maxPriorityFeePerGas", []), 16)
        except rpc.NodeRefused:
            return max(self.w3.eth.gas_price - base, 0) or DEFAULT_TIP

    def _replay_failure(self, tx_hash: bytes, receipt: dict) -> LuxpassError:
        tx = self.w3.eth.get_transaction(tx_hash)
        try:
            self.w3.eth.call(
                {"from": tx["from"], "to": tx["to"], "data": tx["input"], "gas": tx["gas"]},
                receipt["blockNumber"] - 1,
            )
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            return artifacts.decode_revert(getattr(exc, "data", None))
        return LuxpassError(f"transaction 0x{bytes(tx_hash).hex()} failed on chain", "inspect it with the node's tracer")


@contextmanager
def decoded_reverts():
    """Re-raise web3's revert exceptions as ContractRevert with the custom error decoded."""
    try:
        yield
    except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
        raise artifacts.decode_revert(getattr(exc, "data", None)) from None
