"""Owners' requests that the consortium's LuxpassForwarder relays (ERC-2771), so that an owner
acts without ether: the call of an owner's action followed by the passport nonce it is signed at
(the forwarder executes it only at that nonce), the `ForwardRequest` typed data in the forwarder's
own EIP-712 domain (ERC-5267, read from the contract, never hard-coded), and the `execute` call
that whoever pays submits."""
from dataclasses import dataclass

from eth_abi import decode, encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from ..chain import rpc
from ..chain.connection import Chain
from ..errors import InputError
from ..spec import EIP712_DOMAIN_FIELDS, EIP712_TYPES, RELAYED_ACTIONS, eip712_fields
from ..values import parse_address
from .consent import domain_of

MAX_DEADLINE = 3600  # seconds: the relayer refuses a request valid for longer
SELECTORS = {keccak(text=signature)[:4]: name for name, (signature, _) in RELAYED_ACTIONS.items()}


def _argument_types(action: str) -> list[str]:
    signature = RELAYED_ACTIONS[action][0]
    return signature[signature.index("(") + 1:-1].split(",")


@dataclass(frozen=True)
class OwnerAction:
    """An owner's action on one passport, as a relayed request's data carries it."""

    name: str
    args: tuple
    token_id: int
    passport_nonce: int

    @property
    def data(self) -> bytes:
        signature = RELAYED_ACTIONS[self.name][0]
        return keccak(text=signature)[:4] + encode(_argument_types(self.name), list(self.args)) + \
            self.passport_nonce.to_bytes(32, "big")


def owner_action(name: str, args: tuple | list, passport_nonce: int) -> OwnerAction:
    """The action `name` (a key of spec.RELAYED_ACTIONS) with `args`, to be signed at `passport_nonce`."""
    if name not in RELAYED_ACTIONS:
        raise InputError(f"{name!r} is not an owner action the forwarder relays",
                         f"use one of {', '.join(RELAYED_ACTIONS)}")
    args = tuple(args)
    return OwnerAction(name, args, int(args[RELAYED_ACTIONS[name][1]]), passport_nonce)


def parse_action(data: bytes, named_nonce: bool = True) -> OwnerAction:
    """The owner's action a request's data carries, as LuxpassForwarder.ownerAction reads it: an
    InputError for anything the forwarder would refuse (another function, another length). A
    Safe's call to the collection carries no passport nonce (`named_nonce` False; it is then -1)."""
    name = SELECTORS.get(bytes(data[:4]))
    types = _argument_types(name) if name else []
    suffix = 32 if named_nonce else 0
    if name is None or len(data) != 4 + 32 * len(types) + suffix:
        raise InputError(f"the request's call (selector 0x{bytes(data[:4]).hex()}, {len(data)} bytes) is not an "
                         "owner's action on one passport", f"relay only {', '.join(RELAYED_ACTIONS)}"
                         + (", each followed by the passport nonce" if named_nonce else ""))
    try:
        args = decode(types, bytes(data[4:len(data) - suffix]))
    except Exception as exc:  # eth-abi refuses a bool or uint8 out of range in many ways
        raise InputError(f"the request's arguments do not decode as {RELAYED_ACTIONS[name][0]} ({exc})",
                         "build the request with the owner pages") from None
    return OwnerAction(name, tuple(args), int(args[RELAYED_ACTIONS[name][1]]),
                       int.from_bytes(data[-32:], "big") if named_nonce else -1)


@dataclass(frozen=True)
class ForwardRequest:
    """OpenZeppelin's ForwardRequest: what the owner (`sender`, the typed data's `from`) signs."""

    sender: str
    to: str
    value: int
    gas: int
    nonce: int
    deadline: int
    data: bytes

    def message(self) -> dict:
        return {"from": self.sender, "to": self.to, "value": self.value, "gas": self.gas, "nonce": self.nonce,
                "deadline": self.deadline, "data": "0x" + self.data.hex()}

    def execute_args(self, signature: bytes) -> tuple:
        """ERC2771Forwarder's ForwardRequestData: the request without its nonce, with its signature."""
        return (self.sender, self.to, self.value, self.gas, self.deadline, self.data, signature)

    @classmethod
    def from_message(cls, message) -> "ForwardRequest":
        """The request a page sent, as JSON: an InputError names the first field that is wrong."""
        if not isinstance(message, dict):
            raise InputError("the request is not a JSON object", "send the ForwardRequest message the wallet signed")
        fields = {}
        for name, type_ in EIP712_TYPES["ForwardRequest"]:
            value = message.get(name)
            try:
                if type_ == "address":
                    fields[name] = parse_address(value, f"request.{name}")
                elif type_ == "bytes":
                    if not isinstance(value, str) or not value.startswith("0x"):
                        raise ValueError("not 0x-prefixed hex")
                    fields[name] = bytes.fromhex(value[2:])
                else:
                    fields[name] = int(value, 0) if isinstance(value, str) else int(value)
                    if isinstance(value, bool) or not 0 <= fields[name] < 2 ** int(type_.removeprefix("uint")):
                        raise ValueError("out of range")
            except (TypeError, ValueError, AttributeError) as exc:
                raise InputError(f"request.{name} is not a valid {type_} ({exc})",
                                 "send the ForwardRequest message exactly as the wallet signed it") from None
        return cls(fields["from"], fields["to"], fields["value"], fields["gas"], fields["nonce"], fields["deadline"],
                   fields["data"])


