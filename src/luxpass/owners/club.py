"""The owners' club and the brand's notices. An owner signs in with Ethereum (EIP-4361, the
`siwe` package; an ERC-1271 wallet such as a Safe too): the server proves that the wallet holds a
passport of the brand's collection, read at a pinned block (the head when she signed in), and
opens a session. Notices live in the server's database only: nothing on chain says who got which
notice. A holder sees the notices for her passport, and the brand's notices for every holder,
posted since the block her ownership began, so a new owner never reads the earlier owner's; an
owner can opt out of the brand's notices, and back in."""
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from eth_account.messages import _hash_eip191_message, encode_defunct
from siwe import SiweMessage, generate_nonce
from siwe.siwe import VerificationError

from ..chain import rpc
from ..errors import InputError
from ..files import read_json
from ..onchain.collection import Collection
from ..onchain.consent import is_signed_by
from ..onchain.registry import Brand, Consortium
from ..spec import topic
from ..values import parse_address, passport_hex
from .relay import Refused
from .store import OwnerStore

NONCE_TTL = 600  # seconds a sign-in nonce may wait for its signature
SESSION_TTL = 12 * 3600
NOTICE_KINDS = ("recall", "service", "invitation", "news")
MAX_NOTICE = 4000


def statement(brand: Brand) -> str:
    return f"Sign in to the owners' club of {brand.name}. This signs no transaction and costs nothing."


def issue_nonce(store: OwnerStore) -> str:
    nonce = generate_nonce()
    with store.transaction() as db:
        db.execute("DELETE FROM siwe_nonces WHERE issued < ?", (time.time() - NONCE_TTL,))
        db.execute("INSERT INTO siwe_nonces (nonce, issued) VALUES (?, ?)", (nonce, time.time()))
    return nonce


