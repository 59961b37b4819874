"""Who sends is a value: a transaction is an `Action`, and a sender takes it and answers with an
outcome. The commands never learn which sender they were given; `cli/base.py` chooses one, once,
from the options.

An `Action` is what a command wants done on chain: a `label`; `prepare()`, which runs the checks
that read the chain and returns the contract call to make (or `AlreadyDone` when the chain already
holds what the action would do); `read(receipt)`, which turns the receipt into the command's
result; and its `purpose`, the key of its journal, which the rerun of the same command computes
again (e.g. "mint COLLECTION serial HASH"), with the `payload` a rerun needs to finish it.

The Sender protocol, which every sender follows:

    class Sender(Protocol):
        address: str                                 # who acts: the key, the Safe, the owner relayed for
        def journalled(self, purpose: str) -> dict | None: ...
            # the payload an earlier, unfinished run of `purpose` kept (a mint's salt), or None
        def submit(self, action: Action[T]) -> T | AlreadyDone | Drafted | Relayed: ...

- `KeySender` (here) signs with an account's key and owns the whole life of a transaction: the
  nonce, fees, the resend of the same bytes, the hand-over to another node, the journal (written
  before sending), the in-flight window of bulk jobs and the confirmations. It answers with the
  action's result.
- `SafeSender` (`local/safe_jobs.py`) drafts the Safe transaction into a job file for the Safe's
  owners to sign and answers `Drafted`: an ordinary outcome, which the command prints like any other.
- `RelaySender` (here) is the relayer's: `address` is the account it acts for (an owner whose
  signed request the call carries to the forwarder, a Safe whose owners signed), and the relayer's
  own `KeySender` signs, journals, sends and confirms the call like any other transaction, each one
  counted against the relayer's `Budget` before it is sent. It answers `Relayed`.
"""
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Iterator, Protocol, TypeVar

from web3.exceptions import (
    ContractCustomError,
    ContractLogicError,
    ContractPanicError,
    TransactionNotFound,
    Web3RPCError,
)

from ..errors import LuxpassError, Unfunded
from . import artifacts, rpc
from .accounts import require_signer
from .artifacts import decoded_reverts
from .journal import JournalFolder, SentJournal, SignedTx
from .rpc import FailoverProvider, NodeUnavailable, RetryingProvider

if TYPE_CHECKING:
    from .connection import Chain

MAX_TX_GAS = 16_777_216  # EIP-7825: the per-transaction gas cap of public chains
NONCE_ATTEMPTS = 3
LOST_CHECK = 2.0  # seconds between looks whether the node still holds a transaction being waited for
DEFAULT_TIP = 10**9  # wei: the priority fee offered when the node suggests none
IN_FLIGHT = 4  # transactions of a bulk job sent and not yet confirmed
ALREADY_KNOWN = ("already known", "already imported", "known transaction")
# Geth/Besu/Anvil/Hardhat say "nonce too low"; Ganache 7 "the tx doesn't have the correct nonce".
# The node cannot charge the account for gas: Geth/Besu/Anvil/Ganache "insufficient funds", Geth's
# estimate "gas required exceeds allowance", Hardhat "Sender doesn't have enough funds to send tx".
UNFUNDED = ("insufficient funds", "allowance", "doesn't have enough funds")
FEE_FIELDS = ("maxFeePerGas", "maxPriorityFeePerGas", "gasPrice")
NONCE_TAKEN = ("nonce too low", "replacement transaction underpriced", "doesn't have the correct nonce")
RERUN_FINISHES = "run the same command again once the chain moves: it finishes this same transaction and signs nothing new"
RERUN_UNKNOWN = "it may still be mined: look it up by its hash before sending anything for the same purpose"

T = TypeVar("T")


@dataclass(frozen=True)
class RawCall:
    """A call already encoded: for bulk jobs, where web3's argument encoding would be the bottleneck,
    for precompiles that have no artifact, and (with `value`, in wei) for plain payments."""

    to: str
    data: bytes
    value: int = 0


