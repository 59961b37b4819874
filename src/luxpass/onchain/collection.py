"""A brand's passport collection: roles, minting, lifecycle events, transfers and status."""
import secrets
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

from eth_abi import encode
from eth_utils import keccak

from ..chain import rpc
from ..chain.artifacts import decoded_reverts
from ..chain.connection import Chain
from ..chain.sender import Action, AlreadyDone, RawCall, Sender
from ..errors import ContractRevert, InputError
from ..proofs.certificate import Certificate
from ..results import utc
from ..spec import ROLES, EventKind, Status, selector, topic
from ..values import ZERO_ADDRESS, check_new_record, new_salt, normalize_record, parse_address, passport_hex

_SCREEN = selector("screen")
_HEADS = selector("heads")
_MINT_BATCH = selector("mintBatch")


@dataclass
class Minted:
    passport_id: str
    collection: str
    owner: str
    tx: str
    certificate: dict
    certificate_file: str | None = None  # where `luxpass.local.certificates.mint` wrote it


@dataclass(frozen=True)
class Mint:
    """One product's mint before it is sent: the certificate it commits to, and the action that
    sends it (answering Minted)."""

    certificate: Certificate
    action: Action
    resumed: bool  # an earlier run journalled this mint: its salt is reused, its transaction finished


@dataclass
class Recorded:
    passport_id: str
    action: str
    tx: str
    details_hash: str | None = None
    details_salt: str | None = None


@dataclass
class RoleChange:
    role: str
    account: str
    granted: bool
    tx: str
    unchanged: bool = False


@dataclass
class Recovery:
    passport_id: str
    pending: bool
    new_owner: str | None
    ready_at: str | None  # UTC


def tx_hex(receipt) -> str:
    return "0x" + bytes(receipt["transactionHash"]).hex()


