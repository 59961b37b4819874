"""A brand's passport collection: roles, minting, lifecycle events, transfers and status."""
import secrets
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from .artifacts import ROLES
from .chain import Chain
from .commitment import (
    Certificate,
    new_salt,
    normalize_record,
    parse_address,
    passport_hex,
)
from .errors import InputError
from .results import EventKind, Status


@dataclass
class Minted:
    passport_id: str
    collection: str
    owner: str
    tx: str
    certificate: dict


@dataclass
class Recorded:
    passport_id: str
    action: str
    tx: str
    details_hash: str | None = None
    details_salt: str | None = None


def tx_hex(receipt) -> str:
    return "0x" + bytes(receipt["transactionHash"]).hex()


class Collection:
    """One brand's passport collection at `address`."""

    def __init__(self, chain: Chain, address: str):
        self.chain = chain
        self.address = parse_address(address, "collection")
        self.contract = chain.contract("BrandPassport", self.address)

    def name(self) -> str:
        return self.chain.call(self.contract.functions.name())

    def has_role(self, role: str, account: str) -> bool:
        return self.chain.call(self.contract.functions.hasRole(_role(role), parse_address(account)))

    def set_role(self, role: str, account: str, grant: bool) -> str:
        account = parse_address(account)
        fn = self.contract.functions.grantRole if grant else self.contract.functions.revokeRole
        verb = "grant" if grant else "revoke"
        return tx_hex(self.chain.transact(fn(_role(role), account), f"{verb} {role} role to {account}"))

    def set_base_uri(self, base_uri: str) -> str:
        return tx_hex(self.chain.transact(self.contract.functions.setBaseURI(base_uri), "set base URI"))

    def mint(self, record: dict, to: str | None = None) -> Minted:
        """Mint one product's passport; the certificate (record and salt) never leaves this machine."""
        record = normalize_record(record)
        owner = parse_address(to, "recipient") if to is not None else self.chain.address
        cert = Certificate(self.chain.chain_id, self.address, record, new_salt())
        receipt = self.chain.transact(self.contract.functions.mint(owner, cert.commitment),
                                      f"mint passport {passport_hex(cert.passport_id)[:12]}…")
        return Minted(passport_hex(cert.passport_id), self.address, owner, tx_hex(receipt), cert.to_dict())

    def record_event(self, passport_id: int, kind: EventKind, details: str) -> Recorded:
        """Record a lifecycle event with a salted hash of its off-chain details."""
        salt = secrets.token_bytes(32)
        details_hash = keccak(encode(["bytes32", "string"], [salt, details]))
        receipt = self.chain.transact(
            self.contract.functions.recordEvent(passport_id, int(kind), details_hash),
            f"record {kind.name.lower()} for {passport_hex(passport_id)[:12]}…")
        return Recorded(passport_hex(passport_id), kind.name.lower(), tx_hex(receipt),
                        "0x" + details_hash.hex(), "0x" + salt.hex())

    def first_sale(self, passport_id: int, buyer: str) -> Recorded:
        buyer = parse_address(buyer, "buyer")
        receipt = self.chain.transact(self.contract.functions.firstSale(passport_id, buyer),
                                      f"first sale of {passport_hex(passport_id)[:12]}… to {buyer}")
        return Recorded(passport_hex(passport_id), "first-sale", tx_hex(receipt))

    def commit_batch(self, root: bytes) -> dict:
        """Commit a production batch by its Merkle root (`luxpass.batches`); returns the receipt."""
        return self.chain.transact(self.contract.functions.commitBatch(root), f"commit batch 0x{root.hex()[:10]}…")

    def batch_committed_at(self, root: bytes) -> int:
        """When the batch with this root was committed (a Unix time), 0 if never."""
        return self.chain.call(self.contract.functions.batchCommittedAt(root))

    def claim(self, certificate: Certificate, buyer: str) -> Recorded:
        """The first sale of a product of a committed batch: its passport is minted to the buyer."""
        buyer = parse_address(buyer, "buyer")
        if certificate.batch is None:
            raise InputError("this certificate is not of a product issued in a batch", "sell it with its passport id")
        pid = certificate.passport_id
        call = self.contract.functions.claim(certificate.batch.root, certificate.commitment,
                                             list(certificate.batch.proof), buyer)
        receipt = self.chain.transact(call, f"claim {passport_hex(pid)[:12]}… at its first sale to {buyer}")
        return Recorded(passport_hex(pid), "first-sale", tx_hex(receipt))

    def transfer(self, passport_id: int, to: str, owner: str | None = None) -> Recorded:
        """The owner's (or an approved operator's) transfer, by safeTransferFrom."""
        to = parse_address(to, "recipient")
        owner = owner or self.owner_of(passport_id)
        fn = self.contract.functions.safeTransferFrom(owner, to, passport_id)
        receipt = self.chain.transact(fn, f"transfer {passport_hex(passport_id)[:12]}… to {to}")
        return Recorded(passport_hex(passport_id), "transfer", tx_hex(receipt))

    def report(self, passport_id: int, status: Status) -> Recorded:
        if status in (Status.LOST, Status.STOLEN):
            fn = self.contract.functions.reportStatus(passport_id, int(status))
        elif status == Status.ACTIVE:
            fn = self.contract.functions.reportFound(passport_id)
        else:
            fn = self.contract.functions.markDestroyed(passport_id)
        action = "found" if status == Status.ACTIVE else status.name.lower()
        receipt = self.chain.transact(fn, f"report {passport_hex(passport_id)[:12]}… {action}")
        return Recorded(passport_hex(passport_id), action, tx_hex(receipt))

    def request_recovery(self, passport_id: int, new_owner: str) -> Recorded:
        """The brand admin, on the request of an owner who lost their wallet."""
        new_owner = parse_address(new_owner, "new owner")
        receipt = self.chain.transact(self.contract.functions.requestRecovery(passport_id, new_owner),
                                      f"request recovery of {passport_hex(passport_id)[:12]}… to {new_owner}")
        return Recorded(passport_hex(passport_id), "recovery-requested", tx_hex(receipt))

    def cancel_recovery(self, passport_id: int) -> Recorded:
        receipt = self.chain.transact(self.contract.functions.cancelRecovery(passport_id),
                                      f"cancel recovery of {passport_hex(passport_id)[:12]}…")
        return Recorded(passport_hex(passport_id), "recovery-cancelled", tx_hex(receipt))

    def complete_recovery(self, passport_id: int) -> Recorded:
        receipt = self.chain.transact(self.contract.functions.completeRecovery(passport_id),
                                      f"complete recovery of {passport_hex(passport_id)[:12]}…")
        return Recorded(passport_hex(passport_id), "recovered", tx_hex(receipt))

    def recovery_of(self, passport_id: int) -> dict:
        new_owner, ready_at = self.chain.call(self.contract.functions.recoveryOf(passport_id))
        return {"passport_id": passport_hex(passport_id), "pending": ready_at != 0,
                "new_owner": new_owner if ready_at else None, "ready_at": ready_at or None}

    def owner_of(self, passport_id: int) -> str:
        return self.chain.call(self.contract.functions.ownerOf(passport_id))

    def exists(self, passport_ids: list[int], chunk: int = 2000) -> list[bool]:
        found = []
        for start in range(0, len(passport_ids), chunk):
            exists, _, _ = self.chain.call(self.contract.functions.passportsState(passport_ids[start:start + chunk]))
            found.extend(exists)
        return found


def _role(name: str) -> bytes:
    try:
        return bytes.fromhex(ROLES[name.lower()][2:])
    except KeyError:
        raise InputError(f"unknown role {name!r}", f"use one of {', '.join(ROLES)}") from None

