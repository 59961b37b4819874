"""luxpass.spec, the Python mirror of the contracts, against the build (`brownie compile`): enums
from the interfaces' ASTs, roles and EIP-712 typehashes from the contracts' ASTs, events,
functions and custom errors from the ABIs. A renamed, reordered or new member fails here."""
import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest
from eth_utils import keccak

from luxpass import spec

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
# Mocks for the tests and the benchmark's comparison contracts are no part of luxpass.
NOT_LUXPASS = ("contracts/test/", "contracts/bench/")


@cache
def build_json(name: str) -> dict:
    for folder in ("contracts", "interfaces"):
        path = BUILD / folder / f"{name}.json"
        if path.exists():
            return json.loads(path.read_text())
    pytest.fail(f"{name} is not in {BUILD}; run `brownie compile`")


def all_artifacts() -> list[dict]:
    artifacts = [json.loads(p.read_text()) for folder in ("contracts", "interfaces")
                 for p in sorted((BUILD / folder).glob("*.json"))]
    assert artifacts, f"nothing in {BUILD}; run `brownie compile`"
    return artifacts


def luxpass_artifacts() -> list[dict]:
    """What luxpass's own sources (contracts/*.sol, interfaces/*.sol) compile to."""
    return [a for a in all_artifacts() if a["ast"]["absolutePath"].startswith(("contracts/", "interfaces/"))
            and not a["ast"]["absolutePath"].startswith(NOT_LUXPASS)]


def nodes(tree):
    """Every node of a solc AST, depth first."""
    if isinstance(tree, dict):
        yield tree
        tree = list(tree.values())
    if isinstance(tree, list):
        for child in tree:
            yield from nodes(child)


def ast_enum_members(interface: str, name: str) -> list[str]:
    for node in nodes(build_json(interface)["ast"]):
        if node.get("nodeType") == "EnumDefinition" and node["name"] == name:
            return [member["name"] for member in node["members"]]
    pytest.fail(f"no enum {name} in {interface}")


def constants(contract: str) -> dict[str, dict]:
    """The contract's constants by name, each its initial value's AST node."""
    return {node["name"]: node["value"] for node in nodes(build_json(contract)["ast"])
            if node.get("nodeType") == "VariableDeclaration" and node.get("constant")}


def keccak_literal(value: dict) -> str:
    """The text of `keccak256("…")`, the one shape a role or typehash constant is written in."""
    assert value["nodeType"] == "FunctionCall" and value["expression"].get("name") == "keccak256", value
    (argument,) = value["arguments"]
    assert argument["nodeType"] == "Literal" and argument["kind"] == "string", argument
    return argument["value"]


def upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def abi_type(item: dict) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return item["type"]


def abi_signature(contract: str, kind: str, name: str) -> str:
    found = [i for i in build_json(contract)["abi"] if i["type"] == kind and i.get("name") == name]
    assert len(found) == 1, f"{contract} has {len(found)} {kind}s named {name}"
    return f"{name}({','.join(abi_type(i) for i in found[0]['inputs'])})"


def ast_struct_members(interface: str, name: str) -> list[str]:
    for node in nodes(build_json(interface)["ast"]):
        if node.get("nodeType") == "StructDefinition" and node["name"] == name:
            return [member["name"] for member in node["members"]]
    pytest.fail(f"no struct {name} in {interface}")


def test_structs_read_by_name_have_those_fields_and_come_from_their_views():
    for (interface, name), (view, read) in spec.SOLIDITY_STRUCTS.items():
        members = ast_struct_members(interface, name)
        assert set(read) <= set(members), f"luxpass reads {sorted(set(read) - set(members))} of {interface}.{name}"
        (function,) = [f for f in build_json(interface)["abi"] if f.get("name") == view and f["type"] == "function"]
        (output,) = function["outputs"]
        assert output["internalType"] == f"struct {interface}.{name}"
        assert [c["name"] for c in output["components"]] == members


def test_mirrored_enums_match_the_interfaces():
    differ = []
    for py_enum, (interface, name) in spec.SOLIDITY_ENUMS.items():
        members = ast_enum_members(interface, name)
        renamed = {sol: py for py, sol in spec.SOLIDITY_MEMBER_NAMES.get(py_enum, {}).items()}
        expected = [renamed.get(m, upper_snake(m)) for m in members]
        if [m.name for m in py_enum] != expected or not set(renamed) <= set(members):
            differ.append(f"luxpass.spec.{py_enum.__name__} {[m.name for m in py_enum]} is not {interface}.{name} "
                          f"{members}")
        assert [m.value for m in py_enum] == list(range(len(py_enum))), py_enum
    assert not differ, "; ".join(differ)


def test_every_enum_of_the_interfaces_is_mirrored():
    declared = {(a["ast"]["absolutePath"].rpartition("/")[2].removesuffix(".sol"), node["name"])
                for a in luxpass_artifacts() for node in nodes(a["ast"]) if node.get("nodeType") == "EnumDefinition"}
    assert declared == set(spec.SOLIDITY_ENUMS.values())


