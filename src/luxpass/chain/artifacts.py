"""Contract ABIs and bytecode, shipped in the package (luxpass/contracts/*.json, copied from
brownie's build by tools/package_contracts.py, which `make build` runs), and revert decoding."""
import json
import os
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path

from eth_abi import decode
from eth_utils import keccak, to_checksum_address
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from .. import results, spec
from ..errors import ContractRevert, LuxpassError

_PANIC_SELECTOR = bytes.fromhex("4e487b71")
_ERROR_SELECTOR = bytes.fromhex("08c379a0")

# The contracts the library deploys or calls; their ABIs list every error they can throw.
PACKAGED = ("BrandPassport", "ConsortiumRegistry", "CounterfeitCases", "LuxpassForwarder")
_PACKAGED_KEYS = ("contractName", "abi", "bytecode", "deployedBytecode", "compiler", "sha1")


# Safe 1.4.1's contracts, from the npm package @safe-global/safe-contracts that package.json pins: the
# singleton whose events name the signers, its proxy factory, the fallback handler that answers
# EIP-1271, and the proxy (each Safe's own code, to tell a genuine Safe). Packaged under contracts/safe/ (name: path under the npm package's build/artifacts/contracts).
SAFE_PACKAGED = {
    "SafeL2": "SafeL2.sol/SafeL2.json",
    "SafeProxyFactory": "proxies/SafeProxyFactory.sol/SafeProxyFactory.json",
    "CompatibilityFallbackHandler": "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    "SafeProxy": "proxies/SafeProxy.sol/SafeProxy.json",
    "MultiSendCallOnly": "libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json",
}
_SAFE_PACKAGED_KEYS = ("contractName", "sourceName", "abi", "bytecode", "deployedBytecode")


def package_dir() -> Path:
    return Path(str(files("luxpass") / "contracts"))


def safe_package_dir() -> Path:
    return package_dir() / "safe"


def safe_packaged_form(npm_artifact: dict) -> dict:
    """What the package keeps of one of the Safe npm package's artifacts."""
    return {key: npm_artifact[key] for key in _SAFE_PACKAGED_KEYS}


@cache
def safe_artifact(name: str) -> dict:
    """The ABI and bytecode of one of the Safe contracts (SAFE_PACKAGED), from the package."""
    path = safe_package_dir() / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise LuxpassError(f"the Safe contract artifact {path} is not in the package",
                           "run `make build` (it packages the Safe contracts from node_modules)") from None


def packaged_form(build_artifact: dict) -> dict:
    """What the package keeps of one of brownie's build artifacts."""
    return {key: build_artifact[key] for key in _PACKAGED_KEYS}


def build_dir() -> Path:
    """The package's contracts, or a whole brownie build folder named by LUXPASS_BUILD (the
    benchmarks deploy their comparison contracts from build/contracts)."""
    configured = os.environ.get("LUXPASS_BUILD")
    return Path(configured) if configured else package_dir()


@cache
def artifact(name: str) -> dict:
    path = build_dir() / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise LuxpassError(f"contract artifact {path} not found",
                           "run `make build` (brownie compile, then python tools/package_contracts.py)") from None
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
                enums = [i["internalType"].removeprefix("enum ") if i.get("internalType", "").startswith("enum ")
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
    return ContractRevert(name, args, spec.HINTS.get(name))


def _humanize(abi_type: str, enum_name: str, value):
    enum_type = spec.enum_of(enum_name) if abi_type == "uint8" else None
    if enum_type is not None:
        try:
            return results.cli_name(enum_type(value))
        except ValueError:
            return value
    if enum_name == "tokenId":
        return "0x" + value.to_bytes(32, "big").hex()
    if abi_type.startswith("uint") and (enum_name.endswith("At") or enum_name == "deadline"):
        return results.utc(value)  # a point in time, shown as a date
    if abi_type == "bytes32" and value in spec.ROLE_NAMES:
        return f"{spec.ROLE_NAMES[value]} role"
    if abi_type == "address":
        return to_checksum_address(value)
    return value


@contextmanager
def decoded_reverts():
    """Re-raise web3's revert exceptions as ContractRevert with the custom error decoded."""
    try:
        yield
    except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
        raise decode_revert(getattr(exc, "data", None)) from None
