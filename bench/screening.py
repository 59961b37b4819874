"""What a marketplace would write to screen listings without luxpass's `screen` view, for
`make bench` to time beside it on the same node and the same listings:

- Multicall3: the real contract (its runtime code from the `multicall` package, byte for byte the
  code of 0xcA11bde05977b3631167028862bE2a173976CA11, checked by its code hash), `aggregate3` over
  `ownerOf` and `passport` (the status) of each listing's passport, encoded and decoded with eth_abi;
- web3.py's batched JSON-RPC requests (`w3.batch_requests()`) of the same two reads through the
  contract's ABI;
- a raw JSON-RPC batch of `ownerOf` eth_calls, PER_REQUEST a POST, with `requests` and no web3: the
  least a marketplace would write, which checks only that the seller owns the passport.

They turn the reads into the verdict `screen` gives (no such passport, lost, stolen, destroyed, seller
not the owner, authentic; the raw batch, which reads no status, only the first, the fifth and the
last), so that the bench can check that they agree with it before timing them. They leave out the
one verdict that needs a third read per passport (a pending recovery)."""
import requests
from eth_abi import decode, encode
from eth_utils import keccak
from multicall.constants import MULTICALL3_BYTECODE

from luxpass.chain.artifacts import abi
from luxpass.spec import Screening

# keccak256 of Multicall3's runtime code, as its published pre-signed deployment transaction leaves
# it at 0xcA11bde05977b3631167028862bE2a173976CA11 (checked on Anvil against that transaction).
MULTICALL3_CODEHASH = bytes.fromhex("d5c15df687b16f2ff992fc8d767b4216323184a2bbc6ee2f9c398c318e770891")
PER_REQUEST = 1000  # listings a Multicall3 call, and a web3.py batch, carry (2 reads each)

_AGGREGATE3 = keccak(text="aggregate3((address,bool,bytes)[])")[:4]
_OWNER_OF = keccak(text="ownerOf(uint256)")[:4]
_PASSPORT = keccak(text="passport(uint256)")[:4]
_PASSPORT_FIELDS = next(f for f in abi("BrandPassport") if f.get("name") == "passport")["outputs"][0]["components"]
_PASSPORT_TYPES = ["(" + ",".join(field["type"] for field in _PASSPORT_FIELDS) + ")"]  # as the contract has it
_STATUS_AT = [field["name"] for field in _PASSPORT_FIELDS].index("status")
_STATUS_VERDICTS = (Screening.AUTHENTIC, Screening.LOST, Screening.STOLEN, Screening.DESTROYED)


def deploy_multicall3(chain) -> str:
    """Deploy Multicall3's runtime code by a plain creation transaction (a 12-byte constructor that
    returns the code that follows it); its address."""
    runtime = bytes.fromhex(MULTICALL3_BYTECODE.removeprefix("0x"))
    if keccak(runtime) != MULTICALL3_CODEHASH:
        raise SystemExit("error: the multicall package's MULTICALL3_BYTECODE is not Multicall3's code; "
                         "reinstall the version pyproject.toml pins")
    # PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN
    constructor = b"\x61" + len(runtime).to_bytes(2, "big") + bytes.fromhex("80600c6000396000f3")
    factory = chain.w3.eth.contract(abi=[], bytecode=constructor + runtime)
    address = chain.sender.transact(factory.constructor(), label="deploy Multicall3")["contractAddress"]
    if keccak(chain.w3.eth.get_code(address)) != MULTICALL3_CODEHASH:
        raise SystemExit("error: the deployed Multicall3 does not hold Multicall3's code")
    return address


def verdict(owner: str | None, status: int | None, seller: str | None) -> Screening:
    if owner is None:
        return Screening.NO_SUCH_PASSPORT
    if status:
        return _STATUS_VERDICTS[status]
    if seller is not None and seller.lower() != owner.lower():
        return Screening.SELLER_NOT_OWNER
    return Screening.AUTHENTIC


def screen_multicall3(w3, multicall: str, collection: str, listings) -> list[Screening]:
    verdicts = []
    for start in range(0, len(listings), PER_REQUEST):
        part = listings[start:start + PER_REQUEST]
        calls = []
        for listing in part:
            word = listing.passport_id.to_bytes(32, "big")
            calls += [(collection, True, _OWNER_OF + word), (collection, True, _PASSPORT + word)]
        raw = w3.eth.call({"to": multicall, "data": _AGGREGATE3 + encode(["(address,bool,bytes)[]"], [calls])})
        (results,) = decode(["(bool,bytes)[]"], raw)
        for n, listing in enumerate(part):
            (owned, owner), (found, state) = results[2 * n], results[2 * n + 1]
            if not (owned and found):
                verdicts.append(verdict(None, None, listing.seller))
                continue
            verdicts.append(verdict(decode(["address"], owner)[0], decode(_PASSPORT_TYPES, state)[0][_STATUS_AT],
                                    listing.seller))
    return verdicts


def screen_web3_batch(contract, listings) -> list[Screening]:
    """Each listing's passport must exist: one `ownerOf` that reverts fails web3.py's whole batch."""
    verdicts = []
    w3 = contract.w3
    for start in range(0, len(listings), PER_REQUEST):
        part = listings[start:start + PER_REQUEST]
        with w3.batch_requests() as batch:
            for listing in part:
                batch.add(contract.functions.ownerOf(listing.passport_id))
                batch.add(contract.functions.passport(listing.passport_id))
            answers = batch.execute()
        for n, listing in enumerate(part):
            verdicts.append(verdict(answers[2 * n], answers[2 * n + 1][_STATUS_AT], listing.seller))
    return verdicts


def screen_raw_batch(session: requests.Session, rpc_url: str, collection: str, listings) -> list[Screening]:
    """`ownerOf` of each listing's passport, PER_REQUEST eth_calls a JSON-RPC batch POST; an error
    answer (the call reverted: no such passport) is NO_SUCH_PASSPORT."""
    verdicts = []
    for start in range(0, len(listings), PER_REQUEST):
        part = listings[start:start + PER_REQUEST]
        batch = [{"jsonrpc": "2.0", "id": n, "method": "eth_call",
                  "params": [{"to": collection, "data": "0x" + _OWNER_OF.hex() + "%064x" % listing.passport_id}, "latest"]}
                 for n, listing in enumerate(part)]
        answers = sorted(session.post(rpc_url, json=batch, timeout=60).json(), key=lambda answer: answer["id"])
        for listing, answer in zip(part, answers):
            owner = "0x" + answer["result"][-40:] if answer.get("result") else None
            verdicts.append(verdict(owner, 0, listing.seller))
    return verdicts
