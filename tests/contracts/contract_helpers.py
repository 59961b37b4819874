"""Constants and pure helpers shared by the contract tests (fixtures live in conftest.py)."""
import re
import time

from eth_abi import encode
from eth_utils import keccak
from hexbytes import HexBytes

from brownie import ZERO_ADDRESS
from eth_account import Account
from eth_account.messages import encode_typed_data
from web3.middleware import Web3Middleware
from luxpass.chain.accounts import dev_account
from luxpass.spec import (
    EIP712_DOMAIN_FIELDS,
    EIP712_TYPES,
    ROLES,
    Accreditation,
    BrandStatus,
    EventKind,
    ProposalKind,
    ProposalState,
    RecordType,
    Screening,
    Status,
    TransferKind,
)

WEEK = 7 * 24 * 3600
ZERO32 = b"\x00" * 32

# The contracts' enums and roles under the short names the tests use, bound by name to
# luxpass.spec, the one mirror of the contracts (tests/test_spec.py checks it against the build).
NONE, ACTIVE, SUSPENDED, REMOVED = BrandStatus.NONE, BrandStatus.ACTIVE, BrandStatus.SUSPENDED, BrandStatus.REMOVED
RESELLER, MARKETPLACE, AUDITOR = Accreditation.RESELLER, Accreditation.MARKETPLACE, Accreditation.AUDITOR
ADMIT, SUSPEND, REINSTATE, REMOVE = ProposalKind.ADMIT, ProposalKind.SUSPEND, ProposalKind.REINSTATE, ProposalKind.REMOVE
ACCREDIT, REVOKE, REPLACE_COUNCIL = ProposalKind.ACCREDIT, ProposalKind.REVOKE, ProposalKind.REPLACE_COUNCIL
ALLOW_RECOVERY = ProposalKind.ALLOW_RECOVERY
P_NONE, P_OPEN, P_EXECUTED = ProposalState.NONE, ProposalState.OPEN, ProposalState.EXECUTED
P_DEFEATED, P_EXPIRED = ProposalState.DEFEATED, ProposalState.EXPIRED
S_ACTIVE, S_LOST, S_STOLEN, S_DESTROYED = Status.ACTIVE, Status.LOST, Status.STOLEN, Status.DESTROYED
MANUFACTURED, QUALITY_CHECKED, SHIPPED = EventKind.MANUFACTURED, EventKind.QUALITY_CHECKED, EventKind.SHIPPED
RECEIVED_IN_STORE, SOLD, SERVICED = EventKind.RECEIVED_IN_STORE, EventKind.SOLD, EventKind.SERVICED
REPAIRED, BRAND_DEFINED = EventKind.REPAIRED, EventKind.BRAND_DEFINED
T_MINT, T_CUSTODY, T_FIRST_SALE = TransferKind.MINT, TransferKind.CUSTODY, TransferKind.FIRST_SALE
T_PRIVATE, T_RESALE, T_RECOVERY = TransferKind.PRIVATE_TRANSFER, TransferKind.RESALE, TransferKind.RECOVERY
T_CHIP_CLAIM = TransferKind.CHIP_CLAIM
R_OWNERSHIP, R_LIFECYCLE, R_STATUS = RecordType.OWNERSHIP, RecordType.LIFECYCLE, RecordType.STATUS

V_AUTHENTIC, V_NO_SUCH_PASSPORT, V_LOST = Screening.AUTHENTIC, Screening.NO_SUCH_PASSPORT, Screening.LOST
V_STOLEN, V_DESTROYED = Screening.STOLEN, Screening.DESTROYED
V_SELLER_NOT_OWNER, V_RECOVERY_PENDING = Screening.SELLER_NOT_OWNER, Screening.RECOVERY_PENDING

DEFAULT_ADMIN_ROLE, MINTER_ROLE, RETAILER_ROLE, SERVICE_ROLE = (
    "0x" + ROLES[name].hex() for name in ("admin", "minter", "retailer", "service"))


# --- helpers -------------------------------------------------------------------------------

