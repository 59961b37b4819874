"""Councils held by Safe multisig wallets (Safe 1.4.1, the built contracts of the npm package
`@safe-global/safe-contracts`).

A Safe acts through `execTransaction`: its owners sign the EIP-712 `SafeTx` hash in the Safe's
domain (chain id, Safe address) and, once `threshold` owners signed, any account submits the
transaction with their signatures. Here a Safe transaction is drafted as a `SafeJob`, each
owner adds a signature to it (`add_signature`), and `execution` is the action that submits it;
the job files they travel in are `luxpass.local.safe_jobs`'.

`create_safe` makes a Safe through the chain's proxy factory; `deploy_safe_factory` puts the Safe
contracts on a chain from the package's bytecode (a local node, tests, the demo, the consortium's
own network): the SafeL2 singleton, whose events name the signers, its proxy factory and the
compatibility fallback handler, which answers EIP-1271 `isValidSignature` for the Safe.
`executions` reads back which owners signed what a Safe did.
"""
from dataclasses import dataclass

from eth_abi import decode
from eth_account.signers.local import LocalAccount
from eth_keys import keys
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.logs import DISCARD

from ..chain import rpc
from ..chain.artifacts import safe_artifact
from ..chain.artifacts import decoded_reverts
from ..chain.connection import Chain
from ..chain.sender import Action, RawCall
from ..errors import InputError, LuxpassError
from ..values import ZERO_ADDRESS, parse_address
from .consent import typed_data_digest