class Collection:
    """One brand's passport collection at `address`, read through `chain` and acted on through
    `sender` (by default the chain's own key sender)."""

    def __init__(self, chain: Chain, address: str, sender: Sender | None = None):
        self.chain = chain
        self.sender = sender or chain.sender
        self.address = parse_address(address, "collection")

    @cached_property
    def contract(self):
        """The web3 contract, built on first use: screening and audits use only hand-encoded calls."""
        return self.chain.contract("BrandPassport", self.address)

    def name(self) -> str:
        return self.chain.call(self.contract.functions.name())

    def symbol(self) -> str:
        return self.chain.call(self.contract.functions.symbol())

    def has_role(self, role: str, account: str) -> bool:
        return self.chain.call(self.contract.functions.hasRole(_role(role), parse_address(account)))

    def set_role(self, role: str, account: str, grant: bool):
        """Grant or revoke; nothing is sent when the account already is as asked (`unchanged`). The
        contract is asked first whether the sender (the signer, or the Safe with --safe) may do it at
        all, so that only the collection's admin learns that nothing needs sending."""
        account = parse_address(account)
        verb = "grant" if grant else "revoke"
        fn = (self.contract.functions.grantRole if grant else self.contract.functions.revokeRole)(_role(role), account)

        def prepare():
            try:
                with decoded_reverts():
                    fn.call({"from": self.sender.address})
            except ContractRevert as refused:
                if refused.name == "AccessControlUnauthorizedAccount":
                    raise ContractRevert(refused.name, refused.args_decoded,
                                         "you are not this collection's admin; sign as the brand's council, the "
                                         "account `luxpass brand show BRAND` names") from None
                raise
            if self.has_role(role, account) == grant:
                return AlreadyDone(f"{verb} {role} role to {account}", None,
                                   {"role": role, "account": account, "granted": grant, "unchanged": True})
            return fn
        return self.sender.submit(Action(
            f"{verb} {role} role to {account}", prepare,
            lambda receipt: RoleChange(role, account, grant, tx_hex(receipt)),
            f"{verb} {self.address} {role} {account}"))

    def set_base_uri(self, base_uri: str):
        """The brand admin points tokenURI(id) at base_uri + id; drafted for the Safe that holds it."""
        return self.sender.submit(Action.of(
            self.contract.functions.setBaseURI(base_uri), f"set base URI {base_uri}",
            lambda receipt: {"collection": self.address, "base_uri": base_uri, "tx": tx_hex(receipt)}))

    def mint(self, record: dict, to: str | None = None) -> Minted:
        """Mint one product's passport to `to` (by default the sender). Its certificate (record and
        salt, which never leave this machine) is in the answer, written nowhere: the CLI mints
        through `luxpass.local.certificates.mint`, which writes it and keeps the serial ledger."""
        return self.sender.submit(self.prepare_mint(record, to).action)

    def prepare_mint(self, record: dict, to: str | None = None) -> Mint:
        """The mint of one product, not sent yet. The salt is journalled with the transaction: the
        same mint prepared again after a time-out or a crash has the same salt and certificate, and
        its sending finishes that transaction instead of minting a second passport."""
        record = check_new_record(normalize_record(record))
        owner = parse_address(to, "recipient") if to is not None else self.sender.address
        purpose = f"mint {self.address} serial {keccak(text=record['serial']).hex()}"
        earlier = self.sender.journalled(purpose)
        if earlier is not None and (earlier.get("record"), earlier.get("owner")) != (record, owner):
            raise InputError(f"an earlier run's mint of serial {record['serial']!r} to {earlier.get('owner')} is "
                             "not finished, and its record differs from this one",
                             "run the earlier command again, with the same record and --to, to finish it")
        salt = bytes.fromhex(earlier["salt"].removeprefix("0x")) if earlier else new_salt()
        cert = Certificate(self.chain.chain_id, self.address, record, salt)
        pid = passport_hex(cert.passport_id)
        action = Action.of(
            self.contract.functions.mint(owner, cert.commitment), f"mint passport {pid[:12]}…",
            lambda receipt: Minted(pid, self.address, owner, tx_hex(receipt), cert.to_dict()), purpose,
            payload={"record": record, "salt": "0x" + salt.hex(), "owner": owner})
        return Mint(cert, action, earlier is not None)

    def mint_batch_call(self, owner: str, passport_ids: list[int]) -> RawCall:
        """`mintBatch(owner, ids)`, encoded for `KeySender.send` without web3's argument encoding,
        which would be the bottleneck of a bulk mint."""
        return RawCall(self.address, _MINT_BATCH + encode(["address", "bytes32[]"],
                                                          [owner, [i.to_bytes(32, "big") for i in passport_ids]]))

    def record_event(self, passport_id: int, kind: EventKind, details: str, salt: bytes | None = None) -> Recorded:
        """Record a lifecycle event with a salted hash of its off-chain details (`salt`, else a new
        one). The salt is journalled with the transaction, so a rerun finishes the same record."""
        purpose = f"event {self.address} {passport_id} {kind.name} {keccak(text=details).hex()}"
        earlier = self.sender.journalled(purpose)
        if salt is None:
            salt = bytes.fromhex(earlier["salt"].removeprefix("0x")) if earlier else secrets.token_bytes(32)
        details_hash = salted_details_hash(salt, details)
        return self.sender.submit(Action.of(
            self.contract.functions.recordEvent(passport_id, int(kind), details_hash),
            f"record {kind.name.lower()} for {passport_hex(passport_id)[:12]}…",
            lambda receipt: Recorded(passport_hex(passport_id), kind.name.lower(), tx_hex(receipt),
                                     "0x" + details_hash.hex(), "0x" + salt.hex()),
            purpose, payload={"salt": "0x" + salt.hex()}))

    def first_sale(self, passport_id: int, buyer: str) -> Recorded:
        """The retailer's sale out of brand custody; sold to this buyer already, it is done."""
        buyer = parse_address(buyer, "buyer")
        label = f"first sale of {passport_hex(passport_id)[:12]}… to {buyer}"

        def prepare():
            owner = self.owner_of(passport_id)
            if owner == buyer:
                return AlreadyDone(label, None, {"passport_id": passport_hex(passport_id), "owner": buyer})
            return self.contract.functions.firstSale(passport_id, buyer)
        return self.sender.submit(Action(label, prepare,
                                         lambda receipt: Recorded(passport_hex(passport_id), "first-sale", tx_hex(receipt)),
                                         f"first sale {self.address} {passport_id} {buyer}"))

    def commit_batch(self, root: bytes):
        """Commit a production batch by its Merkle root (`luxpass.proofs.batch`); returns the
        receipt, or AlreadyDone when the batch is committed."""
        label = f"commit batch 0x{root.hex()[:10]}…"

        def prepare():
            if self.batch_committed_at(root):
                return AlreadyDone(label, None, {"root": "0x" + root.hex()})
            return self.contract.functions.commitBatch(root)
        return self.sender.submit(Action(label, prepare, purpose=f"commit batch {self.address} 0x{root.hex()}"))

    def batch_committed_at(self, root: bytes) -> int:
        """When the batch with this root was committed (a Unix time), 0 if never."""
        return self.chain.call(self.contract.functions.batchCommittedAt(root))

    def claim(self, certificate: Certificate, buyer: str) -> Recorded:
        """The first sale of a product of a committed batch: its passport is minted to the buyer;
        minted to this buyer already, it is done."""
        buyer = parse_address(buyer, "buyer")
        if certificate.batch is None:
            raise InputError("this certificate is not of a product issued in a batch", "sell it with its passport id")
        pid = certificate.passport_id
        label = f"claim {passport_hex(pid)[:12]}… at its first sale to {buyer}"

        def prepare():
            exists, owners, _ = self.passports_state([pid])
            if exists[0] and owners[0] == buyer:
                return AlreadyDone(label, None, {"passport_id": passport_hex(pid), "owner": buyer})
            return self.contract.functions.claim(certificate.batch.root, certificate.commitment,
                                                 list(certificate.batch.proof), buyer)
        return self.sender.submit(Action(label, prepare,
                                         lambda receipt: Recorded(passport_hex(pid), "first-sale", tx_hex(receipt)),
                                         f"claim {self.address} {pid} {buyer}"))

    def transfer(self, passport_id: int, to: str, owner: str | None = None) -> Recorded:
        """The owner's (or an approved operator's) transfer, by safeTransferFrom."""
        to = parse_address(to, "recipient")

        def prepare():
            current = owner or self.owner_of(passport_id)
            refuse_self_transfer(current, to)
            return self.contract.functions.safeTransferFrom(current, to, passport_id)
        return self.sender.submit(Action(f"transfer {passport_hex(passport_id)[:12]}… to {to}", prepare,
                                         lambda receipt: Recorded(passport_hex(passport_id), "transfer", tx_hex(receipt)),
                                         f"transfer {self.address} {passport_id} {to}"))

    def report(self, passport_id: int, status: Status) -> Recorded:
        if status in (Status.LOST, Status.STOLEN):
            fn = self.contract.functions.reportStatus(passport_id, int(status))
        elif status == Status.ACTIVE:
            fn = self.contract.functions.reportFound(passport_id)
        else:
            fn = self.contract.functions.markDestroyed(passport_id)
        action = "found" if status == Status.ACTIVE else status.name.lower()
        return self._act(fn, f"report {passport_hex(passport_id)[:12]}… {action}", passport_id, action)

    def request_recovery(self, passport_id: int, new_owner: str) -> Recorded:
        """The brand admin, on the request of an owner who lost their wallet."""
        new_owner = parse_address(new_owner, "new owner")
        return self._act(self.contract.functions.requestRecovery(passport_id, new_owner),
                         f"request recovery of {passport_hex(passport_id)[:12]}… to {new_owner}", passport_id,
                         "recovery-requested", new_owner)

    def cancel_recovery(self, passport_id: int) -> Recorded:
        return self._act(self.contract.functions.cancelRecovery(passport_id),
                         f"cancel recovery of {passport_hex(passport_id)[:12]}…", passport_id, "recovery-cancelled")

    def complete_recovery(self, passport_id: int) -> Recorded:
        return self._act(self.contract.functions.completeRecovery(passport_id),
                         f"complete recovery of {passport_hex(passport_id)[:12]}…", passport_id, "recovered")

    def _act(self, fn, label: str, passport_id: int, action: str, *purpose) -> Recorded:
        """One call about one passport, recorded as `action`; journalled under the action's name."""
        return self.sender.submit(Action.of(
            fn, label, lambda receipt: Recorded(passport_hex(passport_id), action, tx_hex(receipt)),
            " ".join([action, self.address, str(passport_id), *purpose])))

    def pending_recovery(self, passport_id: int, block: int | str = "latest") -> tuple[str, int]:
        """The new owner and the time a recovery of the passport completes at; 0 when none is pending."""
        new_owner, ready_at = self.chain.call(self.contract.functions.recoveryOf(passport_id), block)
        return new_owner, ready_at

    def recovery_of(self, passport_id: int) -> "Recovery":
        new_owner, ready_at = self.pending_recovery(passport_id)
        return Recovery(passport_hex(passport_id), ready_at != 0, new_owner if ready_at else None,
                        utc(ready_at) if ready_at else None)

    def owner_of(self, passport_id: int, block: int | str = "latest") -> str:
        return self.chain.call(self.contract.functions.ownerOf(passport_id), block)

    def passport(self, passport_id: int, block: int | str = "latest") -> dict:
        """The passport's stored state, the contract's `Passport` struct by field name."""
        return self.chain.call_struct(self.contract.functions.passport(passport_id), block)

    def passports_state(self, passport_ids: list[int]) -> tuple[list[bool], list[str], list[int]]:
        """For each passport: whether it exists, its owner and its status."""
        return self.chain.call(self.contract.functions.passportsState(passport_ids))

    def nonce(self, passport_id: int) -> int:
        """The passport's signature nonce: a move or a revocation voids what was signed before."""
        return self.chain.call(self.contract.functions.nonces(passport_id))

    def request_used(self, digest: bytes) -> bool:
        """Whether the permit or clear request with this EIP-712 digest was used."""
        return self.chain.call(self.contract.functions.isRequestUsed(digest))

    def resale_with(self, passport_id: int, digest: bytes) -> str | None:
        """The transaction of the resale that used the consent with this digest, None if none did.
        The contract keeps no record of used consents (each dies with the nonce its resale
        advances): its {ResaleRecorded} event names the digest."""
        logs = rpc.get_logs(self.chain.w3, {"address": self.address, "fromBlock": "0x0",
                                            "toBlock": hex(self.chain.w3.eth.block_number),
                                            "topics": ["0x" + topic("ResaleRecorded").hex(),
                                                       "0x" + passport_id.to_bytes(32, "big").hex()]},
                            fix="try again, or point --rpc-url at a node that serves logs")
        used = [log for log in logs if bytes.fromhex(log["data"][2:])[32:64] == bytes(digest)]
        return used[0]["transactionHash"] if used else None

    def chip_claim_open(self, passport_id: int, block: int | str = "latest") -> bool:
        return self.chain.call(self.contract.functions.chipClaimOpen(passport_id), block)

    def chip_of(self, passport_id: int) -> str | None:
        """The address of the chip bound to the passport, None if none is."""
        chip = self.chain.call(self.contract.functions.chipOf(passport_id))
        return None if chip == ZERO_ADDRESS else chip

    def verify_chip(self, passport_id: int, to: str, deadline: int, block_number: int, nonce: bytes,
                    signature: bytes) -> bool:
        """The contract's own answer to a chip's signature of a challenge, from its `verifyChip` view."""
        return self.chain.call(self.contract.functions.verifyChip(passport_id, to, deadline, block_number, nonce,
                                                                  signature))

    def screen_call(self, ids: list[int], sellers: list[str]) -> RawCall:
        """`screen(ids, sellers)`, encoded by hand: through web3's contract layer the encoding and
        decoding, not the node, would be the bottleneck of a marketplace's screening. Sized and sent
        in chunks by `luxpass.checks.chunks`; `screen_codes` reads its answer."""
        n, m = len(ids), len(sellers)
        words = {seller: bytes(12) + bytes.fromhex(seller[2:]) for seller in set(sellers)}  # a seller lists many
        return RawCall(self.address, b"".join([
            _SCREEN, (64).to_bytes(32, "big"), (96 + 32 * n).to_bytes(32, "big"), n.to_bytes(32, "big"),
            *map(int.to_bytes, ids, repeat(32), repeat("big")), m.to_bytes(32, "big"),
            *map(words.__getitem__, sellers),
        ]))

    def heads_call(self, ids: list[int]) -> RawCall:
        """`heads(ids)`, encoded by hand; `heads_of` reads its answer."""
        return RawCall(self.address, _HEADS + (32).to_bytes(32, "big") + len(ids).to_bytes(32, "big")
                       + b"".join(i.to_bytes(32, "big") for i in ids))

    def still_issued(self, entries: list[dict]) -> list[bool]:
        """For serial ledger entries: whether the chain still has each passport (or its batch)."""
        minted = self.exists([int(e["passportId"], 16) for e in entries if not e.get("batchRoot")])
        return [self.batch_committed_at(bytes.fromhex(e["batchRoot"][2:])) != 0 if e.get("batchRoot")
                else minted.pop(0) for e in entries]

    def exists(self, passport_ids: list[int], chunk: int = 2000) -> list[bool]:
        found = []
        for start in range(0, len(passport_ids), chunk):
            exists, _, _ = self.passports_state(passport_ids[start:start + chunk])
            found.extend(exists)
        return found


