"""The chip: bound by the brand, challenged over a recent block, checked off chain exactly as
the contract's `verifyChip` view checks it."""
from dataclasses import replace

import pytest
from eth_account import Account

from cli_helpers import mine
from luxpass.errors import ContractRevert
from luxpass.onchain.chip import (
    FRESH_BLOCKS,
    bind_chip,
    challenge,
    chip_of,
    eip712_domain,
    sign_challenge,
    verify_chip,
    verify_chip_offchain,
)

CHIP_KEY = "0x" + "c1" * 32
OTHER_KEY = "0x" + "c2" * 32
_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def chipped(as_account):
    """A passport of brand 1 with the chip CHIP_KEY bound by the factory (account 5)."""
    minted = as_account(5).mint({"serial": "AUR-CHIP-1", "model": "Montre"})
    pid = int(minted.passport_id, 16)
    bind_chip(as_account(5), pid, Account.from_key(CHIP_KEY).address)
    return as_account(5).chain, minted.collection, pid


def both(chain, issued, signature):
    onchain = verify_chip(chain, issued, signature)
    offchain = verify_chip_offchain(chain, issued, signature)
    assert onchain == offchain, f"contract says {onchain}, library says {offchain}"
    return onchain


def test_bound_chip_is_read_back(chipped, as_account):
    chain, collection, pid = chipped
    assert chip_of(chain, collection, pid) == Account.from_key(CHIP_KEY).address
    other = int(as_account(5).mint({"serial": "AUR-CHIP-2"}).passport_id, 16)
    assert chip_of(chain, collection, other) is None


def test_domain_is_the_collections_own(chipped):
    chain, collection, _ = chipped
    domain = eip712_domain(chain, collection)
    assert domain["verifyingContract"] == collection and domain["chainId"] == chain.chain_id
    assert set(domain) == {"name", "version", "chainId", "verifyingContract"}


def test_chip_signature_verifies_on_and_off_chain(chipped):
    chain, collection, pid = chipped
    c = challenge(chain, collection, pid)
    assert both(chain, c, sign_challenge(c, CHIP_KEY))


def test_other_key_wrong_nonce_or_other_passport_fail(chipped, as_account):
    chain, collection, pid = chipped
    c = challenge(chain, collection, pid)
    assert not both(chain, c, sign_challenge(c, OTHER_KEY))
    signature = sign_challenge(c, CHIP_KEY)
    assert not both(chain, replace(c, nonce=b"\x01" * 32), signature)
    other = int(as_account(5).mint({"serial": "AUR-CHIP-3"}).passport_id, 16)
    bind_chip(as_account(5), other, Account.from_key(CHIP_KEY).address)
    assert not both(chain, replace(c, passport_id=other), signature)


def test_unbound_passport_never_verifies(as_account):
    minted = as_account(5).mint({"serial": "AUR-CHIP-4"})
    chain, pid = as_account(5).chain, int(minted.passport_id, 16)
    c = challenge(chain, minted.collection, pid)
    assert not both(chain, c, sign_challenge(c, CHIP_KEY))


def test_challenge_is_fresh_for_256_blocks_only(chipped, web3):
    chain, collection, pid = chipped
    c = challenge(chain, collection, pid)
    signature = sign_challenge(c, CHIP_KEY)
    mine(web3, c.block_number + FRESH_BLOCKS - web3.eth.block_number)
    assert both(chain, c, signature)
    mine(web3, 1)
    assert not both(chain, c, signature)


def test_current_block_cannot_be_challenged(chipped):
    chain, collection, pid = chipped
    c = challenge(chain, collection, pid, block_number=chain.w3.eth.block_number)
    assert not both(chain, c, sign_challenge(c, CHIP_KEY))


def test_malleable_and_malformed_signatures_fail_as_on_chain(chipped):
    chain, collection, pid = chipped
    c = challenge(chain, collection, pid)
    signature = sign_challenge(c, CHIP_KEY)
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    high_s = r + (_ORDER - s).to_bytes(32, "big") + bytes([55 - v])  # the same point, the other s
    assert not both(chain, c, high_s)
    assert not both(chain, c, signature[:64] + bytes([v - 27]))
    assert not both(chain, c, signature[:64])


def test_only_minter_or_service_binds(chipped, as_account, signer):
    chain, collection, pid = chipped
    with pytest.raises(ContractRevert) as refused:
        bind_chip(as_account(6), pid, Account.from_key(OTHER_KEY).address)
    assert refused.value.name == "AccessControlUnauthorizedAccount"
    as_account(1).set_role("service", signer(4).address, True)
    bind_chip(as_account(4), pid, Account.from_key(OTHER_KEY).address)  # a service centre replaces the chip
    assert chip_of(chain, collection, pid) == Account.from_key(OTHER_KEY).address


def test_cli_binds_a_chip_for_the_brand_only(as_account, rpc_url):
    from click.testing import CliRunner

    from luxpass.cli import cli

    minted = as_account(5).mint({"serial": "AUR-CHIP-CLI"})
    chip = Account.from_key(CHIP_KEY).address
    args = ["chip", "bind", "--collection", minted.collection, "--id", minted.passport_id, "--chip", chip]
    refused = CliRunner().invoke(cli, args + ["--dev-account", "7"], env={"ETH_RPC_URL": rpc_url})
    assert refused.exit_code == 1 and "AccessControlUnauthorizedAccount" in refused.stderr
    bound = CliRunner().invoke(cli, args + ["--dev-account", "5"], env={"ETH_RPC_URL": rpc_url})
    assert bound.exit_code == 0, bound.output
    assert chip_of(as_account(5).chain, minted.collection, int(minted.passport_id, 16)) == chip


def test_the_answer_names_its_recipient_and_deadline(chipped, web3):
    chain, collection, pid = chipped
    claimant = Account.from_key(OTHER_KEY).address
    c = challenge(chain, collection, pid, to=claimant)
    signature = sign_challenge(c, CHIP_KEY)
    assert both(chain, c, signature)
    assert not both(chain, replace(c, to="0x" + "00" * 20), signature)  # redirected: refused
    assert not both(chain, replace(c, deadline=c.deadline + 1), signature)
    web3.provider.make_request("evm_increaseTime", [c.deadline - web3.eth.get_block("latest")["timestamp"] + 1])
    mine(web3, 1)
    assert not both(chain, c, signature)  # past its deadline