SAFE_VERSION = "1.4.1"
JOB_FORMAT = "luxpass-safe-transaction/1"
# Safe 1.4.1's EIP-712 types: its domain names only the chain and the Safe.
SAFE_TYPES = {
    "EIP712Domain": [{"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
    "SafeTx": [{"name": n, "type": t} for n, t in (
        ("to", "address"), ("value", "uint256"), ("data", "bytes"), ("operation", "uint8"), ("safeTxGas", "uint256"),
        ("baseGas", "uint256"), ("gasPrice", "uint256"), ("gasToken", "address"), ("refundReceiver", "address"),
        ("nonce", "uint256"))],
    "SafeMessage": [{"name": "message", "type": "bytes"}],
}
SAFE_CONTRACTS = ("SafeL2", "SafeProxyFactory", "CompatibilityFallbackHandler")  # SafeDeployment's order


@dataclass(frozen=True)
class SafeDeployment:
    """The Safe contracts on one chain: singleton, proxy factory, fallback handler."""

    singleton: str
    factory: str
    fallback_handler: str


def deploy_safe_factory(chain: Chain) -> SafeDeployment:
    """Deploy the Safe singleton (SafeL2), its proxy factory and its fallback handler."""
    deployed = []
    for name in SAFE_CONTRACTS:
        art = safe_artifact(name)
        factory = chain.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        deployed.append(chain.sender.transact(factory.constructor(), f"deploy Safe {name}")["contractAddress"])
    return SafeDeployment(*deployed)


def holds_safe_contracts(chain: Chain, contracts: SafeDeployment) -> bool:
    """Whether `chain` holds exactly the package's Safe contracts at these addresses."""
    codes = [bytes(chain.w3.eth.get_code(address))
             for address in (contracts.singleton, contracts.factory, contracts.fallback_handler)]
    return codes == [_runtime_code(name) for name in SAFE_CONTRACTS]


def checked_owners(owners: list[str], threshold: int) -> list[str]:
    owners = [parse_address(o, "Safe owner") for o in owners]
    if not owners or ZERO_ADDRESS in owners:
        raise InputError("a Safe needs owners, none of them the zero address", "pass --owner ADDRESS for each owner")
    if len(set(owners)) != len(owners):
        raise InputError("a Safe's owners must be distinct", "list each owner once")
    if not 1 <= threshold <= len(owners):
        raise InputError(f"a threshold of {threshold} does not fit {len(owners)} owners",
                         "pass a threshold from 1 to the number of owners")
    return owners


def create_safe(chain: Chain, contracts: SafeDeployment, owners: list[str], threshold: int, salt: int = 0) -> str:
    """A new Safe proxy with `owners` of whom `threshold` must sign; its address. The same owners,
    threshold and salt make the same address: a Safe already there is refused, never made twice."""
    owners = checked_owners(owners, threshold)
    setup = setup_data(owners, threshold, contracts.fallback_handler)
    factory = chain.w3.eth.contract(address=contracts.factory, abi=safe_artifact("SafeProxyFactory")["abi"])
    existing = _proxy_address(chain, factory, contracts.singleton, setup, salt)
    if chain.w3.eth.get_code(existing):
        raise InputError(f"a Safe of these {len(owners)} owners with threshold {threshold} and salt {salt} exists "
                         f"already at {existing}", "use that Safe, or pass another --salt for a second one")
    receipt = chain.sender.transact(factory.functions.createProxyWithNonce(contracts.singleton, setup, salt),
                                    f"create a {threshold}-of-{len(owners)} Safe")
    created = factory.events.ProxyCreation().process_receipt(receipt, errors=DISCARD)
    return created[0]["args"]["proxy"]


def setup_data(owners: list[str], threshold: int, fallback_handler: str) -> str:
    """The `setup` call a new Safe proxy is initialised with: its owners, threshold and fallback handler."""
    singleton = Web3().eth.contract(abi=safe_artifact("SafeL2")["abi"])
    return singleton.encode_abi("setup", [owners, threshold, ZERO_ADDRESS, b"", fallback_handler,
                                          ZERO_ADDRESS, 0, ZERO_ADDRESS])


def _proxy_address(chain: Chain, factory, singleton: str, setup: str, salt: int) -> str:
    """The CREATE2 address SafeProxyFactory.createProxyWithNonce gives these arguments."""
    return predicted_proxy_address(factory.address, singleton, setup, salt,
                                   bytes(chain.call(factory.functions.proxyCreationCode())))


def predicted_proxy_address(factory: str, singleton: str, setup: str, salt: int,
                            creation_code: bytes | None = None) -> str:
    """The CREATE2 address of the proxy `factory` makes by createProxyWithNonce(singleton, setup,
    salt); `creation_code`, the factory's proxyCreationCode(), is by default the package's SafeProxy's."""
    if creation_code is None:
        creation_code = bytes.fromhex(safe_artifact("SafeProxy")["bytecode"].removeprefix("0x"))
    create2_salt = keccak(keccak(hexstr=setup) + salt.to_bytes(32, "big"))
    init_code = creation_code + bytes.fromhex(singleton[2:].rjust(64, "0"))
    return to_checksum_address(keccak(b"\xff" + bytes.fromhex(factory[2:]) + create2_salt + keccak(init_code))[12:])


@dataclass(frozen=True)
class SafeTransaction:
    """The fields of a Safe transaction that its owners sign (a plain call, no refund)."""

    to: str
    data: bytes
    nonce: int
    value: int = 0
    operation: int = 0  # 0 call, 1 delegatecall (drafted here only to Safe's MultiSendCallOnly: draft_batch)
    safe_tx_gas: int = 0
    base_gas: int = 0
    gas_price: int = 0
    gas_token: str = ZERO_ADDRESS
    refund_receiver: str = ZERO_ADDRESS

    def as_args(self) -> list:
        return [self.to, self.value, self.data, self.operation, self.safe_tx_gas, self.base_gas, self.gas_price,
                self.gas_token, self.refund_receiver]

    def to_dict(self) -> dict:
        return {"to": self.to, "value": str(self.value), "data": "0x" + self.data.hex(), "operation": self.operation,
                "safeTxGas": str(self.safe_tx_gas), "baseGas": str(self.base_gas), "gasPrice": str(self.gas_price),
                "gasToken": self.gas_token, "refundReceiver": self.refund_receiver, "nonce": self.nonce}

    @classmethod
    def from_dict(cls, data: dict) -> "SafeTransaction":
        return cls(to=to_checksum_address(data["to"]), data=bytes.fromhex(data["data"].removeprefix("0x")),
                   nonce=int(data["nonce"]), value=int(data["value"]), operation=int(data["operation"]),
                   safe_tx_gas=int(data["safeTxGas"]), base_gas=int(data["baseGas"]), gas_price=int(data["gasPrice"]),
                   gas_token=to_checksum_address(data["gasToken"]),
                   refund_receiver=to_checksum_address(data["refundReceiver"]))


def _safe_typed(chain_id: int, safe: str, primary: str, message: dict) -> bytes:
    return typed_data_digest({"types": {"EIP712Domain": SAFE_TYPES["EIP712Domain"], primary: SAFE_TYPES[primary]},
                              "primaryType": primary, "domain": {"chainId": chain_id, "verifyingContract": safe},
                              "message": message})


def safe_tx_hash(chain_id: int, safe: str, tx: SafeTransaction) -> bytes:
    """The EIP-712 hash the owners sign, as Safe 1.4.1's `getTransactionHash` computes it."""
    return _safe_typed(chain_id, safe, "SafeTx", {
        "to": tx.to, "value": tx.value, "data": tx.data, "operation": tx.operation, "safeTxGas": tx.safe_tx_gas,
        "baseGas": tx.base_gas, "gasPrice": tx.gas_price, "gasToken": tx.gas_token,
        "refundReceiver": tx.refund_receiver, "nonce": tx.nonce})


def safe_message_hash(chain_id: int, safe: str, digest: bytes) -> bytes:
    """What the owners sign so that the Safe's EIP-1271 `isValidSignature(digest, signatures)` holds
    (its fallback handler's `getMessageHashForSafe` of `abi.encode(digest)`)."""
    return _safe_typed(chain_id, safe, "SafeMessage", {"message": digest})


def pack_signatures(signatures: dict[str, bytes]) -> bytes:
    """Owners' 65-byte signatures as a Safe reads them: concatenated, owners in ascending order."""
    return b"".join(signatures[owner] for owner in sorted(signatures, key=lambda o: int(o, 16)))


def sign_for_safe(chain_id: int, safe: str, digest: bytes, owners: list[LocalAccount]) -> bytes:
    """The Safe's EIP-1271 signature of `digest` (e.g. an EIP-712 resale consent), made by `owners`."""
    message = safe_message_hash(chain_id, safe, digest)
    return pack_signatures({o.address: bytes(o.unsafe_sign_hash(message).signature) for o in owners})


class Safe:
    """One Safe on `chain`: its owners, threshold and nonce, read from the chain."""

    def __init__(self, chain: Chain, address: str):
        self.chain = chain
        self.address = parse_address(address, "Safe")
        if not chain.w3.eth.get_code(self.address):
            raise InputError(f"{self.address} has no code on chain {chain.chain_id}: it is not a Safe",
                             "pass the Safe's address on this chain")
        self.contract = chain.w3.eth.contract(address=self.address, abi=safe_artifact("SafeL2")["abi"])
        try:
            self.version = self.contract.functions.VERSION().call()
        except Exception:  # noqa: BLE001 (any contract that does not answer VERSION() is no Safe)
            self.version = None
        if self.version != SAFE_VERSION:
            raise InputError(f"{self.address} is not a Safe {SAFE_VERSION} (VERSION() answers {self.version!r})",
                             "pass the address of a Safe 1.4.1 wallet")

    def owners(self) -> list[str]:
        return self.chain.call(self.contract.functions.getOwners())

    def threshold(self) -> int:
        return self.chain.call(self.contract.functions.getThreshold())

    def nonce(self) -> int:
        return self.chain.call(self.contract.functions.nonce())

    def draft(self, call, description: str, nonce: int | None = None) -> "SafeJob":
        """A Safe transaction making `call` (a web3 contract function or a RawCall) from this Safe. The call is
        simulated from the Safe first, so a refusal is named before any owner signs."""
        if isinstance(call, RawCall):
            to, data, value = call.to, call.data, call.value
        else:
            to, data, value = call.address, bytes.fromhex(call._encode_transaction_data().removeprefix("0x")), 0
        self.simulate(to, data, description)
        return self._job(SafeTransaction(to=to, data=data, nonce=self.nonce() if nonce is None else nonce, value=value),
                         description)

    def _job(self, tx: SafeTransaction, description: str) -> "SafeJob":
        on_chain = self.chain.call(self.contract.functions.getTransactionHash(*tx.as_args(), tx.nonce))
        digest = safe_tx_hash(self.chain.chain_id, self.address, tx)
        if bytes(on_chain) != digest:  # the domain is not the one this module knows: never sign it
            raise LuxpassError(f"the Safe computes another transaction hash (0x{bytes(on_chain).hex()})",
                               f"this Safe is not a standard Safe {SAFE_VERSION}")
        return SafeJob(self.chain.chain_id, self.address, description, tx, digest, [])

    def draft_batch(self, calls: list[RawCall], multi_send: str, description: str, nonce: int | None = None) -> "SafeJob":
        """One Safe transaction making every one of `calls` in turn, all or none: a delegatecall to
        Safe's MultiSendCallOnly at `multi_send`. Each call is simulated from the Safe first."""
        if bytes(self.chain.w3.eth.get_code(multi_send)) != _runtime_code("MultiSendCallOnly"):
            raise LuxpassError(f"{multi_send} does not hold Safe's MultiSendCallOnly", "batch at its address on this chain")
        for call in calls:
            self.simulate(call.to, call.data, description)
        packed = b"".join(b"\x00" + bytes.fromhex(call.to[2:]) + call.value.to_bytes(32, "big")
                          + len(call.data).to_bytes(32, "big") + call.data for call in calls)
        multi = self.chain.w3.eth.contract(address=multi_send, abi=safe_artifact("MultiSendCallOnly")["abi"])
        data = bytes.fromhex(multi.encode_abi("multiSend", [packed]).removeprefix("0x"))
        return self._job(SafeTransaction(to=multi_send, data=data, nonce=self.nonce() if nonce is None else nonce,
                                         operation=1), description)

    def simulate(self, to: str, data: bytes, description: str) -> None:
        """The call as the Safe would make it; a refusal is raised decoded."""
        with decoded_reverts():
            self.chain.w3.eth.call({"from": self.address, "to": to, "data": data, "gas": self.chain.call_gas})


@dataclass
class SafeJob:
    """A drafted Safe transaction and the owners' signatures collected for it."""

    chain_id: int
    safe: str
    description: str
    tx: SafeTransaction
    digest: bytes
    signatures: list  # [{"owner": address, "signature": 0x…}], in the order they were added
    executed: str | None = None  # the hash of the transaction that executed it

    def to_dict(self) -> dict:
        return {"format": JOB_FORMAT, "chainId": self.chain_id, "safe": self.safe, "description": self.description,
                "safeTxHash": "0x" + self.digest.hex(), "transaction": self.tx.to_dict(),
                "signatures": self.signatures, "executed": self.executed}

    @classmethod
    def from_dict(cls, data, path) -> "SafeJob":
        """The job a job file at `path` holds, its hash checked against its fields."""
        if not isinstance(data, dict) or data.get("format") != JOB_FORMAT:
            raise InputError(f"{path} is not a luxpass Safe transaction ({JOB_FORMAT})",
                             "pass the file written by a council command with --safe")
        try:
            tx = SafeTransaction.from_dict(data["transaction"])
            job = cls(int(data["chainId"]), to_checksum_address(data["safe"]), str(data["description"]), tx,
                      bytes.fromhex(data["safeTxHash"].removeprefix("0x")), list(data["signatures"]),
                      data.get("executed"))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path} is a damaged Safe transaction ({type(exc).__name__}: {exc})",
                             "ask for the file again from the officer who drafted it") from None
        if safe_tx_hash(job.chain_id, job.safe, tx) != job.digest:
            raise InputError(f"{path}: the transaction does not match its safeTxHash (the file was altered)",
                             "ask for the file again from the officer who drafted it")
        return job

    def signers(self) -> list[str]:
        return [s["owner"] for s in self.signatures]

    def packed_signatures(self) -> bytes:
        """The signatures as `execTransaction` reads them: 65 bytes each, owners in ascending order."""
        return pack_signatures({s["owner"]: bytes.fromhex(s["signature"].removeprefix("0x")) for s in self.signatures})


