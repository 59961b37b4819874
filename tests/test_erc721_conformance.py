"""ERC-721 conformance as an independent client sees it: Foundry's `cast` (npm) reads ERC-165
support, the owner, the balance and the token URI, and makes safe transfers to a receiver
contract that accepts and to one that refuses, signing with v3 keystores as a user's wallet would.
cast (alloy) writes a call's calldata twice, as `input` and as `data`, which the Hardhat node refuses
as a duplicate field: on every node, cast talks through a loopback relay that drops `data` where
`input` carries the same bytes, and changes nothing else."""
import json
import subprocess
from pathlib import Path

import pytest

from fault_proxy import FaultProxy
from luxpass.chain.accounts import dev_account, dev_address, encrypt_key

CAST = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "cast"
INTERFACES = {"ERC-165": "0x01ffc9a7", "ERC-721": "0x80ac58cd", "ERC-721 metadata": "0x5b5e139f"}
ALICE, BOB = dev_address(7), dev_address(8)
CHECKS = {"cast": 0}
PASSWORD = "conformance"
SCRYPT_N = 2**12  # a test key's keystore: cheap to open, as cast opens it at every send


def without_duplicate_data(request):
    """The JSON-RPC request (or batch) with each transaction object's `data` dropped where `input`
    is the same."""
    if isinstance(request, list):
        return [without_duplicate_data(one) for one in request]
    for param in request.get("params") or []:
        if isinstance(param, dict) and "input" in param and param.get("data") == param["input"]:
            del param["data"]
    return request


@pytest.fixture(scope="module")
def cast_url(web3):
    """The node, as cast reaches it: through the relay."""
    with FaultProxy(web3.provider.endpoint_uri, lambda number, method: None,
                    rewrite=without_duplicate_data) as relay:
        yield relay.url


def cast(rpc_url, *args, ok=True) -> str:
    CHECKS["cast"] += 1
    result = subprocess.run([str(CAST), *map(str, args), "--rpc-url", rpc_url], capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode == 0) == ok, f"cast {' '.join(map(str, args))}: {result.stdout}{result.stderr}"
    return result.stdout.strip() if ok else result.stderr


@pytest.fixture(scope="module")
def wallet(tmp_path_factory):
    """`cast send` options that sign as alice or bob: their keystore and its password file."""
    folder = tmp_path_factory.mktemp("cast-keystores")
    (folder / "password").write_text(PASSWORD)
    options = {}
    for name, index in (("alice", 7), ("bob", 8)):
        key = dev_account(index, 31337).key
        (folder / f"{name}.json").write_text(json.dumps(encrypt_key(key, PASSWORD, SCRYPT_N)))  # a 16-byte IV: cast panics on 15
        options[name] = ["--keystore", folder / f"{name}.json", "--password-file", folder / "password"]
    return options


@pytest.fixture(scope="module", autouse=True)
def figures(report_figure):
    yield
    report_figure(f"ERC-721 conformance: {CHECKS['cast']} cast calls and transactions against a minted passport")


@pytest.fixture
def sold(consortium, as_account):
    """A passport sold to alice, in brand 1's collection whose base URI is set."""
    as_account(1).set_base_uri("https://id.maison-aurel.example/passport/")
    minted = as_account(5).mint({"serial": "ERC721-1"})
    token = int(minted.passport_id, 16)
    as_account(6).first_sale(token, ALICE)
    return as_account(0).address, token


@pytest.fixture
def receivers(ReceiverMock, accounts):
    return ReceiverMock.deploy(True, {"from": accounts[0]}), ReceiverMock.deploy(False, {"from": accounts[0]})


def test_erc165_and_the_standard_interfaces(cast_url, sold):
    collection, _ = sold
    for name, interface in INTERFACES.items():
        assert cast(cast_url, "call", collection, "supportsInterface(bytes4)(bool)", interface) == "true", name
    assert cast(cast_url, "call", collection, "supportsInterface(bytes4)(bool)", "0xffffffff") == "false"


def test_owner_balance_and_token_uri(cast_url, sold):
    collection, token = sold
    assert cast(cast_url, "call", collection, "ownerOf(uint256)(address)", token) == ALICE
    assert cast(cast_url, "call", collection, "balanceOf(address)(uint256)", ALICE) == "1"
    assert cast(cast_url, "call", collection, "tokenURI(uint256)(string)", token) == \
        f'"https://id.maison-aurel.example/passport/{token}"'
    assert "revert" in cast(cast_url, "call", collection, "ownerOf(uint256)(address)", token ^ 1, ok=False).lower()
    assert "revert" in cast(cast_url, "call", collection, "balanceOf(address)(uint256)", "0x" + "00" * 20,
                            ok=False).lower()


@pytest.mark.parametrize("signature, extra", [("safeTransferFrom(address,address,uint256)", []),
                                              ("safeTransferFrom(address,address,uint256,bytes)", ["0x6c7578"])])
def test_safe_transfer_to_a_receiver_that_accepts(cast_url, wallet, sold, receivers, signature, extra):
    collection, token = sold
    accepting, _ = receivers
    cast(cast_url, "send", collection, signature, ALICE, accepting.address, token, *extra, *wallet["alice"])
    assert cast(cast_url, "call", collection, "ownerOf(uint256)(address)", token) == accepting.address


def test_safe_transfer_to_a_receiver_that_refuses_reverts(cast_url, wallet, sold, receivers, consortium):
    collection, token = sold
    _, refusing = receivers
    refused = cast(cast_url, "send", collection, "safeTransferFrom(address,address,uint256)", ALICE, refusing.address,
                   token, *wallet["alice"], ok=False)
    assert "revert" in refused.lower()
    assert cast(cast_url, "call", collection, "ownerOf(uint256)(address)", token) == ALICE


def test_safe_transfer_to_a_contract_without_the_hook_reverts(cast_url, wallet, sold, consortium):
    collection, token = sold
    cast(cast_url, "send", collection, "safeTransferFrom(address,address,uint256)", ALICE,
         consortium.registry.address, token, *wallet["alice"], ok=False)
    assert cast(cast_url, "call", collection, "ownerOf(uint256)(address)", token) == ALICE


def test_plain_transfer_to_a_person_and_approval_events(cast_url, wallet, sold, consortium):
    collection, token = sold
    cast(cast_url, "send", collection, "approve(address,uint256)", BOB, token, *wallet["alice"])
    assert cast(cast_url, "call", collection, "getApproved(uint256)(address)", token) == BOB
    receipt = cast(cast_url, "send", collection, "transferFrom(address,address,uint256)", ALICE, BOB, token,
                   *wallet["bob"], "--json")
    assert '"status":"0x1"' in receipt.replace(" ", "")
    assert cast(cast_url, "call", collection, "ownerOf(uint256)(address)", token) == BOB
    assert cast(cast_url, "call", collection, "getApproved(uint256)(address)", token) == "0x" + "0" * 40