Call = Any  # a web3 contract function or constructor, or a RawCall


@dataclass(frozen=True)
class AlreadyDone:
    """The chain already holds what an action would do: the rerun of a completed act, which is
    reported as done (exit 0), never sent again and never a failure."""

    done: str  # what was done, as the action's label says it
    tx: str | None = None  # the transaction that did it, when known
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"status": "already-done", "done": self.done, "tx": self.tx, **self.details}


def _receipt(receipt: dict) -> dict:
    return receipt


@dataclass(frozen=True)
class Action(Generic[T]):
    """One transaction a command wants, as a value (see the module's docstring)."""

    label: str
    prepare: Callable[[], Call | AlreadyDone]
    read: Callable[[dict], T] = _receipt
    purpose: str | None = None
    payload: dict | None = None
    gas: int | None = None
    confirmations: int | None = None

    @classmethod
    def of(cls, call: Call, label: str, read: Callable[[dict], T] = _receipt, purpose: str | None = None,
           **kwargs) -> "Action[T]":
        """An action whose call needs no check of the chain's state first."""
        return cls(label, lambda: call, read, purpose, **kwargs)


class Sender(Protocol):
    address: str

    def journalled(self, purpose: str) -> dict | None: ...

    def submit(self, action: Action[T]) -> Any: ...


class Budget(Protocol):
    """What a relayer may pay: `reserve` counts an action about to be sent (raising when a cap is
    reached) and returns its ticket, a JSON value; `settle` records it as mined (with its receipt)
    or as never sent (None)."""

    def reserve(self, action: Action) -> Any: ...

    def settle(self, ticket: Any, receipt: dict | None) -> None: ...


@dataclass(frozen=True)
class Relayed(Generic[T]):
    """A relayer's outcome: the action's result, the transaction it paid for and what it cost."""

    result: T
    receipt: dict
    paid_wei: int


class RelaySender:
    """Acts for `address` through calls that carry its authorisation (its request signed for the
    forwarder, its Safe owners' signatures), sent and paid by `payer`, the relayer's KeySender: the
    journal, the resends and the confirmations are the payer's. Each action is reserved in `budget`
    once prepared, before it is signed; its ticket is kept in the journal with the transaction, so
    that a relayer stopped before the confirmation (a time-out, a crash) and given the same purpose
    again finishes that same transaction and settles that same ticket. A ticket is settled as never
    sent only when nothing of it is left in the journal."""

    def __init__(self, payer: "KeySender", address: str, budget: Budget):
        self.payer, self.address, self.budget = payer, address, budget

    def journalled(self, purpose: str) -> dict | None:
        return self.payer.journalled(purpose)

    def submit(self, action: Action[T]) -> "Relayed[T] | AlreadyDone":
        earlier = self.payer.journalled(action.purpose) if action.purpose else None
        payload = {**(action.payload or {}), "ticket": None}

        def prepare():
            prepared = action.prepare()
            if not isinstance(prepared, AlreadyDone):
                payload["ticket"] = self.budget.reserve(action)
            return prepared

        try:
            receipt = self.payer.submit(Action(action.label, prepare, _receipt, action.purpose, payload,
                                               action.gas, action.confirmations))
        except BaseException:
            if payload["ticket"] is not None and not (action.purpose and self.payer.journalled(action.purpose)):
                self.budget.settle(payload["ticket"], None)
            raise
        if isinstance(receipt, AlreadyDone):
            return receipt
        ticket = payload["ticket"] if payload["ticket"] is not None else (earlier or {}).get("ticket")
        if ticket is not None:
            self.budget.settle(ticket, receipt)
        return Relayed(action.read(receipt), receipt, receipt["gasUsed"] * receipt.get("effectiveGasPrice", 0))


class Dropped(LuxpassError):
    """A transaction that can never run: another transaction of the account took its nonce."""


class Failed(Exception):
    """A transaction that ran and failed on chain; `error` says why."""

    def __init__(self, error: LuxpassError):
        super().__init__(str(error))
        self.error = error