def check_job_chain(job: SafeJob, chain: Chain, path) -> Safe:
    """The job's Safe on `chain`, refused when the job is of another chain or another nonce."""
    if job.chain_id != chain.chain_id:
        raise InputError(f"{path} is for chain {job.chain_id}, the node runs chain {chain.chain_id}",
                         "pass the --rpc-url of the chain the transaction was drafted on")
    safe = Safe(chain, job.safe)
    nonce = safe.nonce()
    if job.executed is None and nonce != job.tx.nonce:
        raise LuxpassError(f"the Safe's nonce is {nonce}, this transaction was drafted for nonce {job.tx.nonce}: "
                           "another Safe transaction was executed since",
                           "draft the action again with --safe (nothing of this one was sent)")
    return safe


@dataclass
class Executed:
    executed: str  # the Safe transaction's description
    safe: str
    tx: str
    signers: list


def add_signature(job: SafeJob, safe: Safe, owner: LocalAccount) -> None:
    """Add `owner`'s signature of the job's safeTxHash (a job not executed yet). Only the Safe's
    owners sign, each once; the signatures already there are kept as they are."""
    if owner.address not in safe.owners():
        raise InputError(f"{owner.address} is not an owner of the Safe {safe.address}",
                         "sign with the keystore of one of its owners (`cast call SAFE 'getOwners()'` lists them)")
    if owner.address in job.signers():
        raise InputError(f"{owner.address} signed this Safe transaction already", "pass the file to another owner")
    if job.tx.operation != 0 and (job.tx.operation != 1 or bytes(safe.chain.w3.eth.get_code(job.tx.to))
                                  != _runtime_code("MultiSendCallOnly")):
        # a delegatecall runs another contract's code as the Safe: it could change its owners
        raise InputError(f"the Safe transaction is a delegatecall to {job.tx.to}, which is not Safe's MultiSendCallOnly: "
                         "signed, it could take the Safe over", "do not sign it; ask the officer who drafted it why")
    signed = owner.unsafe_sign_hash(job.digest)  # the EIP-712 digest itself; v is 27 or 28, as the Safe expects
    job.signatures.append({"owner": owner.address, "signature": "0x" + bytes(signed.signature).hex()})