def screen_codes(raw: bytes) -> bytes:
    """The answer of `screen`: one verdict code a passport."""
    return raw[64:64 + int.from_bytes(raw[32:64], "big")]


def heads_of(raw: bytes) -> list[tuple[bytes, int]]:
    """The answer of `heads`: each passport's history head and its number of records."""
    heads_at = int.from_bytes(raw[0:32], "big") + 32
    records_at = int.from_bytes(raw[32:64], "big") + 32
    n = int.from_bytes(raw[heads_at - 32:heads_at], "big")
    return [(raw[heads_at + 32 * i: heads_at + 32 * i + 32],
             int.from_bytes(raw[records_at + 32 * i: records_at + 32 * i + 32], "big")) for i in range(n)]


def salted_details_hash(salt: bytes, details: str) -> bytes:
    """What a lifecycle event puts on chain of its details: keccak256(abi.encode(salt, details))."""
    return keccak(encode(["bytes32", "string"], [salt, details]))


def refuse_self_transfer(owner: str, to: str) -> None:
    """A transfer to the current owner changes nothing but would count as a new owner."""
    if parse_address(owner) == parse_address(to):
        raise InputError(f"{to} already owns this passport", "pass the new owner's address with --to")


def _role(name: str) -> bytes:
    try:
        return ROLES[name.lower()]
    except KeyError:
        raise InputError(f"unknown role {name!r}", f"use one of {', '.join(ROLES)}") from None