def _err_arg(value):
    """Render one custom-error argument the way brownie decodes it (str() of eth_abi's value)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(int(value))
    if hasattr(value, "address"):  # brownie Account / Contract
        return value.address.lower()
    if isinstance(value, (bytes, bytearray)):
        return str(bytes(value))
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        return value.lower()
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{64}", value):
        return str(bytes.fromhex(value[2:]))
    return str(value)


def error(name, *args):
    """The revert message brownie reports for custom error `name(args...)`."""
    return f"{name}: {', '.join(_err_arg(a) for a in args)}"


def commitment(label):
    """A salted product commitment, as bytes32 hex."""
    return "0x" + keccak(text=f"luxpass-test-salt:{label}").hex()


def token_of(commit):
    return int(commit, 16)


class History:
    """Recompute a passport's head exactly as IBrandPassport describes it:
    head = keccak256(abi.encodePacked(head, abi.encode(record))), from bytes32(0)."""

    def __init__(self):
        self.head = ZERO32
        self.records = 0

    def _fold(self, types, values):
        self.head = keccak(self.head + encode(types, values))
        self.records += 1
        return self.head

    def mint(self, to):
        """A plain mint's record: who minted is not part of it (see IBrandPassport)."""
        return self.ownership(ZERO_ADDRESS, to, T_MINT, ZERO_ADDRESS)

    def ownership(self, frm, to, kind, agent):
        return self._fold(
            ["uint8", "address", "address", "uint8", "address"],
            [R_OWNERSHIP, _addr(frm), _addr(to), kind, _addr(agent)],
        )

    def lifecycle(self, kind, details_hash, by):
        return self._fold(
            ["uint8", "uint8", "bytes32", "address"],
            [R_LIFECYCLE, kind, HexBytes(details_hash), _addr(by)],
        )

    def status(self, status, by):
        return self._fold(["uint8", "uint8", "address"], [R_STATUS, status, _addr(by)])


def _addr(value):
    return value.address if hasattr(value, "address") else value


def b32(value):
    return bytes(HexBytes(value))


class Governance:
    """Carry proposals with the votes of the active founders (never the target brand)."""

    def __init__(self, registry, councils):
        self.registry = registry
        self.councils = councils

    def voters(self, exclude=0):
        return [
            council
            for brand_id, council in enumerate(self.councils, start=1)
            if brand_id != exclude and self.registry.brandStatus(brand_id) == ACTIVE
        ]

    def carry(self, propose, args, exclude=0):
        voters = self.voters(exclude)
        tx = propose(*args, {"from": voters[0]})
        proposal_id = tx.events["ProposalCreated"]["proposalId"]
        for voter in voters[1:]:
            if self.registry.proposalState(proposal_id) != P_OPEN:
                break
            tx = self.registry.vote(proposal_id, True, {"from": voter})
        assert self.registry.proposalState(proposal_id) == P_EXECUTED
        return tx

    def admit(self, name, symbol, council):
        return self.carry(self.registry.proposeAdmission, (name, symbol, council))

    def suspend(self, brand_id):
        return self.carry(self.registry.proposeBrandStatus, (brand_id, SUSPEND), brand_id)

    def reinstate(self, brand_id):
        return self.carry(self.registry.proposeBrandStatus, (brand_id, REINSTATE), brand_id)

    def remove(self, brand_id):
        return self.carry(self.registry.proposeBrandStatus, (brand_id, REMOVE), brand_id)

    def replace_council(self, brand_id, council):
        return self.carry(self.registry.proposeCouncilReplacement, (brand_id, council), brand_id)

    def accredit(self, account, accreditation, grant=True):
        return self.carry(self.registry.proposeAccreditation, (account, accreditation, grant))


def key_of(account):
    return next(dev_account(i, 31337).key for i in range(10) if dev_account(i, 31337).address == account.address)


def sign(collection, primary, message, signer_key):
    """`signer_key`'s EIP-712 signature of `message`, a `primary` of luxpass.spec.EIP712_TYPES, in
    the collection's domain."""
    _, name, version, chain_id, verifying, _, _ = collection.eip712Domain()
    typed = {
        "types": {"EIP712Domain": [{"name": n, "type": t} for n, t in EIP712_DOMAIN_FIELDS[:4]],
                  primary: [{"name": n, "type": t} for n, t in EIP712_TYPES[primary]]},
        "primaryType": primary,
        "domain": {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying},
        "message": message,
    }
    return Account.sign_message(encode_typed_data(full_message=typed), signer_key).signature


class PatientReceipts(Web3Middleware):
    """Asks again, for up to two seconds, when the node answers null for a transaction or its
    receipt. A loaded Anvil at times does so for a transaction it has just mined, while the
    sender's nonce already counts it; brownie then calls the mined transaction dropped ("Tx dropped
    without known replacement") and a random search turns it into hypothesis's Flaky."""

    ASKED_AGAIN = ("eth_getTransactionReceipt", "eth_getTransactionByHash")

    def wrap_make_request(self, make_request):
        def patient(method, params):
            response = make_request(method, params)
            for _ in range(20 if method in self.ASKED_AGAIN else 0):
                if response.get("result") is not None or "error" in response:
                    break
                time.sleep(0.1)
                response = make_request(method, params)
            return response
        return patient
