"""The brand's relayer: it pays for owners' signed requests, so that an owner never needs ether.

A request is checked before anything is paid, cheapest first, so that a flood of bad requests
costs no RPC at all: its shape, an owner's action (the forwarder's own rule), no ether, a deadline
at most MAX_DEADLINE ahead, the signature recovering to its `from`; then, on the node: a genuine
collection of an active brand (the served brand's, when the server names one), the signer's
forwarder nonce, the passport nonce it names, and the passport's own verdict on the call the
forwarder would make (eth_call as the forwarder, which `execute` would hide behind FailedCall),
and its gas estimate, which the request's signed gas may not exceed by more than a margin.
Then the caps, in the server's database: requests per passport per day and wei per day, the most a
request can cost reserved before it is sent and settled once mined. Every request sent is
recorded there (signer, passport, action, and its transaction once mined); the transaction
itself is journalled like every other (`chain.sender.RelaySender`), before it is sent."""
import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..chain.connection import Chain
from ..chain.artifacts import decoded_reverts
from ..chain.sender import Action, Call, RawCall, RelaySender
from ..errors import ContractRevert, InputError, LuxpassError
from ..onchain.collection import Collection
from ..onchain.forwarder import MAX_DEADLINE, Forwarder, ForwardRequest, OwnerAction, parse_action, signer_of
from ..onchain.registry import Consortium
from ..spec import BrandStatus
from ..values import parse_address, passport_hex
from .store import OwnerStore, utc_day

# The forwarder's own gas above the request's: signature recovery, nonce, the passport nonce read.
FORWARDER_OVERHEAD = 80_000
# The most gas a request may name above the relayer's estimate of its call: the owner pages sign
# the estimate * 1.3 + 20,000; the rest is room for the state to change before it is relayed.
GAS_MARGIN, GAS_SLACK = 1.5, 40_000
DEADLINE_SLACK = 60  # seconds: clocks of phones and of the chain differ
GENUINE_FOR = 60.0  # seconds a collection's registry answer is kept


class Refused(LuxpassError):
    """A request the relayer will not pay for; `status` is the HTTP status the server answers."""

    def __init__(self, status: int, problem: str, fix: str):
        self.status = status
        super().__init__(problem, fix)


@dataclass(frozen=True)
class Caps:
    """What the relayer pays at most: requests per passport per UTC day, and wei per UTC day."""

    per_passport_per_day: int = 10
    wei_per_day: int = 10**17


@dataclass(frozen=True)
class RelayResult:
    tx: str
    block: int
    action: str
    tokenId: str
    collection: str
    signer: str
    gasUsed: int
    paidWei: str


def parse_signature(text, ecdsa: bool = True) -> bytes:
    """A signature sent as 0x-prefixed hex: 65 bytes when `ecdsa`, else up to 4 kB (an ERC-1271 wallet's)."""
    if not isinstance(text, str) or not text.startswith("0x"):
        raise InputError("the signature is not 0x-prefixed hex", "send the signature the wallet returned")
    try:
        signature = bytes.fromhex(text[2:])
    except ValueError:
        raise InputError("the signature is not hex", "send the signature the wallet returned") from None
    if len(signature) != 65 if ecdsa else not 0 < len(signature) <= 4096:
        raise InputError(f"the signature is {len(signature)} bytes", "send the signature the wallet returned")
    return signature


