"""Signed consents: the seller's resale consent (EIP-712), ERC-4494 permits, and an owner's
request that the brand clear a lost or stolen report. Each is typed data in the collection's
own EIP-712 domain, read from the contract (ERC-5267), never hard-coded; the file holds the
typed data exactly as ethers.js, cast and eth-account sign it."""
import re
import secrets
import time
from dataclasses import dataclass

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from web3.exceptions import Web3Exception

from ..chain.sender import Action, AlreadyDone
from ..errors import ContractRevert, InputError, LuxpassError
from ..results import utc
from ..spec import EIP712_DOMAIN_FIELDS as DOMAIN_FIELDS, eip712_fields
from ..values import ZERO_ADDRESS, parse_address, passport_hex
from .collection import Collection, Recorded, refuse_self_transfer, tx_hex

CONSENT_FORMAT = "luxpass-signed/1"
ERC1271_MAGIC = bytes.fromhex("1626ba7e")  # isValidSignature(bytes32,bytes).selector

# The signed messages a file of `luxpass consent` holds, with their fields as typed data lists them.
TYPES = {kind: eip712_fields(kind) for kind in ("ResaleConsent", "Permit", "ClearReport")}


@dataclass
class Signed:
    """A signed message, as saved to a file and handed to whoever submits it."""

    kind: str
    typed_data: dict
    signature: str
    signer: str
    terms: str | None = None
    terms_salt: str | None = None

    @property
    def collection(self) -> str:
        """The collection the signed message is for: the one it names, else its EIP-712 domain's."""
        return self.message.get("collection") or self.typed_data["domain"]["verifyingContract"]

    def to_dict(self) -> dict:
        data = {"format": CONSENT_FORMAT, "kind": self.kind, "typedData": self.typed_data,
                "signature": self.signature, "signer": self.signer}
        if self.terms is not None:
            data["terms"] = {"text": self.terms, "salt": self.terms_salt}
        return data

    @classmethod
    def from_dict(cls, data, path) -> "Signed":
        """The signed message the file at `path` holds (`luxpass.local.signed_files.load` reads
        it), every part of its form checked."""
        if not isinstance(data, dict) or data.get("format") != CONSENT_FORMAT:
            raise InputError(f"{path} is not a luxpass signed consent", "pass the file `luxpass consent sign` wrote")
        try:
            typed, signature = data["typedData"], data["signature"]
            kind = typed["primaryType"]
            if kind not in TYPES or data["kind"] != kind:
                raise KeyError("primaryType")
            if typed["types"].get(kind) != TYPES[kind]:
                raise InputError(f"{path} is a {kind} in an older format that the contract no longer accepts",
                                 "ask the signer to sign it again with `luxpass consent sign`")
            bytes.fromhex(signature.removeprefix("0x"))
            if not all(isinstance(typed.get(part), dict) for part in ("types", "domain", "message")):
                raise KeyError("types, domain and message")
            parse_address(typed["domain"].get("verifyingContract", ""), f"{path}: verifyingContract")
            terms = data.get("terms") or {}
            if not isinstance(terms, dict):
                raise TypeError("terms is not an object")
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise InputError(f"{path} is malformed ({exc})", "pass the file `luxpass consent sign` wrote") from None
        try:
            typed_data_digest(typed)
        except Exception as exc:  # eth-account and eth-abi raise many kinds of error on hostile typed data
            raise InputError(f"{path}: its typed data does not encode as EIP-712 ({type(exc).__name__})",
                             "pass the file `luxpass consent sign` wrote") from None
        return cls(kind, typed, signature, data.get("signer", ""), terms.get("text"), terms.get("salt"))

    @property
    def message(self) -> dict:
        return self.typed_data["message"]

    @property
    def digest(self) -> bytes:
        return typed_data_digest(self.typed_data)


def domain_of(collection: Collection) -> dict:
    """The collection's EIP-712 domain, as it reports it (ERC-5267)."""
    fields, name, version, chain_id, verifying, salt, _ = collection.chain.call(
        collection.contract.functions.eip712Domain())
    values = {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying,
              "salt": "0x" + bytes(salt).hex()}
    domain = {key: values[key] for i, (key, _t) in enumerate(DOMAIN_FIELDS) if fields[0] >> i & 1}
    types = [{"name": key, "type": t} for i, (key, t) in enumerate(DOMAIN_FIELDS) if fields[0] >> i & 1]
    return {"domain": domain, "types": types}