def test_screening_verdicts_name_the_statuses_they_stand_for():
    for verdict, status in spec.SCREENING_STATUS.items():
        assert status is spec.Status.ACTIVE or verdict.name == status.name
    assert {s for s in spec.Status if s is not spec.Status.ACTIVE} <= set(spec.SCREENING_STATUS.values())
    assert set(spec.Screening) - set(spec.SCREENING_STATUS) == {spec.Screening.NO_SUCH_PASSPORT}


def test_roles_are_the_collections_role_constants():
    passport = constants("BrandPassport")
    declared = {i["name"] for i in build_json("BrandPassport")["abi"]
                if i["type"] == "function" and i["name"].endswith("_ROLE")}
    assert declared == set(spec.ROLE_CONSTANTS.values())
    for name, constant in spec.ROLE_CONSTANTS.items():
        if constant == "DEFAULT_ADMIN_ROLE":
            value = constants("AccessControl")[constant]
            assert value["nodeType"] == "Literal" and int(value["value"], 16) == 0
            assert spec.ROLES[name] == bytes(32)
        else:
            assert spec.ROLES[name] == keccak(text=keccak_literal(passport[constant])), name
    assert len(spec.ROLE_NAMES) == len(spec.ROLES)


def test_event_topics_are_recomputed_from_the_abi():
    for name, (contract, signature) in spec.EVENTS.items():
        assert signature == abi_signature(contract, "event", name)
        assert spec.topic(name) == keccak(text=abi_signature(contract, "event", name))


def test_function_selectors_are_recomputed_from_the_abi():
    for name, (contract, signature) in spec.FUNCTIONS.items():
        assert signature == abi_signature(contract, "function", name)
        assert spec.selector(name) == keccak(text=abi_signature(contract, "function", name))[:4]


def test_relayed_actions_are_functions_of_the_collection():
    functions = {f"{i['name']}({','.join(abi_type(x) for x in i['inputs'])})": i
                 for i in build_json("BrandPassport")["abi"] if i["type"] == "function"}
    for name, (signature, token_at) in spec.RELAYED_ACTIONS.items():
        assert signature.startswith(f"{name}(") and signature in functions, signature
        assert functions[signature]["inputs"][token_at]["name"] == "tokenId", signature


def test_eip712_types_hash_to_the_contracts_typehashes():
    typehashes = {}
    for artifact in luxpass_artifacts():
        if "bytecode" in artifact:
            typehashes.update({name: keccak_literal(value) for name, value in constants(artifact["contractName"]).items()
                               if name.endswith("_TYPEHASH")})
    # The forwarder's request type is OpenZeppelin's, declared in the ERC2771Forwarder it extends.
    typehashes.update({name: keccak_literal(value) for name, value in constants("ERC2771Forwarder").items()
                       if name.endswith("_TYPEHASH")})
    assert typehashes, "no *_TYPEHASH constant in the contracts"
    by_kind = {text.partition("(")[0]: (name, text) for name, text in typehashes.items()}
    assert set(by_kind) == set(spec.EIP712_TYPES), f"the contracts' typed messages: {sorted(by_kind)}"
    for kind, (constant, text) in by_kind.items():
        assert spec.type_string(kind) == text, f"{constant} is keccak256({text!r})"
        assert spec.typehash(kind) == keccak(text=text)


def test_every_custom_error_has_a_hint():
    """Every error a luxpass contract or interface declares or can throw (solc lists in a
    contract's ABI the errors of the OpenZeppelin code it reaches) has a hint."""
    errors = {i["name"] for a in luxpass_artifacts() for i in a["abi"] if i["type"] == "error"}
    missing = sorted(errors - set(spec.HINTS))
    assert not missing, f"custom errors without a hint in luxpass.spec.HINTS: {missing}"


def test_every_hint_is_for_an_error_a_contract_can_throw():
    errors = {i["name"] for a in luxpass_artifacts() for i in a["abi"] if i["type"] == "error"}
    stale = sorted(set(spec.HINTS) - errors)
    assert not stale, f"hints in luxpass.spec.HINTS for errors no contract has (renamed?): {stale}"


def test_each_hint_is_one_line_and_written_once():
    for name, hint in spec.HINTS.items():
        assert hint.strip() and "\n" not in hint, name
    tree = ast.parse(Path(spec.__file__).read_text())
    (literal,) = [node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and any(getattr(t, "id", None) == "HINTS" for t in node.targets)]
    keys = [k.value for k in literal.keys]
    assert len(keys) == len(set(keys)), f"hints written twice: {sorted({k for k in keys if keys.count(k) > 1})}"


def test_spec_is_the_bottom_layer():
    """spec imports nothing of luxpass (errors at most), so every layer may read it."""
    tree = ast.parse(Path(spec.__file__).read_text())
    imported = {("." * node.level) + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    own = {name for name in imported if name.startswith((".", "luxpass"))}
    assert own <= {".errors", "luxpass.errors"}, own
