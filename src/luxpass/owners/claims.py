"""Claim links of first sales: the boutique's sale hands the buyer a link (and its QR code) that
works once, until it expires, for that one passport. The buyer opens it, connects her wallet and
signs a `PassportClaim` naming the passport, her address, the link and its expiry; the brand's
server, whose relayer holds the retailer's role, then makes the first sale to her. The buyer pays
nothing and the boutique never sees her key.

The link's code is random (128 bits) and only its SHA-256 is stored; the first valid claim binds
the link to its buyer, so a second wallet is refused even while the first one's sale is sent. A
link is bound to the passport's nonce when it was made: once the passport moved (to another
boutique, back to the brand), was reported or its signatures revoked, the link is dead and the
passport may have a new one."""
import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from eth_account.messages import encode_typed_data
from eth_utils import keccak

from ..chain.connection import Chain
from ..errors import InputError
from ..onchain.collection import Collection
from ..onchain.consent import is_signed_by
from ..proofs.link import write_qr
from ..values import parse_address, passport_hex
from .relay import Refused, Relayer
from .store import OwnerStore

MAX_VALIDITY = 7 * 86400
clock = time.time  # the server's clock, that expiries are read against
FIRST_SALE_GAS = 200_000
CLAIM_FIELDS = [{"name": "collection", "type": "address"}, {"name": "tokenId", "type": "uint256"},
                {"name": "buyer", "type": "address"}, {"name": "link", "type": "bytes32"},
                {"name": "expires", "type": "uint256"}]


def code_hash(code: str) -> bytes:
    return hashlib.sha256(code.encode()).digest()


@dataclass(frozen=True)
class ClaimLink:
    url: str
    collection: str
    passportId: str
    expires: int
    qrSvg: str | None
    qrPng: str | None


def create_link(store: OwnerStore, collection: Collection, token_id: int, base_url: str, valid_for: int,
                qr_stem: Path | None = None) -> ClaimLink:
    """A new claim link for the passport, which must be unsold and in the brand's custody; a
    passport with an open link (unused, unexpired) gets no second one."""
    if not 60 <= valid_for <= MAX_VALIDITY:
        raise InputError(f"a claim link valid for {valid_for} s is out of range", "give it 1 minute to 7 days")
    sold = collection.passport(token_id)["sold"]
    owner = collection.owner_of(token_id)
    if sold or not collection.chain.call(collection.contract.functions.isBrandCustodian(owner)):
        raise InputError(f"passport {passport_hex(token_id)} is not in the brand's custody, unsold",
                         "make claim links for passports still in store")
    nonce = collection.nonce(token_id)
    code = secrets.token_urlsafe(16)
    now = clock()
    with store.transaction() as db:
        open_until = db.execute("SELECT MAX(expires) FROM claim_links WHERE collection = ? AND token_id = ? AND tx IS "
                                "NULL AND expires > ? AND (nonce IS NULL OR nonce = ?)",
                                (collection.address, passport_hex(token_id), now, nonce)).fetchone()[0]
        if open_until:
            raise InputError(f"passport {passport_hex(token_id)} has an open claim link until {int(open_until)}",
                             "hand the buyer that link, or wait until it expires")
        db.execute("INSERT INTO claim_links (code_hash, collection, token_id, expires, created, nonce) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (code_hash(code).hex(), collection.address, passport_hex(token_id),
                                                 int(now) + valid_for, now, nonce))
    url = f"{base_url.rstrip('/')}/claim/{code}"
    qr = write_qr(url, qr_stem) if qr_stem else None
    return ClaimLink(url, collection.address, passport_hex(token_id), int(now) + valid_for,
                     str(qr.svg) if qr else None, str(qr.png) if qr else None)