def sign_in_message(domain: str, uri: str, address: str, chain_id: int, nonce: str, brand: Brand) -> str:
    """The EIP-4361 text the wallet shows and signs."""
    message = SiweMessage(domain=domain, address=parse_address(address, "address"), uri=uri, version="1",
                          chain_id=chain_id, nonce=nonce, statement=statement(brand),
                          issued_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    return message.prepare_message()


@dataclass(frozen=True)
class Holding:
    token_id: int
    since_block: int  # the block her current ownership began


def holdings(consortium: Consortium, collection: str, address: str, block: int) -> list[Holding]:
    """The passports of `collection` that `address` holds at `block`, each with the block it came
    to her in; read from the collection's Transfer logs to her and checked against ownerOf."""
    passports = Collection(consortium.chain, collection)
    if not consortium.chain.call(passports.contract.functions.balanceOf(address), block):
        return []
    logs = rpc.get_logs(consortium.chain.w3, {
        "address": passports.address, "fromBlock": hex(consortium.deployment.block), "toBlock": hex(block),
        "topics": ["0x" + topic("Transfer").hex(), None, "0x" + "00" * 12 + address[2:].lower()]})
    arrived: dict[int, int] = {}
    for log in logs:
        arrived[int(log["topics"][3], 16)] = int(log["blockNumber"], 16)
    return [Holding(token, since) for token, since in arrived.items()
            if passports.owner_of(token, block) == address]


def sign_in(store: OwnerStore, consortium: Consortium, brand: Brand, domain: str, text, signature) -> dict:
    """Check the signed EIP-4361 message and open a session for a holder: {token, address, passports, block}."""
    if not isinstance(text, str) or not isinstance(signature, str) or len(text) > 4000:
        raise InputError("sign-in needs the EIP-4361 message and its signature", "send {message, signature}")
    try:
        message = SiweMessage.from_message(text)
    except Exception as exc:  # the ABNF parser and pydantic raise many kinds of error on hostile text
        raise InputError(f"the sign-in message is not EIP-4361 ({type(exc).__name__})",
                         "sign the message GET /api/siwe/nonce gave") from None
    if message.chain_id != consortium.chain.chain_id:
        raise Refused(403, f"the message is for chain {message.chain_id}", f"sign in on chain {consortium.chain.chain_id}")
    with store.transaction() as db:
        used = db.execute("DELETE FROM siwe_nonces WHERE nonce = ? AND issued >= ?",
                          (message.nonce, time.time() - NONCE_TTL)).rowcount
    if not used:
        raise Refused(403, "the sign-in nonce is unknown, used or expired", "ask GET /api/siwe/nonce for a new one")
    address = parse_address(message.address, "address")
    if not _verified(consortium, message, text, signature, domain):
        raise Refused(403, "the sign-in does not verify (signature, site or time)",
                      "sign the message with the wallet it names, on this site")
    block = consortium.chain.w3.eth.block_number
    held = holdings(consortium, brand.collection, address, block)
    if not held:
        raise Refused(403, f"{address} holds no passport of {brand.name} (block {block})",
                      "sign in with the wallet that holds your passport")
    token = secrets.token_urlsafe(32)
    with store.transaction() as db:
        db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
        db.execute("INSERT INTO sessions (token_hash, address, block, expires) VALUES (?, ?, ?, ?)",
                   (_hash(token), address, block, time.time() + SESSION_TTL))
    return {"token": token, "address": address, "block": block,
            "passports": [{"collection": brand.collection, "tokenId": passport_hex(h.token_id)} for h in held]}


def _verified(consortium: Consortium, message: SiweMessage, text: str, signature: str, domain: str) -> bool:
    """siwe's verification; for a contract wallet (a Safe), whose ERC-1271 signature is not 65
    bytes long and which siwe 4.4 refuses before asking it, the message's site and times checked
    here and the signature by the wallet itself."""
    if not consortium.chain.w3.eth.get_code(message.address):
        try:
            message.verify(signature, domain=domain, nonce=message.nonce)
        except (VerificationError, ValueError):
            return False
        return True
    now = datetime.now(timezone.utc)
    if message.domain != domain or (message.expiration_time and now >= message.expiration_time._datetime) \
            or (message.not_before and now <= message.not_before._datetime):
        return False
    try:
        raw = bytes.fromhex(signature.removeprefix("0x"))
    except ValueError:
        return False
    return is_signed_by(consortium.chain, message.address, _hash_eip191_message(encode_defunct(text=text)), raw)


def session_address(store: OwnerStore, token: str | None) -> str:
    """The signed-in address of the session `token`; Refused 401 without one."""
    rows = store.query("SELECT address FROM sessions WHERE token_hash = ? AND expires > ?",
                       (_hash(token or ""), time.time()))
    if not token or not rows:
        raise Refused(401, "not signed in", "sign in with your wallet (POST /api/siwe/verify)")
    return rows[0]["address"]


def current_holdings(consortium: Consortium, brand: Brand, address: str) -> list[Holding]:
    """Her passports now; Refused 403 when she holds none any more."""
    held = holdings(consortium, brand.collection, address, consortium.chain.w3.eth.block_number)
    if not held:
        raise Refused(403, f"{address} holds no passport of {brand.name} now", "the club is for current owners")
    return held


def club_content(path: Path | None, brand: Brand) -> dict:
    """The brand's owner-only content (its JSON file), or an empty club."""
    if path is None:
        return {"title": f"{brand.name} owners' club", "sections": []}
    return read_json(path, "club content")


def post_notice(store: OwnerStore, collection: str, block: int, title: str, body: str, kind: str = "news",
                token_id: int | None = None) -> int:
    """Post a notice for every holder of the collection, or for the holder of `token_id`."""
    if kind not in NOTICE_KINDS:
        raise InputError(f"notice kind {kind!r} is unknown", f"use one of {', '.join(NOTICE_KINDS)}")
    if not title.strip() or len(title) > 200 or not body.strip() or len(body) > MAX_NOTICE:
        raise InputError("a notice needs a title (up to 200 characters) and a body (up to 4000)",
                         "pass --title and --body")
    with store.transaction() as db:
        return db.execute("INSERT INTO notices (collection, token_id, kind, title, body, block, posted) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)", (collection, None if token_id is None else
                                                           passport_hex(token_id), kind, title, body, block,
                                                           time.time())).lastrowid


def notices_for(store: OwnerStore, collection: str, address: str, held: list[Holding]) -> dict:
    """The notices `address` may read as the holder of `held`, newest first, unless she opted out."""
    if opted_out(store, collection, address):
        return {"optedOut": True, "notices": []}
    since = {passport_hex(h.token_id): h.since_block for h in held}
    rows = store.query("SELECT * FROM notices WHERE collection = ? AND block >= ? ORDER BY block DESC, id DESC",
                       (collection, min(since.values())))
    shown = [r for r in rows if (r["token_id"] is None and r["block"] >= min(since.values()))
             or (r["token_id"] in since and r["block"] >= since[r["token_id"]])]
    return {"optedOut": False, "notices": [
        {"id": r["id"], "kind": r["kind"], "title": r["title"], "body": r["body"], "tokenId": r["token_id"],
         "posted": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r["posted"])), "block": r["block"]}
        for r in shown]}


def opted_out(store: OwnerStore, collection: str, address: str) -> bool:
    return bool(store.query("SELECT 1 FROM opt_outs WHERE collection = ? AND address = ?", (collection, address)))


def set_opt_out(store: OwnerStore, collection: str, address: str, out: bool) -> dict:
    with store.transaction() as db:
        if out:
            db.execute("INSERT OR IGNORE INTO opt_outs (collection, address, at) VALUES (?, ?, ?)",
                       (collection, address, time.time()))
        else:
            db.execute("DELETE FROM opt_outs WHERE collection = ? AND address = ?", (collection, address))
    return {"optedOut": out}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