def execution(job: SafeJob, safe: Safe, path) -> Action:
    """The action that submits the job's transaction once the threshold of owners signed; its
    answer, Executed, is also recorded in `job.executed`."""
    label = f"execute Safe transaction: {job.description}"

    def prepare():
        threshold, owners = safe.threshold(), safe.owners()
        strangers = [s for s in job.signers() if s not in owners]
        if strangers:
            raise InputError(f"{', '.join(strangers)} signed but no longer own(s) the Safe", "draft the action again")
        if len(job.signatures) < threshold:
            raise InputError(f"{len(job.signatures)} of the {threshold} signatures the Safe needs: "
                             f"signed by {', '.join(job.signers()) or 'nobody yet'}",
                             f"pass {path} to {threshold - len(job.signatures)} more owner(s) for `luxpass safe sign`")
        if job.tx.operation == 0:  # a batch (a delegatecall) is checked by the execution's own estimate
            safe.simulate(job.tx.to, job.tx.data, job.description)
        return safe.contract.functions.execTransaction(*job.tx.as_args(), job.packed_signatures())

    def read(receipt) -> Executed:
        failed = safe.contract.events.ExecutionFailure().process_receipt(receipt, errors=DISCARD)
        if failed:  # only with a non-zero safeTxGas, never drafted here; said anyway, never hidden
            raise LuxpassError(f"the Safe executed {job.description} but the call failed", "inspect the transaction")
        job.executed = "0x" + bytes(receipt["transactionHash"]).hex()
        return Executed(job.description, job.safe, job.executed, job.signers())
    return Action(label, prepare, read, f"safe exec {job.safe} 0x{job.digest.hex()}")