def claim_typed_data(chain_id: int, collection: str, token_id: int, code: str, expires: int,
                     buyer: str | None) -> dict:
    """The PassportClaim the buyer signs (`buyer` None: for the page to fill in)."""
    return {"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                                       {"name": "chainId", "type": "uint256"}],
                      "PassportClaim": CLAIM_FIELDS},
            "primaryType": "PassportClaim",
            "domain": {"name": "luxpass claim", "version": "1", "chainId": chain_id},
            "message": {"collection": collection, "tokenId": str(token_id), "buyer": buyer,
                        "link": "0x" + code_hash(code).hex(), "expires": expires}}


def _open(store: OwnerStore, code: str):
    if not isinstance(code, str) or not 8 <= len(code) <= 64:
        raise LookupError("no such claim link")
    rows = store.query("SELECT * FROM claim_links WHERE code_hash = ?", (code_hash(code).hex(),))
    if not rows:
        raise LookupError("no such claim link; check the link the boutique gave you")
    row = rows[0]
    if row["tx"]:
        raise Refused(410, "this claim link was already used", "ask the boutique: the passport was handed over")
    if clock() > row["expires"]:
        raise Refused(410, "this claim link has expired", "ask the boutique for a new one")
    return row


def _require_unmoved(chain: Chain, row) -> None:
    """Refused 410 once the link's passport moved (or was reported) since the link was made."""
    if row["nonce"] is not None and Collection(chain, row["collection"]).nonce(int(row["token_id"], 16)) != row["nonce"]:
        raise Refused(410, "the passport moved (or was reported) since this claim link was made",
                      "ask the boutique for a new link")


def show_link(store: OwnerStore, chain: Chain, code: str) -> dict:
    """The link's passport and the PassportClaim to sign, while the link is open."""
    row = _open(store, code)
    _require_unmoved(chain, row)
    token_id = int(row["token_id"], 16)
    return {"collection": row["collection"], "tokenId": row["token_id"], "expires": row["expires"],
            "typedData": claim_typed_data(chain.chain_id, row["collection"], token_id, code, row["expires"], None)}


def redeem(store: OwnerStore, relayer: Relayer, code: str, buyer_text, signature: bytes) -> dict:
    """Make the first sale of the link's passport to `buyer`, who signed the PassportClaim."""
    row = _open(store, code)
    buyer = parse_address(buyer_text, "buyer")
    token_id = int(row["token_id"], 16)
    typed = claim_typed_data(relayer.chain.chain_id, row["collection"], token_id, code, row["expires"], buyer)
    signable = encode_typed_data(full_message=typed)
    digest = keccak(b"\x19\x01" + signable.header + signable.body)
    if not is_signed_by(relayer.chain, buyer, digest, signature):
        raise Refused(403, f"the claim is not signed by {buyer}", "sign the claim with the wallet that receives the passport")
    with store.transaction() as db:
        bound = db.execute("UPDATE claim_links SET buyer = ? WHERE code_hash = ? AND tx IS NULL AND "
                           "(buyer IS NULL OR buyer = ?)", (buyer, row["code_hash"], buyer)).rowcount
    if not bound:
        raise Refused(410, "this claim link was already claimed by another wallet", "ask the boutique")
    collection = Collection(relayer.chain, row["collection"])

    def first_sale():  # checked under the relayer's lock, just before the sale is estimated and sent
        _require_unmoved(relayer.chain, row)
        return collection.contract.functions.firstSale(token_id, buyer)

    with relayer.lock:
        relayer.require_served(collection.address)
        receipt, _ = relayer.pay(first_sale,
                                 f"first sale of {row['token_id'][:12]}… by claim link to {buyer}",
                                 f"first sale by claim link {row['code_hash']}", buyer,
                                 collection.address, token_id, "firstSale", FIRST_SALE_GAS)
    tx = "0x" + bytes(receipt["transactionHash"]).hex()
    with store.transaction() as db:
        db.execute("UPDATE claim_links SET tx = ?, claimed = ? WHERE code_hash = ?", (tx, time.time(), row["code_hash"]))
    return {"tx": tx, "block": receipt["blockNumber"], "owner": buyer, "collection": collection.address,
            "tokenId": row["token_id"]}
