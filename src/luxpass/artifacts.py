"""Contract ABIs and bytecode from the one build (`brownie compile` writes build/contracts)."""
import json
import os
from functools import cache
from pathlib import Path

from eth_abi import decode
from eth_utils import keccak

from .errors import ContractRevert, LuxpassError

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
}


def build_dir() -> Path:
    configured = os.environ.get("LUXPASS_BUILD")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "build" / "contracts"


@cache
def artifact(name: str) -> dict:
    path = build_dir() / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise LuxpassError(f"contract artifact {path} not found", "run `make build` (brownie compile)") from None
    return {"abi": data["abi"], "bytecode": data["bytecode"], "deployedBytecode": data["deployedBytecode"]}


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
    from . import results

    enum_type = getattr(results, enum_name, None) if abi_type == "uint8" else None
    if enum_type is not None:
        try:
            return results.cli_name(enum_type(value))
        except ValueError:
            return value
    if enum_name == "tokenId":
        return "0x" + value.to_bytes(32, "big").hex()
    if abi_type == "bytes32" and value in ROLE_NAMES:
        return f"{ROLE_NAMES[value]} role"
    if abi_type == "address":
        from eth_utils import to_checksum_address

        return to_checksum_address(value)
    return value