# What SafeL2 logs of each execution: the transaction with its signatures, before the call, and
# ExecutionSuccess(safeTxHash), after it.
SAFE_MULTISIG_TOPIC = keccak(text="SafeMultiSigTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,"
                                  "address,address,bytes,bytes)")
EXECUTION_SUCCESS_TOPIC = keccak(text="ExecutionSuccess(bytes32,uint256)")
_MULTISIG_EVENT = next(item for item in safe_artifact("SafeL2")["abi"]
                       if item.get("type") == "event" and item["name"] == "SafeMultiSigTransaction")


@dataclass(frozen=True)
class SafeExecution:
    """A Safe transaction that a Safe executed: the owners whose signatures carried it, and where
    in its Ethereum transaction's logs the Safe's call ran."""

    safe: str
    safe_tx_hash: str
    signers: list
    tx: str
    logs: tuple[int, int]  # log indexes of its SafeMultiSigTransaction and ExecutionSuccess events

    def made(self, tx: str, log_index: int) -> bool:
        """Whether the log at `log_index` of transaction `tx` was emitted by this execution's call."""
        return tx.lower() == self.tx and self.logs[0] < log_index < self.logs[1]


def executions(chain: Chain, safes: list[str], to: str, from_block: int) -> list[SafeExecution]:
    """The Safe transactions to `to` that any of `safes` executed since `from_block`, with their
    signers, from the events of SafeL2 (a Safe on the plain singleton logs no signatures, and an
    address that is not a genuine Safe is not believed: none of their executions is found). Only a
    transaction whose ExecutionSuccess names the hash of the logged fields counts, so the signers
    are those the Safe checked."""
    safes = sorted(s for s in set(safes) if runs_safe_l2(chain, s))
    if not safes:
        return []
    logs = rpc.get_logs(chain.w3, {"address": safes, "fromBlock": hex(from_block), "toBlock": "latest",
                                   "topics": [["0x" + SAFE_MULTISIG_TOPIC.hex(), "0x" + EXECUTION_SUCCESS_TOPIC.hex()]]},
                        fix="try again, or point --rpc-url at a node that serves logs")
    succeeded = {(log["transactionHash"], log["address"].lower(), log["topics"][1].removeprefix("0x")):
                 int(log["logIndex"], 16) for log in logs
                 if bytes.fromhex(log["topics"][0][2:]) == EXECUTION_SUCCESS_TOPIC}
    found = []
    for log in logs:
        if bytes.fromhex(log["topics"][0][2:]) != SAFE_MULTISIG_TOPIC:
            continue
        inputs = _MULTISIG_EVENT["inputs"]  # none indexed: every field is in the data
        fields = dict(zip((i["name"] for i in inputs), decode([i["type"] for i in inputs], bytes.fromhex(log["data"][2:]))))
        target = to_checksum_address(fields["to"])
        if target != to_checksum_address(to):
            continue
        nonce, _, threshold = decode(["uint256", "address", "uint256"], fields["additionalInfo"])  # Safe's abi.encode
        safe = to_checksum_address(log["address"])
        tx = SafeTransaction(target, fields["data"], nonce, fields["value"], fields["operation"], fields["safeTxGas"],
                             fields["baseGas"], fields["gasPrice"], to_checksum_address(fields["gasToken"]),
                             to_checksum_address(fields["refundReceiver"]))
        signatures = fields["signatures"]
        digest = safe_tx_hash(chain.chain_id, safe, tx)
        ended = succeeded.get((log["transactionHash"], log["address"].lower(), digest.hex()))
        if ended is not None:
            found.append(SafeExecution(safe, "0x" + digest.hex(), signers_of(digest, signatures, threshold),
                                       log["transactionHash"].lower(), (int(log["logIndex"], 16), ended)))
    return found


