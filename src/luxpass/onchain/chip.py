"""The chip in a product: binding it to the passport, challenging it, checking its answer.

The chip holds a private key. It proves the physical item is present by signing the EIP-712
typed data `ChipChallenge(uint256 tokenId,address to,uint256 deadline,bytes32 blockHash,bytes32 nonce)`
in the collection's domain (read from the contract, ERC-5267), over the hash of a recent block and
a verifier's random nonce: a signature cannot be made in advance, and it is stale after 256 blocks
or after `deadline`. `to` is the recipient of a chip claim, so that nobody who sees the answer can
redirect the claim to themselves; a check of authenticity only names address(0), which no claim
accepts.
"""
import secrets
from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import to_checksum_address

from ..chain.connection import Chain
from ..chain.sender import Action
from ..errors import InputError
from ..spec import eip712_fields
from ..values import ZERO_ADDRESS, parse_address, passport_hex
from .collection import Collection, Recorded, tx_hex
from .consent import DOMAIN_FIELDS, domain_of

FRESH_BLOCKS = 256  # blockhash() reaches back this far
_HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0  # OZ ECDSA's upper bound on s
CHALLENGE_TTL = 600  # seconds a challenge stays valid
CHIP_CHALLENGE_TYPE = eip712_fields("ChipChallenge")


def bind_chip(collection: Collection, passport_id: int, chip: str) -> Recorded:
    """Bind the chip with address `chip` to a passport (the brand's minter or service centre)."""
    chip = parse_address(chip, "chip")
    return collection.sender.submit(Action.of(
        collection.contract.functions.bindChip(passport_id, chip), f"bind chip {chip} to {passport_hex(passport_id)[:12]}…",
        lambda receipt: Recorded(passport_hex(passport_id), "chip-bound", tx_hex(receipt)),
        f"bind chip {collection.address} {passport_id} {chip}"))


def chip_of(chain: Chain, collection: str, passport_id: int) -> str | None:
    return Collection(chain, collection).chip_of(passport_id)


@dataclass(frozen=True)
class Challenge:
    collection: str
    passport_id: int
    block_number: int
    block_hash: bytes
    nonce: bytes
    domain: dict
    to: str = ZERO_ADDRESS
    deadline: int = 0

    def typed_data(self) -> dict:
        """The whole EIP-712 message a chip signs, as JSON-ready values."""
        domain_type = [{"name": n, "type": t} for n, t in DOMAIN_FIELDS if n in self.domain]
        return {
            "types": {"EIP712Domain": domain_type, "ChipChallenge": CHIP_CHALLENGE_TYPE},
            "primaryType": "ChipChallenge",
            "domain": self.domain,
            "message": {"tokenId": str(self.passport_id), "to": self.to, "deadline": str(self.deadline),
                        "blockHash": "0x" + self.block_hash.hex(), "nonce": "0x" + self.nonce.hex()},
        }


def eip712_domain(chain: Chain, collection: str) -> dict:
    """The collection's EIP-712 domain as its `eip712Domain()` declares it."""
    return domain_of(Collection(chain, collection))["domain"]


def challenge(chain: Chain, collection: str, passport_id: int, block_number: int | None = None,
              nonce: bytes | None = None, to: str | None = None, deadline: int | None = None) -> Challenge:
    """A fresh challenge: by default over the block before the latest, whose hash every
    `eth_call` can read (the latest block's own hash is not yet in `blockhash` on every node),
    for a check only (`to` address(0)) and valid for CHALLENGE_TTL seconds of chain time."""
    collection = parse_address(collection, "collection")
    if block_number is None:
        block_number = max(chain.w3.eth.block_number - 1, 0)
    block = chain.w3.eth.get_block(block_number)
    if deadline is None:
        deadline = chain.next_block_time() + CHALLENGE_TTL
    return Challenge(collection, passport_id, block_number, bytes(block["hash"]),
                     nonce if nonce is not None else secrets.token_bytes(32), eip712_domain(chain, collection),
                     parse_address(to, "to") if to else ZERO_ADDRESS, deadline)


def sign_challenge(challenge: Challenge, chip_key) -> bytes:
    """The chip's answer; an eth-account key stands in for the chip's secure element."""
    return bytes(Account.sign_typed_data(chip_key, full_message=challenge.typed_data()).signature)


def verify_chip_offchain(chain: Chain, issued: Challenge, signature: bytes) -> bool:
    """The contract's `verifyChip`, computed here from the same inputs: a bound chip, a block
    among the 256 before the one a call runs in, a deadline not passed, and an ECDSA signature
    by the chip over the challenge in the contract's domain, with OpenZeppelin's rules (65 bytes,
    low s, v 27 or 28). The contract would also accept an ERC-1271 contract as the chip; chips are keys."""
    chip = chip_of(chain, issued.collection, issued.passport_id)
    if chip is None or not 0 < chain.w3.eth.block_number - issued.block_number <= FRESH_BLOCKS:
        return False
    if chain.next_block_time() > issued.deadline or len(signature) != 65:
        return False
    r, s, v = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    if s > _HALF_ORDER or v not in (27, 28):
        return False
    expected = challenge(chain, issued.collection, issued.passport_id, issued.block_number, issued.nonce,
                         issued.to, issued.deadline)
    try:
        signer = Account.recover_message(encode_typed_data(full_message=expected.typed_data()), vrs=(v, r, s))
    except (ValueError, TypeError):
        return False
    return to_checksum_address(signer) == chip


def verify_chip(chain: Chain, issued: Challenge, signature: bytes) -> bool:
    """The contract's own answer, from its `verifyChip` view."""
    return Collection(chain, issued.collection).verify_chip(issued.passport_id, issued.to, issued.deadline,
                                                            issued.block_number, issued.nonce, signature)


def claim_with_chip(collection: Collection, issued: Challenge, signature: bytes) -> Recorded:
    """Move the passport to the challenge's recipient with the chip's answer (the owner opened
    a claim with `setChipClaim`)."""
    return collection.sender.submit(Action.of(
        collection.contract.functions.claimWithChip(issued.passport_id, issued.to, issued.deadline,
                                                    issued.block_number, issued.nonce, signature),
        f"chip claim of {passport_hex(issued.passport_id)[:12]}… to {issued.to}",
        lambda receipt: Recorded(passport_hex(issued.passport_id), "chip-claimed", tx_hex(receipt)),
        f"chip claim {collection.address} {issued.passport_id} 0x{issued.nonce.hex()}"))


def parse_signature(text: str) -> bytes:
    try:
        signature = bytes.fromhex(str(text).removeprefix("0x"))
    except ValueError:
        raise InputError("the chip's signature is not hex", "pass the 65-byte signature as 0x…") from None
    if len(signature) != 65:
        raise InputError(f"the chip's signature is {len(signature)} bytes, not 65", "pass the whole signature")
    return signature