class NonceConflict(Exception):
    """The nonce of a signed transaction was taken by another one; it was never executed."""


class KeySender:
    """Sends with the account of `chain`: nonce, fees, resends of the same bytes, failover, the
    journal, the in-flight window and the confirmations of each transaction."""

    def __init__(self, chain: "Chain", confirmations: int | None = None, timeout: float = 120,
                 journals: JournalFolder | None = None):
        self.chain, self.w3, self.log = chain, chain.w3, chain.log
        self.confirmations = confirmations if confirmations is not None else (
            1 if chain.dev or chain.final_blocks else 3)
        if chain.final_blocks and confirmations is None and chain.account is not None:
            self.log("blocks of this Avalanche chain are final once accepted: waiting for 1 confirmation")
        self.timeout = timeout
        self.journals = journals
        self._next_nonce: int | None = None
        self._sent: dict[bytes, SignedTx] = {}  # by hash, until confirmed
        self._probed: set[str] = set()
        if isinstance(self.w3.provider, FailoverProvider):
            self.w3.provider.on_switch = self._hand_over

    @property
    def address(self) -> str:
        return require_signer(self.chain.account).address

    # --- actions -------------------------------------------------------------------------------

    def journalled(self, purpose: str) -> dict | None:
        journal = self._journal(purpose)
        return journal.payload if journal is not None and journal.entries() else None

    def submit(self, action: Action[T]) -> T | AlreadyDone:
        """Do the action once: an earlier run's transaction of the same purpose is finished as its
        same bytes; else the action is prepared, journalled, signed, sent and confirmed."""
        journal = self._journal(action.purpose)
        self._close_finished(journal)
        if journal is not None and journal.entries():
            ran = self.finish(journal)
            if ran:
                return self._done(action, ran[-1], journal)
        prepared = action.prepare()
        if isinstance(prepared, AlreadyDone):
            return prepared
        if journal is not None:
            journal.payload = action.payload
        tx_hash = self.send(prepared, action.label, action.gas, journal)
        receipt = self.wait(tx_hash, confirmations=action.confirmations, journal=journal)
        return self._done(action, receipt, journal)

    def _done(self, action: Action[T], receipt: dict, journal: SentJournal | None) -> T:
        if "logs" not in receipt:  # a light receipt, from finishing an earlier run's transaction
            receipt = self.w3.eth.get_transaction_receipt(receipt["transactionHash"])
        result = action.read(receipt)
        if journal is not None:
            journal.close()
        return result

    def _close_finished(self, current: SentJournal | None) -> None:
        """Close the journals of earlier runs whose transactions all ran and are confirmed since (a
        command that timed out and was never run again): a later command of the same purpose then
        does its own act instead of reporting that earlier one."""
        if self.journals is None or current is None:
            return
        confirmed = self.w3.eth.block_number - self.confirmations + 1
        for journal in self.journals.others(self.chain.chain_id, self.address, current):
            receipts = [rpc.request(self.w3, "eth_getTransactionReceipt", ["0x" + h.hex()]) for h, _ in journal.entries()]
            if all(r is not None and int(r["blockNumber"], 16) <= confirmed for r in receipts):
                journal.close()

    def _journal(self, purpose: str | None) -> SentJournal | None:
        if purpose is None or self.journals is None:
            return None
        return self.journals.open(self.chain.chain_id, self.address, purpose)

    def finish(self, journal: SentJournal) -> list[dict]:
        """Finish what an earlier run signed into `journal`: each transaction confirmed as its same
        bytes, or reported dropped; returns the light receipts of those that ran."""
        ran = []
        for tx_hash, sent in journal.entries():
            self.log(f"{sent.label}: signed by an earlier run as 0x{tx_hash.hex()}; finishing it as the same bytes")
            receipt = self.resume(tx_hash, sent, journal)
            if receipt is not None:
                ran.append(receipt)
            journal.drop(tx_hash)
        return ran

    def send_all(self, calls: Iterable[tuple[Call, str]], journal: SentJournal,
                 window: int = IN_FLIGHT) -> Iterator[dict]:
        """Send each call once fewer than `window` sent ones are unconfirmed; yields their light
        receipts in the order sent, each taken out of `journal` once confirmed."""
        in_flight: deque[bytes] = deque()
        for call, label in calls:
            in_flight.append(self.send(call, label, journal=journal))
            if len(in_flight) >= window:
                yield self._settle(in_flight.popleft(), journal)
        while in_flight:
            yield self._settle(in_flight.popleft(), journal)

    def _settle(self, tx_hash: bytes, journal: SentJournal) -> dict:
        receipt = self.wait(tx_hash, light=True, journal=journal)
        journal.drop(bytes(tx_hash))
        return receipt

    def wait_until_idle(self, timeout: float = 120) -> None:
        """A transaction sent by an interrupted run may still be pending: let it land first."""
        deadline = time.monotonic() + timeout
        while True:
            latest, pending = self.chain.transaction_counts(self.address)
            if pending == latest:
                return
            if time.monotonic() > deadline:
                raise LuxpassError(f"{pending - latest} earlier transactions of {self.address} are still pending",
                                   "wait for them to be mined, then run the same command again")
            time.sleep(0.2)

    # --- one transaction -----------------------------------------------------------------------

    def deploy(self, name: str, *args, confirmations: int | None = None) -> tuple[str, dict]:
        art = artifacts.artifact(name)
        if name not in self._probed:
            self.chain.require_opcodes(art["evm_version"])
            self._probed.add(name)
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        receipt = self.transact(factory.constructor(*args), f"deploy {name}", confirmations=confirmations)
        return receipt["contractAddress"], receipt

    def transact(self, call: Call, label: str = "", gas: int | None = None,
                 confirmations: int | None = None) -> dict:
        """Send one transaction, unjournalled, and wait for it; a refusal is raised decoded, before sending."""
        return self.wait(self.send(call, label, gas), confirmations=confirmations)

    def send(self, call: Call, label: str = "", gas: int | None = None, journal: SentJournal | None = None) -> bytes:
        """Sign and send without waiting; the gas estimate decodes a refusal before sending.
        When another sender took the nonce, the action is estimated, signed and sent again with
        a fresh one, unless this very transaction landed: an action is never sent twice. Each
        signed transaction goes into `journal` before it is sent (and out of it if the node
        refuses its nonce), so that a later run can finish it (`resume`)."""
        for attempt in range(1, NONCE_ATTEMPTS + 1):
            signed = self._signed(call, label, gas)
            sent = SignedTx(bytes(signed.raw_transaction), self._next_nonce, label)
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
            except NodeUnavailable:  # no answer: the node may hold it, so the journal keeps it for the rerun
                raise
            except (LuxpassError, Web3RPCError):  # the node refused it: nothing of it is left to finish
                if journal is not None:
                    journal.drop(bytes(signed.hash))
                raise
        self._next_nonce += 1
        self.log(f"{label or 'transaction'}: 0x{bytes(tx_hash).hex()}")
        return tx_hash

    def _signed(self, call: Call, label: str, gas: int | None):
        signer = require_signer(self.chain.account)
        tx = {"from": signer.address, "chainId": self.chain.chain_id, **self._fees()}
        with decoded_reverts():
            if gas is None:
                unsigned = ({**tx, "to": call.to, "data": call.data, "value": call.value} if isinstance(call, RawCall) else
                            {k: v for k, v in call.build_transaction({**tx, "gas": 1}).items() if k != "gas"})
                estimate = self._estimate(unsigned, label)
                if estimate >= MAX_TX_GAS:
                    raise LuxpassError(
                        f"{label or 'the transaction'} needs {estimate} gas, above the per-transaction cap of public "
                        f"chains ({MAX_TX_GAS}, EIP-7825)", "send less in one transaction (e.g. a smaller --batch-size)")
                gas = min(int(estimate * 1.2) + 10_000, MAX_TX_GAS - 1)
            built = ({**tx, "to": call.to, "data": call.data, "value": call.value, "gas": gas, "nonce": self._nonce()}
                     if isinstance(call, RawCall) else call.build_transaction({**tx, "gas": gas, "nonce": self._nonce()}))
        return signer.sign_transaction(built)

    def _send_raw(self, signed) -> bytes:
        try:
            return self.w3.eth.send_raw_transaction(signed.raw_transaction)
        except Web3RPCError as exc:
            message = str(exc).lower()
            if any(word in message for word in UNFUNDED):  # estimated, so the contract accepts it: only ETH is missing
                raise self._unfunded(self.address, "the transaction") from None
            if any(known in message for known in ALREADY_KNOWN):
                return signed.hash  # the node has this very transaction: an earlier answer was lost
            if not any(taken in message for taken in NONCE_TAKEN):
                raise
            try:
                self.w3.eth.get_transaction(signed.hash)
                return signed.hash  # it landed (or waits in the pool): an earlier answer was lost
            except TransactionNotFound:
                raise NonceConflict(message.strip("{}")) from None

    def wait(self, tx_hash: bytes, light: bool = False, confirmations: int | None = None,
             journal: SentJournal | None = None) -> dict:
        """The receipt once mined (and confirmed). `light` skips web3's formatting of the logs
        and returns only status, gasUsed, blockNumber and transactionHash. A transaction that failed
        on chain, or can never run, leaves `journal`: there is nothing of it to finish."""
        resume = RERUN_FINISHES if journal is not None else RERUN_UNKNOWN
        try:
            found = self._mined(tx_hash, resume)
            if light and int(found["status"], 16) == 1:
                receipt = {"status": 1, "gasUsed": int(found["gasUsed"], 16),
                           "blockNumber": int(found["blockNumber"], 16), "transactionHash": bytes(tx_hash)}
            else:
                receipt = self.w3.eth.get_transaction_receipt(tx_hash)
            if receipt["status"] != 1:
                self._next_nonce = None
                self._sent.pop(bytes(tx_hash), None)
                raise Failed(self._replay_failure(tx_hash, receipt))
        except Dropped:
            if journal is not None:
                journal.drop(bytes(tx_hash))
            raise
        except Failed as failed:
            if journal is not None:
                journal.drop(bytes(tx_hash))
            raise failed.error from None
        confirmed = self.await_confirmations(receipt, confirmations, resume=resume)
        self._sent.pop(bytes(tx_hash), None)
        return confirmed

    def _mined(self, tx_hash: bytes, resume: str = RERUN_UNKNOWN) -> dict:
        """The node's raw receipt, waited for at most `timeout` seconds. Every few seconds, a
        transaction of ours that the node holds neither mined nor pending gets its same signed bytes
        again, or is reported dropped if its nonce went to another transaction (`_lost`). A time-out
        says what was seen: whether the chain made any block meanwhile."""
        hex_hash = "0x" + bytes(tx_hash).hex()
        started = time.monotonic()
        deadline, next_check = started + self.timeout, started + LOST_CHECK
        head, head_since = self.w3.eth.block_number, started
        while True:
            found = rpc.request(self.w3, "eth_getTransactionReceipt", [hex_hash])
            if found:
                return found
            now = time.monotonic()
            if now > next_check:
                next_check = now + LOST_CHECK
                latest = self.w3.eth.block_number
                if latest != head:
                    head, head_since = latest, now
                if bytes(tx_hash) in self._sent and \
                        rpc.request(self.w3, "eth_getTransactionByHash", [hex_hash]) is None:
                    found = self._lost(bytes(tx_hash))
                    if found:
                        return found
            if now > deadline:
                latest = self.w3.eth.block_number
                seen = (f"no new block for {now - head_since:.0f} s (the chain stands at block {head})"
                        f"{self.chain.sealing_shortfall()}"
                        if latest == head else f"the chain grew to block {latest} without it")
                raise LuxpassError(f"transaction {hex_hash} was not mined within {self.timeout:.0f} s: {seen}", resume)
            time.sleep(0.02 if self.chain.dev else 1.0)

    def resume(self, tx_hash: bytes, sent: SignedTx, journal: SentJournal | None = None) -> dict | None:
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
            return self.wait(tx_hash, light=True, journal=journal)
        except Dropped as exc:
            self.log(f"{exc.problem}; what it would have done is left to this run")
            return None

    def _check_no_gap(self, tx_hash: bytes, sent: SignedTx) -> None:
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
        """A transaction this sender sent that the node holds neither mined nor pending (a node
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
        self.log(f"{label} {hex_hash}: the node at {self.chain.rpc_url} does not hold it; "
                 "sending it the same signed bytes")
        try:
            self.w3.eth.send_raw_transaction(sent.raw)
        except Web3RPCError as exc:  # known by now, or its nonce used meanwhile: the next look tells which
            if not any(word in str(exc).lower() for word in ALREADY_KNOWN + NONCE_TAKEN):
                raise LuxpassError(f"{label} {hex_hash}: the node at {self.chain.rpc_url} refused its same signed "
                                   f"bytes ({getattr(exc, 'message', None) or exc})",
                                   "check the node, then run the same command again") from None
        return None

    def await_confirmations(self, receipt: dict, confirmations: int | None = None,
                            resume: str = RERUN_UNKNOWN) -> dict:
        """Wait, at most `timeout` seconds, until the transaction's block has `confirmations` blocks
        (its own included) and is still the chain's; returns the receipt as confirmed. A
        reorganisation that drops the block sends the wait back to the transaction: mined again in
        another block, it counts from there; gone from the node, a transaction this sender sent
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
            time.sleep(0.05 if self.chain.dev else 0.5)

    def _nonce(self) -> int:
        if self._next_nonce is None:
            self._next_nonce = self.chain.transaction_counts(self.address)[1]
        return self._next_nonce

    def _estimate(self, unsigned: dict, label: str) -> int:
        """The gas estimate; any other refusal than a contract's revert is one line. The node cannot
        estimate for an account without enough ETH: then a plain call decodes the contract's refusal
        if it would refuse, and else the missing funds are named."""
        try:
            return self.w3.eth.estimate_gas(unsigned)
        except Web3RPCError as exc:
            message = str(getattr(exc, "message", None) or exc)
            if any(word in message.lower() for word in UNFUNDED):
                self.w3.eth.call({k: v for k, v in unsigned.items() if k not in FEE_FIELDS})
                raise self._unfunded(unsigned["from"], label, unsigned) from None
            hint = ("the contracts are built for a newer EVM than this chain runs: build them for its EVM "
                    "(Clique runs London/paris rules)" if "invalid opcode" in message else
                    "check the node's log; nothing was sent")
            raise LuxpassError(f"the node at {self.chain.rpc_url} refused {label or 'the transaction'}: {message}",
                               hint) from None

    def _unfunded(self, address: str, label: str, unsigned: dict | None = None) -> Unfunded:
        """The node says the account cannot pay for gas: how much it has, how much is missing (when
        the gas can be estimated without fees) and how to fund it."""
        balance, missing = self.w3.eth.get_balance(address), ""
        if unsigned is not None:
            try:
                gas = self.w3.eth.estimate_gas({k: v for k, v in unsigned.items() if k not in FEE_FIELDS})
            except Web3RPCError:
                gas = None
            price = unsigned.get("maxFeePerGas") or unsigned.get("gasPrice") or 0
            short = gas * price + unsigned.get("value", 0) - balance if gas else 0
            if short > 0:
                missing = f" ({short / 1e18:.6f} ETH missing for about {gas:,} gas at {price / 1e9:g} gwei)"
        return Unfunded(
            f"account {address} has {balance / 1e18:.6f} ETH, not enough to pay the gas of "
            f"{label or 'the transaction'}{missing}",
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