def typed_data(domain: dict, request: ForwardRequest) -> dict:
    """The full typed data of `request` in the forwarder's `domain`, for eth_signTypedData_v4."""
    return {
        "types": {"EIP712Domain": [{"name": n, "type": t} for n, t in EIP712_DOMAIN_FIELDS if n in domain],
                  "ForwardRequest": eip712_fields("ForwardRequest")},
        "primaryType": "ForwardRequest",
        "domain": domain,
        "message": request.message(),
    }


def sign(domain: dict, request: ForwardRequest, key) -> bytes:
    """`key`'s signature of `request` (what a wallet's eth_signTypedData_v4 returns)."""
    return bytes(Account.sign_message(encode_typed_data(full_message=typed_data(domain, request)), key).signature)


def signer_of(domain: dict, request: ForwardRequest, signature: bytes) -> str:
    """The account that signed `request`; a malformed signature is an InputError."""
    try:
        return Account.recover_message(encode_typed_data(full_message=typed_data(domain, request)),
                                       signature=signature)
    except Exception as exc:  # eth-keys raises BadSignature, ValueError … on a malformed signature
        raise InputError(f"the signature does not recover ({type(exc).__name__})",
                         "send the 65-byte signature the wallet returned") from None


class Forwarder:
    """The consortium's LuxpassForwarder at `address`, read and submitted to through `chain`."""

    def __init__(self, chain: Chain, address: str):
        self.chain = chain
        self.address = to_checksum_address(address)
        self.contract = chain.contract("LuxpassForwarder", self.address)

    def domain(self) -> dict:
        """The forwarder's EIP-712 domain, as its eip712Domain() (ERC-5267) declares it."""
        return domain_of(self)["domain"]

    def nonce(self, address: str) -> int:
        """The signer's next forwarder nonce: requests are executed one by one in this order."""
        return self.chain.call(self.contract.functions.nonces(address))

    def request(self, sender: str, collection: str, action: OwnerAction, valid_for: int = 600,
                gas: int | None = None) -> ForwardRequest:
        """The request `sender` signs for `action` on `collection`: its forwarder nonce now, a
        deadline `valid_for` seconds from now, and the gas the call needs (estimated as the forwarder
        will make it, with a margin). "Now" is the later of the latest block's time and this
        machine's: on a quiet chain the latest block can be older than the deadline would last."""
        deadline = self.chain.next_block_time() + valid_for
        if gas is None:
            gas = int(self.call_gas(sender, collection, action.data) * 1.3) + 20_000
        return ForwardRequest(to_checksum_address(sender), to_checksum_address(collection), 0, gas,
                              self.nonce(sender), deadline, action.data)

    def call_gas(self, sender: str, collection: str, data: bytes) -> int:
        """The gas of the call the forwarder makes for `sender`; the passport's refusal, decoded, if it refuses."""
        self.simulate_call(sender, collection, data)
        return int(rpc.request(self.chain.w3, "eth_estimateGas", [self._forwarded(sender, collection, data)],
                               "the relayed call's gas estimate"), 16)

    def simulate_call(self, sender: str, collection: str, data: bytes, block="latest") -> None:
        """eth_call of the call as the forwarder makes it: raises the passport's own refusal
        (ContractRevert), which the forwarder's `execute` would hide behind FailedCall."""
        rpc.request(self.chain.w3, "eth_call", [self._forwarded(sender, collection, data), block],
                    "the relayed call")

    def _forwarded(self, sender: str, collection: str, data: bytes) -> dict:
        return {"from": self.address, "to": to_checksum_address(collection),
                "data": "0x" + (bytes(data) + bytes.fromhex(sender.removeprefix("0x"))).hex()}

    def execute(self, request: ForwardRequest, signature: bytes):
        """The `execute` call that submits `request` (for Chain.transact or a Sender)."""
        return self.contract.functions.execute(request.execute_args(signature))
