"""Owners that are Safes (ERC-1271 wallets): OpenZeppelin's forwarder recovers ECDSA signers
only, so a Safe acts by a Safe transaction that calls the collection itself, signed by its owners
(the SafeTx EIP-712 typed data, in the Safe's own domain) and submitted by the relayer with their
signatures (`execTransaction`). The Safe's own nonce makes each transaction work once; only the
owner actions the forwarder relays are paid for, each checked against the passport first."""
from eth_account import Account

from ..errors import ContractRevert, InputError
from ..onchain.collection import Collection
from ..onchain.forwarder import parse_action
from ..onchain.safe import Safe, SafeTransaction, pack_signatures, safe_tx_hash
from ..spec import RELAYED_ACTIONS
from ..values import parse_address, passport_hex
from .passports import action_args
from .relay import Refused, Relayer

SAFE_TX_FIELDS = [{"name": "to", "type": "address"}, {"name": "value", "type": "uint256"},
                  {"name": "data", "type": "bytes"}, {"name": "operation", "type": "uint8"},
                  {"name": "safeTxGas", "type": "uint256"}, {"name": "baseGas", "type": "uint256"},
                  {"name": "gasPrice", "type": "uint256"}, {"name": "gasToken", "type": "address"},
                  {"name": "refundReceiver", "type": "address"}, {"name": "nonce", "type": "uint256"}]
EXEC_OVERHEAD = 120_000  # execTransaction's own gas, above the call's
MOST_GAS = 150_000 + EXEC_OVERHEAD  # the most a Safe transaction is paid for


def safe_typed_data(chain_id: int, safe: str, tx: SafeTransaction) -> dict:
    """The SafeTx typed data the owners sign with eth_signTypedData_v4 (its digest is Safe 1.4.1's
    getTransactionHash)."""
    return {"types": {"EIP712Domain": [{"name": "chainId", "type": "uint256"},
                                       {"name": "verifyingContract", "type": "address"}],
                      "SafeTx": SAFE_TX_FIELDS},
            "primaryType": "SafeTx", "domain": {"chainId": chain_id, "verifyingContract": safe},
            "message": tx.to_dict()}


def prepare(relayer: Relayer, body: dict) -> dict:
    """The Safe transaction for `body` ({safe, collection, action, args}), simulated from the Safe."""
    safe = Safe(relayer.chain, parse_address(body.get("safe"), "safe"))
    collection = Collection(relayer.chain, parse_address(body.get("collection"), "collection"))
    relayer.require_served(collection.address)
    name = body.get("action")
    args = action_args(name, body.get("args"))
    token_id = args[RELAYED_ACTIONS[name][1]]
    job = safe.draft(getattr(collection.contract.functions, name)(*args), f"{name} of {passport_hex(token_id)[:12]}…")
    return {"typedData": safe_typed_data(relayer.chain.chain_id, safe.address, job.tx), "threshold": safe.threshold(),
            "owners": safe.owners()}


def submit(relayer: Relayer, body: dict) -> dict:
    """Check the owners' signatures of the Safe transaction and pay for its execution."""
    safe = Safe(relayer.chain, parse_address(body.get("safe"), "safe"))
    try:
        tx = SafeTransaction.from_dict(body["safeTx"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"safeTx is malformed ({exc})", "send typedData.message as /api/relay/safe/prepare gave it") from None
    if tx.operation or tx.value or tx.gas_price or tx.safe_tx_gas or tx.base_gas or int(tx.refund_receiver, 16) \
            or int(tx.gas_token, 16):
        raise InputError("the Safe transaction is not a plain call without value or refund",
                         "send the transaction /api/relay/safe/prepare gave")
    action = parse_action(tx.data, named_nonce=False)
    digest = safe_tx_hash(relayer.chain.chain_id, safe.address, tx)
    owners, threshold = safe.owners(), safe.threshold()
    signatures = {}
    for entry in body.get("signatures") or []:
        try:
            signature = bytes.fromhex(str(entry["signature"]).removeprefix("0x"))
            signer = Account._recover_hash(digest, signature=signature)
        except Exception:  # a malformed entry or signature recovers nobody
            raise InputError("a signature is malformed", "send [{signer, signature}] as the wallets returned them") from None
        if signer not in owners:
            raise Refused(403, f"{signer} signed but does not own the Safe", "have the Safe's owners sign")
        signatures[signer] = signature
    if len(signatures) < threshold:
        raise Refused(403, f"{len(signatures)} of the {threshold} owners' signatures the Safe needs",
                      "collect the other owners' signatures")
    with relayer.lock:
        relayer.require_served(tx.to)
        if safe.nonce() != tx.nonce:
            raise Refused(409, f"the Safe transaction is signed at Safe nonce {tx.nonce}; the Safe is at {safe.nonce()}",
                          "prepare it again")
        try:
            safe.simulate(tx.to, tx.data, action.name)
        except ContractRevert as exc:
            raise Refused(409, f"the passport would refuse it: {exc.problem}", exc.fix or "check the passport") from None
        call = safe.contract.functions.execTransaction(*tx.as_args(), pack_signatures(signatures))
        receipt, paid = relayer.pay(lambda: call, f"Safe {safe.address} {action.name} of {passport_hex(action.token_id)[:12]}…",
                                    f"relay for Safe {safe.address} at Safe nonce {tx.nonce}", safe.address, tx.to,
                                    action.token_id, action.name, MOST_GAS)
    return {"tx": "0x" + bytes(receipt["transactionHash"]).hex(), "block": receipt["blockNumber"],
            "action": action.name, "tokenId": passport_hex(action.token_id), "gasUsed": receipt["gasUsed"],
            "paidWei": str(paid)}