def typed_data(collection: Collection, kind: str, message: dict) -> dict:
    domain = domain_of(collection)
    return {"types": {"EIP712Domain": domain["types"], kind: TYPES[kind]}, "primaryType": kind,
            "domain": domain["domain"], "message": message}


def typed_data_digest(typed: dict) -> bytes:
    signable = encode_typed_data(full_message=typed)
    return keccak(b"\x19\x01" + signable.header + signable.body)


def terms_commitment(terms: str, salt: bytes) -> bytes:
    return keccak(encode(["bytes32", "string"], [salt, terms]))


def parse_deadline(text: str, now: int | None = None) -> int:
    """`7d`, `12h`, `30m`, `600s` or `600` from now."""
    match = re.fullmatch(r"\s*(\d+)\s*([dhms]?)\s*", str(text))
    if not match:
        raise InputError(f"deadline {text!r} is not a duration", "write e.g. 7d, 12h, 30m or 600")
    seconds = int(match.group(1)) * {"d": 86400, "h": 3600, "m": 60, "s": 1, "": 1}[match.group(2)]
    if seconds <= 0:
        raise InputError("the deadline must be in the future", "pass a positive duration")
    return (now if now is not None else int(time.time())) + seconds


def deadline_on(collection: Collection, text: str) -> int:
    """A deadline `text` from now on the chain's clock (the one the contract checks)."""
    return parse_deadline(text, collection.chain.next_block_time())


def _sign(collection: Collection, kind: str, message: dict, **extra) -> Signed:
    signer = collection.chain.account
    if signer is None:
        raise InputError("signing needs the owner's account", "pass --account, --keystore or --dev-account")
    # uint256 values as decimal strings: JSON readers such as JavaScript's lose precision above 2**53
    uints = {field["name"] for field in TYPES[kind] if field["type"] == "uint256"}
    message = {key: str(value) if key in uints else value for key, value in message.items()}
    typed = typed_data(collection, kind, message)
    signature = Account.sign_message(encode_typed_data(full_message=typed), signer.key).signature
    return Signed(kind, typed, "0x" + bytes(signature).hex(), signer.address, **extra)


def sign_resale_consent(collection: Collection, passport_id: int, buyer: str | None, terms: str,
                        deadline: int, reseller: str | None) -> Signed:
    """The seller's consent to a resale through `reseller` (None: explicitly any accredited
    reseller); needs only the seller's key, no gas."""
    salt = secrets.token_bytes(32)
    message = {
        "chainId": collection.chain.chain_id, "collection": collection.address, "tokenId": passport_id,
        "reseller": parse_address(reseller, "reseller") if reseller else ZERO_ADDRESS,
        "buyer": parse_address(buyer, "buyer") if buyer else ZERO_ADDRESS,
        "termsHash": "0x" + terms_commitment(terms, salt).hex(),
        "nonce": collection.nonce(passport_id),
        "deadline": deadline,
    }
    _require_owner(collection, passport_id)
    return _sign(collection, "ResaleConsent", message, terms=terms, terms_salt="0x" + salt.hex())


def sign_permit(collection: Collection, passport_id: int, spender: str, deadline: int) -> Signed:
    _require_owner(collection, passport_id)
    message = {"spender": parse_address(spender, "spender"), "tokenId": passport_id,
               "nonce": collection.nonce(passport_id), "deadline": deadline}
    return _sign(collection, "Permit", message)


def sign_clear_request(collection: Collection, passport_id: int, deadline: int) -> Signed:
    """The reporter's request to clear the current report; it names the report by the nonce the
    report set, so it cannot clear a later one."""
    message = {"tokenId": passport_id,
               "reportNonce": collection.nonce(passport_id),
               "deadline": deadline}
    return _sign(collection, "ClearReport", message)


def revoke_signatures(collection: Collection, passport_id: int) -> Recorded:
    """The owner ends every consent, permit and rebind request they signed for the passport,
    its approval and any pending recovery, without moving it."""
    def prepare():
        _require_owner(collection, passport_id)
        return collection.contract.functions.revokeSignatures(passport_id)
    return collection.sender.submit(Action(
        f"revoke signatures of {passport_hex(passport_id)[:12]}…", prepare,
        lambda receipt: Recorded(passport_hex(passport_id), "signatures-revoked", tx_hex(receipt)),
        f"revoke signatures {collection.address} {passport_id}"))


def recover_signer(signed: Signed) -> str:
    try:
        return Account._recover_hash(signed.digest, signature=bytes.fromhex(signed.signature.removeprefix("0x")))
    except Exception:  # a malformed signature recovers nobody
        return ZERO_ADDRESS


