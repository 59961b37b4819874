"""Contract ABIs and bytecode from the one build (`brownie compile` writes build/contracts)."""
import json
import os
from functools import cache
from pathlib import Path

from eth_abi import decode
from eth_utils import keccak

from ..errors import ContractRevert, LuxpassError

_PANIC_SELECTOR = bytes.fromhex("4e487b71")
_ERROR_SELECTOR = bytes.fromhex("08c379a0")

ROLES = {
    "admin": "0x" + "00" * 32,
    "minter": "0x" + keccak(text="MINTER_ROLE").hex(),
    "retailer": "0x" + keccak(text="RETAILER_ROLE").hex(),
    "service": "0x" + keccak(text="SERVICE_ROLE").hex(),
}
ROLE_NAMES = {bytes.fromhex(v[2:]): k for k, v in ROLES.items()}

# What to do about each refusal, keyed by custom error name.
FIXES = {
    "RegistryNotActiveMember": "only the council key of an active member brand may propose or vote",
    "RegistryAlreadyVoted": "each member brand votes once per proposal; see `luxpass brand proposals`",
    "RegistryProposalClosed": "the proposal is no longer open; propose again if needed",
    "RegistryUnknownProposal": "list proposals with `luxpass brand proposals`",
    "RegistryUnknownBrand": "list brands with `luxpass brand list`",
    "RegistryBrandNameTaken": "choose another brand name",
    "RegistryCouncilTaken": "each brand needs its own council address",
    "RegistryInvalidStatusChange": "check the brand's status with `luxpass brand show`",
    "RegistryAccreditationUnchanged": "the account already has that accreditation status",
    "RegistryBrandSymbolTaken": "choose another brand symbol",
    "RegistryNameNotNormalised": "trim the name and use single spaces (luxpass normalises names for you)",
    "RegistryInvalidQuorum": "pass a quorum from 5000 (a majority) to 9999 basis points",
    "RegistryTooFewFounders": "a consortium needs at least two founding brands",
    "RegistryInvalidFounders": "give one name and one symbol for each founder",
    "RegistryAlreadyAttested": "this auditor attested that report already; see `luxpass audit verify`",
    "RegistryAttestedBlockInFuture": "attest a report made at a block that exists (no later than the latest)",
    "RegistryNotAccreditedAuditor": "only an accredited auditor attests; the council accredits auditors by vote",
    "CasesBrandNotActive": "a suspended or removed brand cannot rule on cases; it must be reinstated first",
    "PassportBrandNotActive": "the brand is suspended or removed; it must be reinstated by a council vote",
    "PassportMissingRole": "ask the brand admin to grant the needed role with `luxpass role grant`",
    "AccessControlUnauthorizedAccount": "ask the brand admin to grant that role with `luxpass role grant`",
    "PassportNotTransferable": "a lost, stolen or destroyed passport cannot move until it is reported found",
    "PassportFirstSaleByRetailer": "sell it first with `luxpass transfer --first-sale` from a retailer account",
    "PassportNotBrandCustodian": "passports are minted to an account holding a role of the brand",
    "PassportAlreadySold": "after the first sale only the owner transfers the passport",
    "PassportNotStatusReporter": "only the owner who reported it lost or stolen can report it found",
    "PassportInvalidStatusChange": "check the passport's status with `luxpass verify`",
    "ERC721NonexistentToken": "check the passport id and collection with `luxpass verify`",
    "ERC721InvalidSender": "a passport with that commitment already exists (minted, or claimed at its first sale)",
    "PassportUnknownBatch": "the batch root is not committed in this collection; check the certificate's collection",
    "PassportInvalidProof": "the proof does not lead from this product to the batch root; use the certificate as issued",
    "PassportBatchAlreadyCommitted": "this batch is committed already; re-run `luxpass issue` with the same --out",
    "ERC721IncorrectOwner": "only the passport's owner can do that",
    "ERC721InsufficientApproval": "only the owner, or an account the owner approved, can move the passport",
    "AccessControlBadConfirmation": "renounce a role only for your own account",
    "ERC721InvalidApprover": "only the owner or an approved operator may approve; sign with the owner's account",
    "ERC721InvalidOperator": "the operator address is invalid (zero); pass a real address",
    "ERC721InvalidOwner": "the owner address is invalid (zero); check the passport and the owner",
    "ERC721InvalidReceiver": "the recipient cannot receive passports (a contract without onERC721Received, or zero); pass a wallet address",
    "InvalidShortString": "the collection's name or symbol is too long; choose a shorter one",
    "StringTooLong": "a text is too long for the contract; shorten it",
    "PassportAlreadyInitialized": "this collection is already set up; the registry creates each collection once",
    "PassportChipChallengeUsed": "this chip challenge was already used; scan the chip again for a fresh one",
    "PassportConsentExpired": "the consent is past its deadline (chain time); ask the seller to sign a new one",
    "PassportConsentNotOwner": "the consent is not signed by the passport's current owner; ask the owner to sign it",
    "PassportConsentUsed": "this consent was already used; see the passport's history",
    "PassportConsentWrongBuyer": "the consent names another buyer; pass that buyer with --to or ask for a new consent",
    "PassportConsentWrongChain": "the consent was signed for another chain; pass --rpc-url of that chain",
    "PassportConsentWrongCollection": "the consent was signed for another collection; check the file",
    "PassportEmptyBatch": "a batch needs at least one passport; check the CSV",
    "PassportInvalidCommitment": "the commitment is zero; mint from the product record with luxpass",
    "PassportLengthMismatch": "the lists passed have different lengths; pass one value per passport",
    "PassportNoChip": "no chip is bound to this passport; bind one with `luxpass chip bind`",
    "PassportNotInBrandCustody": "the passport already left brand custody; a first sale happens once",
    "PassportNotSold": "the passport is still in brand custody; sell it first (`transfer --first-sale`)",
    "PassportPermitExpired": "the permit is past its deadline; ask the owner for a new one",
    "PassportPermitNotOwner": "the permit is not signed by the passport's owner; ask the owner to sign it",
    "PassportPermitUsed": "this permit was already used; ask the owner for a new one",
    "PassportRecoveryNotReady": "the recovery delay has not passed yet; run `luxpass recovery complete` after it",
    "PassportRequestExpired": "the signed request is past its deadline; ask the owner to sign a new one",
    "PassportResellerNotAccredited": "only an accredited reseller records a resale; see `luxpass accredit`",
    "FailedDeployment": "the registry could not create the collection; check the node and try again",
    "InsufficientBalance": "the registry lacks the balance to deploy; check the node",
    "RegistryAlreadyAttested": "this report's digest is already attested; nothing to do",
    "RegistryInvalidAccount": "the account address is invalid (zero); pass a real address",
    "RegistryInvalidBrand": "the brand needs a non-empty, unused name and symbol and a council address",
    "RegistryInvalidFounders": "pass at least one founder, each with a distinct name and council",
    "RegistryInvalidImplementation": "the passport implementation has no code; deploy with `luxpass deploy`",
    "RegistryInvalidQuorum": "pass a quorum from 1 to 9999 basis points",
    "RegistryInvalidVotingPeriod": "pass a positive voting period in seconds",
    "RegistryNotAccreditedAuditor": "only an accredited auditor attests a report; ask the council to accredit you",
    "CasesAlreadyRuled": "the case was already ruled; each case is ruled once (see `luxpass cases list`)",
    "CasesCollectionNotOfBrand": "the collection named is not this brand's; pass the brand's own collection or none",
    "CasesInvalidRuling": "rule counterfeit, genuine or dismissed",
    "CasesNotAccreditedMarketplace": "only an accredited marketplace files a case; ask the council to accredit you",
    "CasesNotBrandCouncil": "only the brand's council key rules on its cases; sign with it",
    "CasesUnknownBrand": "no such brand; list brands with `luxpass brand list`",
    "CasesUnknownCase": "no such case; list cases with `luxpass cases list`",
    "CloneArgumentsTooLong": "the collection's setup data is too long; report this to the luxpass developers",
    "Create2EmptyBytecode": "the contract to deploy has no bytecode; run `brownie compile`",
    "ECDSAInvalidSignature": "the signature is malformed; ask the signer to sign again",
    "ECDSAInvalidSignatureLength": "the signature has the wrong length; ask the signer to sign again",
    "ECDSAInvalidSignatureS": "the signature is malleable (high s); ask the signer to sign again with a standard wallet",
    "FailedCall": "a call inside the contract failed; check the node and the addresses given",
    "MissingPrecompile": "the chain lacks a precompile the contract needs; use an EVM chain with the Prague precompiles",
    "MerkleProofInvalidMultiproof": "the batch proof is malformed; use the certificate `luxpass issue` wrote",
    "SafeCastOverflowedIntDowncast": "a number is too large for the contract; pass a smaller value",
    "SafeCastOverflowedIntToUint": "a number is negative where the contract needs a positive one",
    "SafeCastOverflowedUintDowncast": "a number is too large for the contract; pass a smaller value",
    "SafeCastOverflowedUintToInt": "a number is too large for the contract; pass a smaller value",
    "PassportSelfTransfer": "the account already owns the passport; name another recipient",
    "PassportRecoveryStale": "the passport moved (or its owner revoked signatures) since the request; request it again",
    "PassportRecoveryPending": "a recovery is pending; see `luxpass recovery show`, or cancel it first",
    "PassportRecoveryCoolingDown": "the owner cancelled a recovery; a new request is accepted after the cool-down",
    "PassportRecoveryToBrand": "a recovery goes to the customer's new address, never to an account of the brand",
    "PassportRebindNeedsOwner": "the passport is sold: rebind with the owner's signed ChipRebind (`rebindChip`)",
    "PassportRebindNotOwner": "ask the current owner to sign the ChipRebind at the passport's current nonce",
    "PassportChipChallengeExpired": "the chip's answer is past its deadline; challenge the chip again",
    "PassportChipChallengeInvalid": "the chip did not sign this challenge for this recipient; challenge it again",
    "PassportChipClaimClosed": "the current owner must open a chip claim first (setChipClaim)",
    "PassportClearRequestStale": "the request names an earlier report; ask the reporter to sign one for this report",
    "PassportConsentWrongReseller": "the consent names another reseller; submit it from that account or ask for a new one",
    "PassportConsentStale": "the passport moved or its owner revoked signatures; ask the owner for a new consent",
    "PassportNoRecovery": "no recovery is pending for this passport; see `luxpass recovery show`",
    "PassportInvalidBatchRoot": "the batch root is zero; commit the root `luxpass issue` builds from the products",
    "PassportInvalidChip": "the chip address is zero; pass the chip's public address with --chip",
    "PassportClearRequestUsed": "this clear request was already used; the report is cleared",
    "PassportClearRequestNotReporter": "the clear request is not signed by the owner who made the report; ask them to sign it",
    "RegistrySymbolNotNormalised": "trim the symbol and use single spaces (luxpass normalises symbols for you)",
}