def runs_safe_l2(chain: Chain, address: str) -> bool:
    """Whether `address` holds Safe 1.4.1's proxy code, byte for byte, over the SafeL2 singleton's:
    only such a Safe's events are taken to say which owners signed (any other contract could log
    the same events with made-up signers)."""
    if bytes(chain.w3.eth.get_code(address)) != _runtime_code("SafeProxy"):
        return False
    singleton = to_checksum_address(bytes(chain.w3.eth.get_storage_at(address, 0))[-20:])
    return bytes(chain.w3.eth.get_code(singleton)) == _runtime_code("SafeL2")


def _runtime_code(name: str) -> bytes:
    return bytes.fromhex(safe_artifact(name)["deployedBytecode"].removeprefix("0x"))


def signers_of(digest: bytes, signatures: bytes, threshold: int) -> list[str]:
    """The owners behind the first `threshold` signatures (those a Safe checks) of a Safe
    transaction's hash: recovered from an ECDSA signature (v 27/28, or v 31/32 over the eth_sign
    message), or named by the signature for a contract owner's (v 0) and a pre-approved hash (v 1)."""
    found = []
    for i in range(threshold):
        r, s, v = signatures[65 * i:65 * i + 32], signatures[65 * i + 32:65 * i + 64], signatures[65 * i + 64]
        if v in (0, 1):
            found.append(to_checksum_address(r[12:]))
            continue
        signed = digest if v < 31 else keccak(b"\x19Ethereum Signed Message:\n32" + digest)
        signature = keys.Signature(vrs=((v if v < 31 else v - 4) - 27, int.from_bytes(r, "big"),
                                        int.from_bytes(s, "big")))
        found.append(signature.recover_public_key_from_msg_hash(signed).to_checksum_address())
    return found