@dataclass
class ConsentCheck:
    valid: bool
    error: str | None  # the contract's error name (or TermsAltered, NotAConsent) when not valid
    reason: str


def check_consent(collection: Collection, signed: Signed) -> ConsentCheck:
    """Check a resale consent off chain exactly as the contract does."""
    verdict, reason = _consent_verdict(collection, signed)
    return ConsentCheck(verdict == "ok", None if verdict == "ok" else verdict, reason)


def _consent_verdict(collection: Collection, signed: Signed) -> tuple[str, str]:
    """("ok" or the contract's error name, a reason)."""
    message = signed.message
    chain = collection.chain
    if signed.kind != "ResaleConsent":
        return "NotAConsent", f"the file holds a {signed.kind}, not a resale consent"
    if int(message["chainId"]) != chain.chain_id:
        return "PassportConsentWrongChain", f"signed for chain {message['chainId']}, this is chain {chain.chain_id}"
    if parse_address(message["collection"]) != collection.address:
        return "PassportConsentWrongCollection", f"signed for collection {message['collection']}"
    if typed_data_digest({**signed.typed_data, "domain": domain_of(collection)["domain"]}) != signed.digest:
        return "PassportConsentWrongCollection", "signed in another EIP-712 domain"
    if signed.terms is not None:
        try:
            matches = "0x" + terms_commitment(signed.terms, bytes.fromhex(str(signed.terms_salt).removeprefix("0x"))
                                              ).hex() == str(message["termsHash"]).lower()
        except ValueError:
            matches = False
        if not matches:
            return "TermsAltered", "the terms in the file are not the ones the seller signed (edited after signing)"
    if chain.next_block_time() > int(message["deadline"]):  # the earliest block a resale can land in
        return "PassportConsentExpired", f"the consent expired at {utc(int(message['deadline']))}"
    token = int(message["tokenId"])
    owner = collection.owner_of(token)
    nonce = collection.nonce(token)
    if int(message["nonce"]) != nonce:
        used = collection.resale_with(token, signed.digest)
        if used:
            return "PassportConsentStale", f"this consent was already used (resale in transaction {used})"
        return "PassportConsentStale", "the passport moved, or its owner revoked signatures, since the consent was signed"
    reseller = parse_address(message["reseller"])
    submitter = chain.account.address if chain.account is not None else None
    if int(reseller, 16) and submitter and submitter != reseller:
        return "PassportConsentWrongReseller", f"the consent names the reseller {reseller}, not {submitter}"
    if not _signed_by(chain, owner, signed):
        return "PassportConsentNotOwner", f"not signed by the owner {owner}"
    return "ok", f"signed by the owner {owner}"


def _signed_by(chain, owner: str, signed: Signed) -> bool:
    try:
        signature = bytes.fromhex(signed.signature.removeprefix("0x"))
    except ValueError:
        return False
    return is_signed_by(chain, owner, signed.digest, signature)


def is_signed_by(chain, account: str, digest: bytes, signature: bytes) -> bool:
    """Whether `account` signed `digest`: its ECDSA signature, or a contract wallet's ERC-1271 answer."""
    if chain.w3.eth.get_code(account):  # a contract wallet answers through ERC-1271
        wallet = chain.w3.eth.contract(address=account, abi=[{
            "name": "isValidSignature", "type": "function", "stateMutability": "view",
            "inputs": [{"name": "hash", "type": "bytes32"}, {"name": "signature", "type": "bytes"}],
            "outputs": [{"name": "", "type": "bytes4"}]}])
        try:
            answer = chain.call(wallet.functions.isValidSignature(digest, signature))
        except (ContractRevert, Web3Exception, ValueError):  # a wallet that refuses, or does not answer ERC-1271
            return False
        return bytes(answer) == ERC1271_MAGIC
    try:
        return Account._recover_hash(digest, signature=signature) == account
    except Exception:  # a malformed signature recovers nobody
        return False


@dataclass
class ResaleResult:
    passport_id: str
    status: str  # "recorded"; a consent used already is AlreadyDone
    buyer: str
    reseller: str
    tx: str | None