def build_dir() -> Path:
    configured = os.environ.get("LUXPASS_BUILD")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "build" / "contracts"


@cache
def artifact(name: str) -> dict:
    path = build_dir() / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise LuxpassError(f"contract artifact {path} not found", "run `make build` (brownie compile)") from None
    return {"abi": data["abi"], "bytecode": data["bytecode"], "deployedBytecode": data["deployedBytecode"],
            "evm_version": data.get("compiler", {}).get("evm_version", "paris")}


def abi(name: str) -> list:
    return artifact(name)["abi"]


@cache
def _errors_by_selector() -> dict[bytes, tuple[str, list[str], list[str]]]:
    errors = {}
    for path in build_dir().glob("*.json"):
        for item in json.loads(path.read_text()).get("abi", []):
            if item.get("type") == "error":
                types = [_abi_type(i) for i in item["inputs"]]
                enums = [i["internalType"].rpartition(".")[2] if i.get("internalType", "").startswith("enum ")
                         else i.get("name", "") for i in item["inputs"]]
                selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
                errors[selector] = (item["name"], types, enums)
    return errors


def _abi_type(item: dict) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return item["type"]


def revert_bytes(data) -> bytes:
    """The revert data in any shape nodes send it: bytes, hex, or a dict (Ganache, Hardhat) holding
    it under `data`, `result` or `return`, possibly nested, e.g. {"data": {"0x…": {"return": "0x…"}}}."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if isinstance(data, str):
        hex_part = data.removeprefix("0x")
        try:
            return bytes.fromhex(hex_part) if data.startswith("0x") and len(hex_part) % 2 == 0 else b""
        except ValueError:
            return b""
    if isinstance(data, dict):
        keyed = [data[k] for k in ("data", "result", "return", "error") if k in data]
        for value in keyed + [v for k, v in data.items() if k.startswith("0x")]:
            found = revert_bytes(value)
            if found:
                return found
    if isinstance(data, (list, tuple)):
        for value in data:
            found = revert_bytes(value)
            if found:
                return found
    return b""


def decode_revert(data) -> ContractRevert:
    """Turn revert data, in any shape `revert_bytes` reads, into a ContractRevert naming the
    custom error and its arguments."""
    data = revert_bytes(data)
    if not data:
        return ContractRevert("EmptyRevert", (), "the call reverted without a reason; check the contract address")
    selector, body = data[:4], data[4:]
    if selector == _ERROR_SELECTOR:
        return ContractRevert("Error", decode(["string"], body))
    if selector == _PANIC_SELECTOR:
        return ContractRevert("Panic", decode(["uint256"], body))
    known = _errors_by_selector().get(selector)
    if known is None:
        return ContractRevert("UnknownError", ("0x" + data.hex(),) if data else ())
    name, types, enums = known
    args = tuple(_humanize(t, e, v) for t, e, v in zip(types, enums, decode(types, body)))
    return ContractRevert(name, args, FIXES.get(name))


def _humanize(abi_type: str, enum_name: str, value):
    from .. import results

    enum_type = getattr(results, enum_name, None) if abi_type == "uint8" else None
    if enum_type is not None:
        try:
            return results.cli_name(enum_type(value))
        except ValueError:
            return value
    if enum_name == "tokenId":
        return "0x" + value.to_bytes(32, "big").hex()
    if abi_type.startswith("uint") and (enum_name.endswith("At") or enum_name == "deadline"):
        return results.utc(value)  # a point in time, shown as a date
    if abi_type == "bytes32" and value in ROLE_NAMES:
        return f"{ROLE_NAMES[value]} role"
    if abi_type == "address":
        from eth_utils import to_checksum_address

        return to_checksum_address(value)
    return value
