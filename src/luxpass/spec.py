"""The one mirror of the contracts' facts on the Python side: enums (names, members, order),
roles, event topics, function selectors, EIP-712 types and a hint for every custom error.

tests/test_spec.py checks every fact here against the compiled ABIs and the interfaces' ASTs in
build/, so that a renamed, reordered or new member, role, event, function, type or error of the
contracts fails in CI, not in a user's output. Nothing here reads the build at run time."""
import enum

from eth_utils import keccak


# --- enums, member for member in the interfaces' order ------------------------------------
# A member's Python name is its Solidity name in UPPER_SNAKE case, except where
# SOLIDITY_MEMBER_NAMES names another (the words the CLI and the JSON output have always used).

class BrandStatus(enum.IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REMOVED = 3


class Accreditation(enum.IntEnum):
    RESELLER = 0
    MARKETPLACE = 1
    AUDITOR = 2
    REPAIRER = 3  # REPAIRER, AUTHORITY, RECYCLER: the ESPR's readers of a DPP's restricted part
    AUTHORITY = 4
    RECYCLER = 5


class ProposalKind(enum.IntEnum):
    ADMIT = 0
    SUSPEND = 1
    REINSTATE = 2
    REMOVE = 3
    ACCREDIT = 4
    REVOKE = 5
    REPLACE_COUNCIL = 6
    ALLOW_RECOVERY = 7


class ProposalState(enum.IntEnum):
    NONE = 0
    OPEN = 1
    EXECUTED = 2
    DEFEATED = 3
    EXPIRED = 4


class Status(enum.IntEnum):
    ACTIVE = 0
    LOST = 1
    STOLEN = 2
    DESTROYED = 3


class EventKind(enum.IntEnum):
    MANUFACTURED = 0
    QUALITY_CHECKED = 1
    SHIPPED = 2
    RECEIVED_IN_STORE = 3
    SOLD = 4
    SERVICED = 5
    REPAIRED = 6
    BRAND_DEFINED = 7


class TransferKind(enum.IntEnum):
    MINT = 0
    CUSTODY = 1
    FIRST_SALE = 2
    PRIVATE_TRANSFER = 3
    RESALE = 4
    RECOVERY = 5
    CHIP_CLAIM = 6


class Screening(enum.IntEnum):
    """The verdict byte `screen` returns for each listing."""

    AUTHENTIC = 0
    NO_SUCH_PASSPORT = 1
    LOST = 2
    STOLEN = 3
    DESTROYED = 4
    SELLER_NOT_OWNER = 5
    RECOVERY_PENDING = 6


class RecordType(enum.IntEnum):
    OWNERSHIP = 0
    LIFECYCLE = 1
    STATUS = 2


class Ruling(enum.IntEnum):
    PENDING = 0
    COUNTERFEIT = 1
    GENUINE = 2
    DISMISSED = 3


class BrandNameFault(enum.IntEnum):
    """What BrandNames (the registry's rule for brand names) finds wrong with a text."""
    NONE = 0
    SPACING = 1  # a leading, trailing or double space
    CHARACTER = 2  # a character outside the allowed set, bytes that are no UTF-8, or nothing left to compare
    MIXED_SCRIPTS = 3  # letters of two of Latin, Greek and Cyrillic


SOLIDITY_ENUMS = {
    BrandStatus: ("IConsortiumRegistry", "BrandStatus"),
    Accreditation: ("IConsortiumRegistry", "Accreditation"),
    ProposalKind: ("IConsortiumRegistry", "ProposalKind"),
    ProposalState: ("IConsortiumRegistry", "ProposalState"),
    Status: ("IBrandPassport", "Status"),
    EventKind: ("IBrandPassport", "EventKind"),
    TransferKind: ("IBrandPassport", "TransferKind"),
    Screening: ("IBrandPassport", "Screening"),
    RecordType: ("IBrandPassport", "RecordType"),
    Ruling: ("ICounterfeitCases", "Ruling"),
    BrandNameFault: ("BrandNames", "Fault"),
}
# The contract structs the Python side reads by field name (`Chain.call_struct`): the view that
# returns each, and the fields read. tests/test_spec.py checks them against the interfaces' ASTs.
SOLIDITY_STRUCTS = {
    ("IConsortiumRegistry", "Brand"): ("brand", ("name", "council", "collection", "status")),
    ("IConsortiumRegistry", "PendingCouncil"): ("pendingCouncil", ("council", "effectiveAt")),
    ("IConsortiumRegistry", "Proposal"): ("proposal", ("kind", "brandId", "account", "accreditation", "name",
                                                       "symbol", "proposerBrandId", "deadline")),
    ("IBrandPassport", "Passport"): ("passport", ("status", "records", "head")),
}
_BY_SOLIDITY_NAME = {f"{interface}.{name}": py_enum for py_enum, (interface, name) in SOLIDITY_ENUMS.items()}


def enum_of(solidity_name: str) -> type[enum.IntEnum] | None:
    """The mirror of `IBrandPassport.Status` (an ABI's internalType without `enum `), if any."""
    return _BY_SOLIDITY_NAME.get(solidity_name)


SOLIDITY_MEMBER_NAMES = {
    ProposalKind: {"ADMIT": "AdmitBrand", "SUSPEND": "SuspendBrand", "REINSTATE": "ReinstateBrand",
                   "REMOVE": "RemoveBrand", "REVOKE": "RevokeAccreditation"},
}

# What each `screen` verdict says of the passport's status (matched by meaning, not by position);
# a verdict missing here (NO_SUCH_PASSPORT) has no passport behind it.
SCREENING_STATUS = {
    Screening.AUTHENTIC: Status.ACTIVE,
    Screening.SELLER_NOT_OWNER: Status.ACTIVE,
    Screening.RECOVERY_PENDING: Status.ACTIVE,
    Screening.LOST: Status.LOST,
    Screening.STOLEN: Status.STOLEN,
    Screening.DESTROYED: Status.DESTROYED,
}


# --- roles of a brand collection (AccessControl) --------------------------------------------
# The CLI's name of each role and the contract's constant; the contract defines each role as
# keccak256 of its constant's name, and DEFAULT_ADMIN_ROLE as zero (OpenZeppelin's AccessControl).
ROLE_CONSTANTS = {"admin": "DEFAULT_ADMIN_ROLE", "minter": "MINTER_ROLE", "retailer": "RETAILER_ROLE",
                  "service": "SERVICE_ROLE"}
ROLES = {name: bytes(32) if constant == "DEFAULT_ADMIN_ROLE" else keccak(text=constant)
         for name, constant in ROLE_CONSTANTS.items()}
ROLE_NAMES = {value: name for name, value in ROLES.items()}


# --- events and functions the library encodes or decodes by hand ---------------------------
# name: (contract, canonical signature); enums are uint8 in signatures.
EVENTS = {
    "OwnershipRecorded": ("BrandPassport", "OwnershipRecorded(uint256,address,address,uint8,address,bytes32)"),
    "LifecycleRecorded": ("BrandPassport", "LifecycleRecorded(uint256,uint8,bytes32,address,bytes32)"),
    "StatusChanged": ("BrandPassport", "StatusChanged(uint256,uint8,uint8,address,bytes32)"),
    "Transfer": ("BrandPassport", "Transfer(address,address,uint256)"),
    "ResaleRecorded": ("BrandPassport", "ResaleRecorded(uint256,address,bytes32,bytes32)"),
}
FUNCTIONS = {
    "screen": ("BrandPassport", "screen(uint256[],address[])"),
    "heads": ("BrandPassport", "heads(uint256[])"),
    "mintBatch": ("BrandPassport", "mintBatch(address,bytes32[])"),
    "brandIdOfCollection": ("ConsortiumRegistry", "brandIdOfCollection(address)"),
    "brandStatus": ("ConsortiumRegistry", "brandStatus(uint256)"),
}


# The owner's actions LuxpassForwarder relays (ownerAction): name: (BrandPassport signature,
# position of the tokenId argument). A relayed request's data is the call, then the passport nonce.
RELAYED_ACTIONS = {
    "reportStatus": ("reportStatus(uint256,uint8)", 0),
    "reportFound": ("reportFound(uint256)", 0),
    "cancelRecovery": ("cancelRecovery(uint256)", 0),
    "revokeSignatures": ("revokeSignatures(uint256)", 0),
    "setChipClaim": ("setChipClaim(uint256,bool)", 0),
    "transferFrom": ("transferFrom(address,address,uint256)", 2),
    "safeTransferFrom": ("safeTransferFrom(address,address,uint256)", 2),
}


def topic(event: str) -> bytes:
    """The event's topic 0."""
    return keccak(text=EVENTS[event][1])


def selector(function: str) -> bytes:
    """The function's 4-byte selector."""
    return keccak(text=FUNCTIONS[function][1])[:4]


# --- EIP-712 --------------------------------------------------------------------------------
# The typed messages BrandPassport and the forwarder verify, field by field in the order of their typehashes.
EIP712_TYPES = {
    "ResaleConsent": (("chainId", "uint256"), ("collection", "address"), ("tokenId", "uint256"),
                      ("reseller", "address"), ("buyer", "address"), ("termsHash", "bytes32"),
                      ("nonce", "uint256"), ("deadline", "uint256")),
    "Permit": (("spender", "address"), ("tokenId", "uint256"), ("nonce", "uint256"), ("deadline", "uint256")),
    "ClearReport": (("tokenId", "uint256"), ("reportNonce", "uint256"), ("deadline", "uint256")),
    "ChipChallenge": (("tokenId", "uint256"), ("to", "address"), ("deadline", "uint256"),
                      ("blockHash", "bytes32"), ("nonce", "bytes32")),
    "ChipRebind": (("tokenId", "uint256"), ("chip", "address"), ("nonce", "uint256"), ("deadline", "uint256")),
    # LuxpassForwarder's (OpenZeppelin's ERC2771Forwarder), domain "luxpass forwarder" version "1"
    "ForwardRequest": (("from", "address"), ("to", "address"), ("value", "uint256"), ("gas", "uint256"),
                       ("nonce", "uint256"), ("deadline", "uint48"), ("data", "bytes")),
}
# The domain's fields in the order of ERC-5267's `fields` bitmap (bit i: field i is used).
EIP712_DOMAIN_FIELDS = (("name", "string"), ("version", "string"), ("chainId", "uint256"),
                        ("verifyingContract", "address"), ("salt", "bytes32"))


def eip712_fields(kind: str) -> list[dict]:
    """The type's fields as typed data lists them: [{"name": …, "type": …}, …]."""
    return [{"name": name, "type": type_} for name, type_ in EIP712_TYPES[kind]]


def type_string(kind: str) -> str:
    """`ChipRebind(uint256 tokenId,address chip,uint256 nonce,uint256 deadline)`."""
    return f"{kind}({','.join(f'{type_} {name}' for name, type_ in EIP712_TYPES[kind])})"


def typehash(kind: str) -> bytes:
    return keccak(text=type_string(kind))


# --- a hint for every custom error: what to do about the refusal -------------------------------
HINTS = {
    # IConsortiumRegistry
    "RegistryAccreditationUnchanged": "the account already has (or already lacks) that accreditation; check it with `luxpass accredit` before proposing",
    "RegistryAlreadyAttested": "this auditor attested that report already; see `luxpass audit check`",
    "RegistryAlreadyVoted": "each member brand votes once per proposal; see `luxpass brand proposals`",
    "RegistryAttestedBlockInFuture": "the report names a block the chain has not reached; attest a report made at an existing block",
    "RegistryBrandNameTaken": "a member brand already has that name (compared without case); choose another name",
    "RegistryBrandSymbolTaken": "a member brand already has that symbol; choose another symbol",
    "RegistryBrandNameNotAllowed": "the name holds a character the registry does not allow (at the byte offset shown: an invisible or space-like one, another script's, or letters of two of Latin, Greek and Cyrillic); type it again in one script (luxpass normalises spaces and NFKC for you)",
    "RegistryBrandSymbolNotAllowed": "the symbol holds a character the registry does not allow (at the byte offset shown), or letters of two scripts; write it in one script with letters and digits",
    "RegistryCouncilTaken": "that council address governs a brand, governed one, or waits for a seat; give each brand "
                            "a council address never used by a council",
    "RegistryTargetCannotVote": "a brand does not vote on the replacement of its own council; the other members decide",
    "RegistryTooManyOpenProposals": "the brand has as many proposals open as a brand may; let some be decided or expire (`luxpass brand proposals`) before proposing more",
    "RegistryTooFewOtherMembers": "a council replacement needs at least two other active members to vote on it",
    "RegistryBrandRemoved": "the brand was removed: it has no council seat to replace",
    "RegistryCouncilReplacementHeld": "this brand's council was replaced recently; propose again after the date shown "
                                      "(`luxpass brand show`)",
    "RegistryCouncilReplacementPending": "the other members voted to replace this council; it takes effect at the time "
                                         "shown by `luxpass brand show`",
    "RegistryNoCouncilReplacement": "no council replacement is pending for this brand; see `luxpass brand show`",
    "RegistryCouncilReplacementNotDue": "the replacement takes effect at the time shown; complete it then",
    "PassportNotRegistry": "only the consortium registry moves a collection's admin role (`luxpass brand rotate-council`)",
    "PassportAdminRoleMovedByRegistry": "the admin role is the brand council's and moves only with it: rotate the council (`luxpass brand rotate-council`) instead of granting or revoking it",
    "RegistryInvalidAccount": "the account address is invalid (zero); pass a real address",
    "RegistryInvalidBrand": "the name or symbol is empty or the council is the zero address; pass a name, a symbol and a council address",
    "RegistryInvalidFounders": "the founders' names, symbols and councils differ in number; give one name and one symbol per founder",
    "RegistryInvalidImplementation": "the passport implementation has no code; deploy with `luxpass deploy`",
    "RegistryInvalidQuorum": "the quorum is outside 5000-9999 basis points; pass a majority, from 5000 to 9999",
    "RegistryInvalidStatusChange": "the brand is not in a status this proposal can change; check it with `luxpass brand show`",
    "RegistryInvalidVotingPeriod": "the voting period is zero; pass a positive voting period in seconds",
    "RegistryNameNotNormalised": "the name has outer or double spaces or control characters; trim it to single spaces (luxpass does this for you)",
    "RegistryNotAccreditedAuditor": "only an accredited auditor attests; the council accredits auditors by vote",
    "RegistryNotActiveMember": "the sender is not the council key of an active member brand; propose and vote with such a key",
    "RegistrySymbolNotNormalised": "the symbol has outer or double spaces or control characters; trim it to single spaces (luxpass does this for you)",
    "RegistryProposalClosed": "the proposal is no longer open; propose again if needed",
    "RegistryTooFewFounders": "a consortium needs at least two founding brands; name two or more founders",
    "RegistryUnknownBrand": "no brand has that id; list brands with `luxpass brand list`",
    "RegistryUnknownProposal": "no proposal has that id; list proposals with `luxpass brand proposals`",
    # ICounterfeitCases
    "CasesAlreadyRuled": "the case was already ruled; each case is ruled once (see `luxpass cases list`)",
    "CasesBrandNotActive": "a suspended or removed brand cannot rule on cases; it must be reinstated first",
    "CasesCollectionNotOfBrand": "the collection named is not this brand's; pass the brand's own collection or none",
    "CasesInvalidRuling": "a case is ruled counterfeit, genuine or dismissed, never pending; pass one of those three",
    "CasesNotAccreditedMarketplace": "only an accredited marketplace files a case; ask the council to accredit you",
    "CasesNotBrandCouncil": "only the brand's council key rules on its cases; sign with it",
    "CasesUnknownBrand": "no such brand; list brands with `luxpass brand list`",
    "CasesUnknownCase": "no such case; list cases with `luxpass cases list`",
    # IBrandPassport
    "PassportAlreadyInitialized": "this collection is already set up; the registry creates each collection once",
    "PassportAlreadySold": "the passport's first sale happened already; after it only the owner transfers the passport",
    "PassportBatchAlreadyCommitted": "this batch is committed already; re-run `luxpass issue` with the same --out",
    "PassportBrandNotActive": "the brand is suspended or removed; it must be reinstated by a council vote",
    "PassportChipChallengeExpired": "the chip's answer is past its deadline; challenge the chip again",
    "PassportChipChallengeInvalid": "the chip did not sign this challenge for this recipient; challenge it again",
    "PassportChipChallengeUsed": "this chip challenge was already used; scan the chip again for a fresh one",
    "PassportChipClaimClosed": "the owner has not opened a chip claim; the current owner opens one first (setChipClaim)",
    "PassportClearRequestUsed": "this clear request was used already, so the report is cleared; nothing to do",
    "PassportClearRequestStale": "the request names an earlier report; ask the reporter to sign one for this report",
    "PassportClearRequestNotReporter": "the clear request is not signed by the owner who made the report; ask them to sign it",
    "PassportConsentExpired": "the consent is past its deadline (chain time); ask the seller to sign a new one",
    "PassportConsentNotOwner": "the consent is not signed by the passport's current owner; ask the owner to sign it",
    "PassportConsentStale": "the passport moved (perhaps by this very consent: see its history) or its owner revoked signatures; ask the owner for a new consent",
    "PassportConsentWrongBuyer": "the consent names another buyer; pass that buyer with --to or ask for a new consent",
    "PassportConsentWrongChain": "the consent was signed for another chain; pass --rpc-url of that chain",
    "PassportConsentWrongCollection": "the consent was signed for another collection; check the file",
    "PassportConsentWrongReseller": "the consent names another reseller; submit it from that account or ask for a new one",
    "PassportEmptyBatch": "a batch needs at least one passport; check the CSV",
    "PassportFirstSaleByRetailer": "a passport in brand custody leaves it only by a first sale; sell it with `luxpass transfer --first-sale` from a retailer account",
    "PassportInvalidBatchRoot": "the batch root is zero; commit the root `luxpass issue` builds from the products",
    "PassportInvalidChip": "the chip address is zero; pass the chip's public address with --chip",
    "PassportInvalidCommitment": "the commitment is zero; mint from the product record with luxpass",
    "PassportInvalidProof": "the proof does not lead from this product to the batch root; use the certificate as issued",
    "PassportInvalidStatusChange": "the passport's status does not allow that change; check its status with `luxpass verify`",
    "PassportLengthMismatch": "the lists passed have different lengths; pass one value per passport",
    "PassportMissingRole": "the account lacks the role this event kind needs; ask the brand admin to grant it with `luxpass role grant`",
    "PassportNoChip": "no chip is bound to this passport; bind one with `luxpass chip bind`",
    "PassportNoRecovery": "no recovery is pending for this passport; see `luxpass recovery show`",
    "PassportNotBrandCustodian": "the account holds no role of the brand; mint to an account of the brand (admin, minter, retailer or service)",
    "PassportNotInBrandCustody": "the passport already left brand custody; a first sale happens once",
    "PassportNotSold": "the passport is still in brand custody; sell it first (`transfer --first-sale`)",
    "PassportNotStatusReporter": "only the owner who reported it lost or stolen reports it found; sign with that account, or ask the brand to clear the report",
    "PassportNotTransferable": "the passport is lost, stolen or destroyed and cannot move; report it found first (destroyed is final)",
    "PassportPermitExpired": "the permit is past its deadline; ask the owner for a new one",
    "PassportPermitNotOwner": "the permit is not signed by the passport's owner; ask the owner to sign it",
    "PassportPermitUsed": "this permit was already used; ask the owner for a new one",
    "PassportRebindNeedsOwner": "the passport is sold, so its chip rebinds only with the owner's consent; have the owner sign a ChipRebind (`rebindChip`)",
    "PassportRebindNotOwner": "the ChipRebind is not signed by the current owner at the current nonce; ask the owner to sign it again",
    "PassportRecoveryRefusedByOwner": "the owner cancelled a recovery of this passport; while she owns it, only a vote of the other members (`luxpass brand allow-recovery BRAND --owner OWNER`, proposed by another brand) lets the brand ask again",
    "PassportRecoveryOfContractOwner": "the owner is a contract (a Safe or a vault), which changes its own keys; only a vote of the other members (`luxpass brand allow-recovery BRAND --owner OWNER`) lets the brand request a recovery",
    "PassportRecoveryNotReady": "the recovery delay has not passed yet; run `luxpass recovery complete` after it",
    "PassportRecoveryPending": "a recovery is pending; see `luxpass recovery show`, or cancel it first",
    "PassportRecoveryStale": "the passport moved (or its owner revoked signatures) since the request; request it again",
    "PassportRecoveryToBrand": "a recovery cannot go to an account of the brand; name the customer's new address",
    "PassportRequestExpired": "the signed request is past its deadline; ask the owner to sign a new one",
    "PassportResellerNotAccredited": "only an accredited reseller records a resale; see `luxpass accredit`",
    "PassportSelfTransfer": "the account already owns the passport; name another recipient",
    "PassportUnknownBatch": "the batch root is not committed in this collection; check the certificate's collection",
    # OpenZeppelin's errors the contracts can throw (solc lists them in the contracts' ABIs)
    "AccessControlBadConfirmation": "a role is renounced only by its own holder; renounce from the account that holds it",
    "AccessControlUnauthorizedAccount": "the account lacks the role; ask the brand admin to grant it with `luxpass role grant`",
    "ERC721IncorrectOwner": "the account does not own the passport; sign with the owner's account",
    "ERC721InsufficientApproval": "the account neither owns the passport nor is approved for it; sign as the owner, or ask the owner to approve you",
    "ERC721InvalidApprover": "only the owner or an approved operator may approve; sign with the owner's account",
    "ERC721InvalidOperator": "the operator address is invalid (zero); pass a real address",
    "ERC721InvalidOwner": "the owner address is invalid (zero); check the passport and the owner",
    "ERC721InvalidReceiver": "the recipient cannot receive passports (a contract without onERC721Received, or zero); pass a wallet address",
    "ERC721InvalidSender": "a passport with that commitment already exists (minted, or claimed at its first sale); check the product record and salt",
    "ERC721NonexistentToken": "no passport has that id in this collection; check the id and collection with `luxpass verify`",
    "FailedDeployment": "the registry could not create the collection; check the node and try again",
    "InsufficientBalance": "the registry lacks the balance to deploy; check the node",
    "InvalidShortString": "the collection's name or symbol is too long; choose a shorter one",
    "StringTooLong": "a text is too long for the contract; shorten it",
    # LuxpassForwarder, and OpenZeppelin's ERC2771Forwarder beneath it
    "LuxpassForwarderNotOwnerAction": "the forwarder relays only an owner's action on one passport, its call followed by the passport nonce; build the request with the owner pages or luxpass.onchain.forwarder",
    "LuxpassForwarderStaleRequest": "the passport moved, was reported or had its signatures revoked since the request was signed; sign a new one at the passport's current nonce",
    "ERC2771ForwarderExpiredRequest": "the signed request is past its deadline; sign a new one",
    "ERC2771ForwarderInvalidSigner": "the request is not signed by its `from` at the signer's current forwarder nonce; read the nonce again and sign again",
    "ERC2771ForwarderMismatchedValue": "a relayed request carries no ether; send it with value 0",
    "ERC2771UntrustfulTarget": "the target does not trust this forwarder; relay only to a passport collection of this consortium",
    "FailedCall": "the relayed call failed in the passport contract; run it with eth_call to read the passport's refusal",
    "InvalidAccountNonce": "the signer's forwarder nonce moved on; read it again (`GET /api/forwarder/nonce/ADDRESS`) and sign again",
}