def submit_resale(collection: Collection, signed: Signed, buyer: str | None) -> ResaleResult:
    """An accredited reseller records the resale. A consent that already went through is
    AlreadyDone, not a failure."""
    message = signed.message
    token = int(message["tokenId"])
    named = message["buyer"] if int(message["buyer"], 16) else None
    buyer = parse_address(buyer, "buyer") if buyer else named
    if buyer is None:
        raise InputError("the consent allows any buyer, so the buyer must be named", "pass --to BUYER")
    used = int(message["nonce"]) != collection.nonce(token) and collection.resale_with(token, signed.digest)
    if used:
        return AlreadyDone(f"resale of {passport_hex(token)[:12]}… to {buyer}", used,
                           {"passport_id": passport_hex(token), "buyer": collection.owner_of(token)})

    def prepare():
        check = check_consent(collection, signed)
        if not check.valid:
            raise LuxpassError(f"the consent is refused ({check.error}): {check.reason}",
                               "ask the seller for a new consent")
        refuse_self_transfer(collection.owner_of(token), buyer)
        consent = (int(message["chainId"]), parse_address(message["collection"]), token,
                   parse_address(message["reseller"]), parse_address(message["buyer"]),
                   bytes.fromhex(message["termsHash"].removeprefix("0x")), int(message["nonce"]),
                   int(message["deadline"]))
        return collection.contract.functions.resell(consent, buyer, bytes.fromhex(signed.signature.removeprefix("0x")))
    return collection.sender.submit(Action(
        f"resale of {passport_hex(token)[:12]}… to {buyer}", prepare,
        lambda receipt: ResaleResult(passport_hex(token), "recorded", buyer, collection.sender.address, tx_hex(receipt)),
        f"resale {collection.address} 0x{signed.digest.hex()} {buyer}"))


def submit_permit(collection: Collection, signed: Signed, to: str) -> Recorded:
    """The spender (e.g. a marketplace) uses the permit and moves the passport to the buyer.
    ERC-4494 permits carry no chain id or collection of their own and the contract sees a
    stale one only as a bad signature, so those cases are named here, before sending."""
    message = signed.message
    if signed.kind != "Permit":
        raise InputError(f"the file holds a {signed.kind}, not a permit", "pass a permit file")
    token, spender = int(message["tokenId"]), parse_address(message["spender"])
    to = parse_address(to, "recipient")
    owner = collection.owner_of(token)

    if collection.request_used(signed.digest):
        if owner == to:  # the permit's move was done: a rerun
            return AlreadyDone(f"permit move of {passport_hex(token)[:12]}… to {to}", None,
                               {"passport_id": passport_hex(token), "owner": to})
        if collection.chain.call(collection.contract.functions.getApproved(token)) != collection.sender.address:
            raise LuxpassError(f"this permit for {passport_hex(token)} was already used", "ask the owner for a new one")
        return collection.transfer(token, to, owner)  # approved by the permit, not yet moved: a rerun finishes it

    def prepare():
        nonce = collection.nonce(token)
        if int(message["nonce"]) != nonce:
            raise LuxpassError(f"the permit was signed before passport {passport_hex(token)} last moved "
                               f"(nonce {message['nonce']}, now {nonce})", "ask the owner for a new one")
        if collection.sender.address != spender:
            raise InputError(f"the permit is for spender {spender}, not {collection.sender.address}",
                             "submit it from the spender's account")
        refuse_self_transfer(owner, to)
        return collection.contract.functions.permit(spender, token, int(message["deadline"]),
                                                    bytes.fromhex(signed.signature.removeprefix("0x")))
    collection.sender.submit(Action(f"permit for {passport_hex(token)[:12]}…", prepare,
                                    purpose=f"permit {collection.address} 0x{signed.digest.hex()}"))
    return collection.transfer(token, to, owner)


def submit_clear_request(collection: Collection, signed: Signed) -> Recorded:
    message = signed.message
    if signed.kind != "ClearReport":
        raise InputError(f"the file holds a {signed.kind}, not a clear-report request", "pass the owner's request")
    token = int(message["tokenId"])
    return collection.sender.submit(Action.of(
        collection.contract.functions.clearReportFor(token, int(message["reportNonce"]), int(message["deadline"]),
                                                     bytes.fromhex(signed.signature.removeprefix("0x"))),
        f"clear report of {passport_hex(token)[:12]}… on the owner's request",
        lambda receipt: Recorded(passport_hex(token), "found", tx_hex(receipt)),
        f"clear report {collection.address} 0x{signed.digest.hex()}"))


def _require_owner(collection: Collection, passport_id: int) -> None:
    owner = collection.owner_of(passport_id)
    signer = collection.chain.account
    if signer is not None and signer.address != owner:
        raise LuxpassError(f"{signer.address} does not own passport {passport_hex(passport_id)}",
                           f"sign with the owner's account ({owner})")