class Relayer:
    """Pays, through `chain` (which signs with the relayer's key), for requests to `forwarder`."""

    def __init__(self, chain: Chain, consortium: Consortium, forwarder: str, store: OwnerStore,
                 caps: Caps = Caps(), brand_id: int | None = None):
        self.chain = chain
        self.consortium = consortium
        self.forwarder = Forwarder(chain, forwarder)
        self.store = store
        self.caps = caps
        self.brand_id = brand_id
        self.domain = self.forwarder.domain()
        self._genuine: dict[str, tuple[float, bool]] = {}
        self.lock = threading.Lock()  # held while a payment is checked and sent: one at a time

    @property
    def address(self) -> str:
        return self.chain.account.address

    def relay(self, message, signature_text) -> RelayResult:
        """Check `message` (the ForwardRequest the owner signed) and pay for it; Refused or
        InputError, before anything is sent, when it would not be accepted or a cap is reached."""
        request, action, signature = self.check_offline(message, signature_text)
        with self.lock:  # the nonce checks hold until the request is mined
            label = f"relay {action.name} of {passport_hex(action.token_id)[:12]}… for {request.sender}"
            purpose = f"relay for {request.sender} at forwarder {self.forwarder.address} nonce {request.nonce}"

            def checked():
                self.check_on_chain(request, action)
                return self.forwarder.execute(request, signature)

            receipt, paid = self.pay(checked, label, purpose, request.sender, request.to, action.token_id,
                                     action.name, request.gas + FORWARDER_OVERHEAD)
        return RelayResult("0x" + bytes(receipt["transactionHash"]).hex(), receipt["blockNumber"], action.name,
                       passport_hex(action.token_id), request.to, request.sender, receipt["gasUsed"], str(paid))

    def pay(self, prepare: Callable[[], Call], label: str, purpose: str, signer: str, collection: str,
            token_id: int, action: str, most_gas: int) -> tuple[dict, int]:
        """Send the call `prepare` returns (after its checks) for `signer`'s `action` on the passport
        through the relayer's RelaySender: counted against the caps (Refused 429 past one), recorded
        in the server's database, and journalled under `purpose`, so that the same purpose again
        after a time-out or a restart finishes that same transaction, unchecked and unpaid twice:
        (receipt, wei paid). A refusal of the node is Refused 409; a call that needs more than
        `most_gas`, what the caps reserve for it, is Refused 403 before it is reserved."""
        sender = RelaySender(self.chain.sender, signer, _Payment(self, signer, collection, token_id, action, most_gas))

        def within_reserve():  # the caps reserve `most_gas`: a recipient or a Safe's guard could burn more
            call = prepare()
            with decoded_reverts():
                needed = (self.chain.w3.eth.estimate_gas({"from": self.address, "to": call.to, "data": call.data})
                          if isinstance(call, RawCall) else call.estimate_gas({"from": self.address}))
            if needed > most_gas:
                raise Refused(403, f"it needs {needed} gas, more than the {most_gas} the relayer pays for it",
                              "send it from a funded account")
            return call

        try:
            relayed = sender.submit(Action(label, within_reserve, purpose=purpose))
        except ContractRevert as exc:
            raise Refused(409, f"the chain refused it: {exc.problem}", exc.fix or "check the passport") from None
        return relayed.receipt, relayed.paid_wei

    def check_offline(self, message, signature_text) -> tuple[ForwardRequest, OwnerAction, bytes]:
        """The checks that ask no node: shape, action, value, deadline, signature."""
        request = ForwardRequest.from_message(message)
        signature = parse_signature(signature_text)
        action = parse_action(request.data)
        if request.value:
            raise InputError("a relayed request carries no ether", "sign it with value 0")
        now = time.time()
        if request.deadline < now - DEADLINE_SLACK:
            raise Refused(410, f"the request expired at {request.deadline}", "sign a new one")
        if request.deadline > now + MAX_DEADLINE + DEADLINE_SLACK:
            raise InputError(f"the request is valid for longer than {MAX_DEADLINE // 60} minutes",
                             "sign one with a deadline within the hour")
        if signer_of(self.domain, request, signature) != request.sender:
            raise Refused(403, f"the signature is not {request.sender}'s for this request",
                          "sign the request with the account named in `from`")
        return request, action, signature

    def check_on_chain(self, request: ForwardRequest, action: OwnerAction) -> None:
        """The collection, the nonces, and the passport's verdict on the call, on the node."""
        self.require_served(request.to)
        current = self.forwarder.nonce(request.sender)
        if current != request.nonce:
            raise Refused(409, f"the request is signed at forwarder nonce {request.nonce}; {request.sender} is at "
                               f"{current}", "read the nonce again and sign again")
        passport_nonce = Collection(self.chain, request.to).nonce(action.token_id)
        if passport_nonce != action.passport_nonce:
            raise Refused(409, f"the request names passport nonce {action.passport_nonce}; the passport is at "
                               f"{passport_nonce} (it moved, was reported or its signatures were revoked)",
                          "sign a new request at the current nonce")
        try:
            needed = self.forwarder.call_gas(request.sender, request.to, request.data)
        except ContractRevert as exc:
            raise Refused(409, f"the passport would refuse it: {exc.problem}", exc.fix or "check the passport") from None
        # What the caps reserve follows the signed gas, which a recipient contract may burn: never far above the call's.
        allowed = int(needed * GAS_MARGIN) + GAS_SLACK
        if request.gas > allowed:
            raise Refused(403, f"the request allows {request.gas} gas; its call needs about {needed}, and the relayer "
                               f"pays for at most {allowed}", "sign the request the owner pages prepare")

    def require_served(self, collection: str) -> None:
        """A genuine collection of an active brand, the served brand's when the relayer serves one."""
        collection = parse_address(collection, "collection")
        cached = self._genuine.get(collection)
        if cached is None or time.monotonic() - cached[0] > GENUINE_FOR:
            brand_id = self.consortium.brand_id_of(collection)
            served = bool(brand_id) and (self.brand_id is None or brand_id == self.brand_id) and \
                self.consortium.brand(brand_id).status == BrandStatus.ACTIVE
            cached = (time.monotonic(), served)
            self._genuine[collection] = cached
        if not cached[1]:
            raise Refused(403, f"{collection} is not a collection this relayer pays for (a genuine collection of "
                               "an active brand" + (" served here" if self.brand_id else "") + ")",
                          "send requests for this brand's passports only")

    def _reserve(self, signer: str, collection: str, token_id: int, action: str, most_gas: int) -> int:
        """Count the request against the caps (Refused 429 past one) and journal it as reserved."""
        most = most_gas * 2 * self.chain.w3.eth.gas_price
        day, token = utc_day(), passport_hex(token_id)
        with self.store.transaction() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM relayed WHERE day = ? AND collection = ? AND token_id = ? "
                                  "AND state != 'failed'", (day, collection, token)).fetchone()
            if count >= self.caps.per_passport_per_day:
                raise Refused(429, f"the relayer paid for {count} requests for this passport today, its daily cap",
                              "try again tomorrow (UTC), or send it from a funded account")
            spent = sum(int(r[0]) for r in db.execute(
                "SELECT COALESCE(paid_wei, reserved_wei) FROM relayed WHERE day = ? AND state != 'failed'", (day,)))
            if spent + most > self.caps.wei_per_day:
                raise Refused(429, "the relayer reached its daily spending cap", "try again tomorrow (UTC)")
            return db.execute("INSERT INTO relayed (day, at, signer, collection, token_id, action, reserved_wei, "
                              "state) VALUES (?, ?, ?, ?, ?, ?, ?, 'reserved')",
                              (day, time.time(), signer, collection, token, action, str(most))).lastrowid

    def _settle(self, row: int, state: str, paid: int | None = None, receipt: dict | None = None) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE relayed SET state = ?, paid_wei = COALESCE(?, paid_wei), block = COALESCE(?, block), "
                       "tx = COALESCE(?, tx) WHERE id = ?",
                       (state, None if paid is None else str(paid), receipt["blockNumber"] if receipt else None,
                        "0x" + bytes(receipt["transactionHash"]).hex() if receipt else None, row))

    def spent_today(self) -> tuple[int, int]:
        """(requests paid for, wei paid or reserved) today."""
        rows = self.store.query("SELECT COALESCE(paid_wei, reserved_wei) FROM relayed WHERE day = ? "
                                "AND state != 'failed'", (utc_day(),))
        return len(rows), sum(int(r[0]) for r in rows)


@dataclass
class _Payment:
    """The relayer's Budget for one payment: reserved as a row of the server's database, settled once mined."""

    relayer: Relayer
    signer: str
    collection: str
    token_id: int
    action: str
    most_gas: int

    def reserve(self, _action) -> int:
        return self.relayer._reserve(self.signer, self.collection, self.token_id, self.action, self.most_gas)

    def settle(self, row: int, receipt: dict | None) -> None:
        if receipt is None:
            self.relayer._settle(row, "failed")
        else:
            self.relayer._settle(row, "mined", receipt["gasUsed"] * receipt.get("effectiveGasPrice", 0), receipt)
