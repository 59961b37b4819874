"""Minting passports: roles, custody, commitments, metadata."""
import json
from pathlib import Path

import brownie
from brownie import ZERO_ADDRESS
from eth_utils import function_signature_to_4byte_selector
from eth_utils.abi import collapse_if_tuple
from hexbytes import HexBytes

from contract_helpers import (
    DEFAULT_ADMIN_ROLE,
    MINTER_ROLE,
    RETAILER_ROLE,
    S_ACTIVE,
    S_LOST,
    SERVICE_ROLE,
    History,
    commitment,
    error,
    token_of,
)

BUILD = Path(__file__).resolve().parents[2] / "build" / "interfaces"

# --- roles ---------------------------------------------------------------------------------


def test_role_constants(brand):
    assert brand.MINTER_ROLE() == MINTER_ROLE
    assert brand.RETAILER_ROLE() == RETAILER_ROLE
    assert brand.SERVICE_ROLE() == SERVICE_ROLE
    assert brand.DEFAULT_ADMIN_ROLE() == DEFAULT_ADMIN_ROLE


def test_admin_grants_roles(collections, admin, stranger):
    tx = collections[0].grantRole(MINTER_ROLE, stranger, {"from": admin})
    assert tx.events["RoleGranted"].values() == [MINTER_ROLE, stranger, admin]
    assert collections[0].hasRole(MINTER_ROLE, stranger)
    assert collections[0].isBrandCustodian(stranger)


def test_admin_revokes_roles(brand, admin, minter):
    brand.revokeRole(MINTER_ROLE, minter, {"from": admin})
    assert not brand.hasRole(MINTER_ROLE, minter)
    assert not brand.isBrandCustodian(minter)


def test_role_holder_cannot_grant_roles(brand, minter, stranger):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", minter, DEFAULT_ADMIN_ROLE)):
        brand.grantRole(MINTER_ROLE, stranger, {"from": minter})


def test_other_council_cannot_grant_roles(collections, councils, stranger):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", councils[1], DEFAULT_ADMIN_ROLE)):
        collections[0].grantRole(MINTER_ROLE, stranger, {"from": councils[1]})
    assert not collections[0].hasRole(MINTER_ROLE, stranger)


def test_registry_deployer_cannot_grant_roles(collections, deployer, stranger):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", deployer, DEFAULT_ADMIN_ROLE)):
        collections[0].grantRole(MINTER_ROLE, stranger, {"from": deployer})
    with brownie.reverts(error("PassportAdminRoleMovedByRegistry")):  # the admin role: not even its holder grants it
        collections[0].grantRole(DEFAULT_ADMIN_ROLE, stranger, {"from": deployer})


def test_custodians_are_role_holders(brand, admin, minter, retailer, servicer, alice, councils):
    for account in (admin, minter, retailer, servicer):
        assert brand.isBrandCustodian(account)
    for account in (alice, councils[1], ZERO_ADDRESS):
        assert not brand.isBrandCustodian(account)


# --- mint ----------------------------------------------------------------------------------


def test_mint(brand, minter, commit):
    tx = brand.mint(minter, commit, {"from": minter})
    token_id = token_of(commit)
    assert tx.return_value == token_id
    assert brand.ownerOf(token_id) == minter
    assert brand.balanceOf(minter) == 1


def test_mint_is_logged_by_its_transfer_alone(brand, minter, retailer, commit):
    tx = brand.mint(retailer, commit, {"from": minter})
    assert tx.events["Transfer"].values() == [ZERO_ADDRESS, retailer, token_of(commit)]
    assert "OwnershipRecorded" not in tx.events
    assert tx.sender == minter


def test_minted_passport(brand, minter, commit):
    brand.mint(minter, commit, {"from": minter})
    p = brand.passport(token_of(commit)).dict()
    assert (p["owner"], p["status"], p["sold"], p["nonce"], p["records"], p["recoveryRequested"]) == (
        minter, S_ACTIVE, False, 0, 1, False)
    assert bytes(HexBytes(p["head"])) == History().mint(minter)


def test_mint_to_any_custodian(brand, minter, admin, retailer, servicer):
    for i, custodian in enumerate((admin, minter, retailer, servicer)):
        brand.mint(custodian, commitment(i), {"from": minter})
        assert brand.ownerOf(token_of(commitment(i))) == custodian


def test_passport_of_commitment(brand, minted, commit):
    assert brand.passportOf(commit) == minted


def test_passport_of_unknown_commitment(brand, minted):
    unknown = commitment("never minted")
    with brownie.reverts(error("ERC721NonexistentToken", token_of(unknown))):
        brand.passportOf(unknown)


def test_passport_of_unknown_token(brand):
    with brownie.reverts(error("ERC721NonexistentToken", 42)):
        brand.passport(42)


def test_mint_needs_minter_role(brand, retailer, admin, commit):
    for account in (retailer, admin):
        with brownie.reverts(error("AccessControlUnauthorizedAccount", account, MINTER_ROLE)):
            brand.mint(retailer, commit, {"from": account})


def test_mint_to_non_custodian(brand, minter, alice, commit):
    with brownie.reverts(error("PassportNotBrandCustodian", alice)):
        brand.mint(alice, commit, {"from": minter})


def test_mint_to_zero(brand, minter, commit):
    with brownie.reverts(error("PassportNotBrandCustodian", ZERO_ADDRESS)):
        brand.mint(ZERO_ADDRESS, commit, {"from": minter})


def test_mint_zero_commitment(brand, minter):
    with brownie.reverts(error("PassportInvalidCommitment")):
        brand.mint(minter, "0x" + "00" * 32, {"from": minter})


def test_commit_batch_with_zero_root(brand, minter):
    with brownie.reverts(error("PassportInvalidBatchRoot")):
        brand.commitBatch("0x" + "00" * 32, {"from": minter})
    assert brand.batchCommittedAt("0x" + "00" * 32) == 0


def test_mint_duplicate_commitment(brand, minter, retailer, minted, commit):
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.mint(retailer, commit, {"from": minter})
    assert brand.ownerOf(minted) == minter
    assert brand.passport(minted).dict()["records"] == 1


def test_mint_duplicate_of_a_sold_passport(brand, minter, alice, sold, commit):
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.mint(minter, commit, {"from": minter})
    assert brand.ownerOf(sold) == alice


def test_mint_duplicate_of_a_lost_passport(brand, minter, alice, sold, commit):
    """Re-minting an existing commitment must fail as a duplicate, whatever the status."""
    brand.reportStatus(sold, S_LOST, {"from": alice})
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.mint(minter, commit, {"from": minter})


def test_same_commitment_in_two_collections(brand, rival, minter, rival_staff, minted, commit):
    rival.mint(rival_staff, commit, {"from": rival_staff})
    assert rival.ownerOf(minted) == rival_staff
    assert brand.ownerOf(minted) == minter


# --- mintBatch -----------------------------------------------------------------------------


def test_mint_batch(brand, minter, retailer):
    commits = [commitment(f"batch-{i}") for i in range(5)]
    tx = brand.mintBatch(retailer, commits, {"from": minter})
    assert [e["tokenId"] for e in tx.events["Transfer"]] == [token_of(c) for c in commits]
    assert all(e["from"] == ZERO_ADDRESS and e["to"] == retailer for e in tx.events["Transfer"])
    assert brand.balanceOf(retailer) == 5
    assert [brand.passportOf(c) for c in commits] == [token_of(c) for c in commits]


def test_mint_batch_needs_minter_role(brand, retailer):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", retailer, MINTER_ROLE)):
        brand.mintBatch(retailer, [commitment(1)], {"from": retailer})


def test_mint_batch_to_non_custodian(brand, minter, alice):
    with brownie.reverts(error("PassportNotBrandCustodian", alice)):
        brand.mintBatch(alice, [commitment(1)], {"from": minter})


def test_mint_batch_empty(brand, minter):
    with brownie.reverts(error("PassportEmptyBatch")):
        brand.mintBatch(minter, [], {"from": minter})


def test_mint_batch_with_zero_commitment(brand, minter):
    with brownie.reverts(error("PassportInvalidCommitment")):
        brand.mintBatch(minter, [commitment(1), "0x" + "00" * 32], {"from": minter})
    assert brand.balanceOf(minter) == 0


def test_mint_batch_with_duplicate(brand, minter):
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.mintBatch(minter, [commitment(1), commitment(2), commitment(1)], {"from": minter})
    assert brand.balanceOf(minter) == 0


# --- brand status --------------------------------------------------------------------------


def test_suspended_brand_cannot_mint(brand, governance, minter, commit):
    governance.suspend(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.mint(minter, commit, {"from": minter})


def test_suspended_brand_cannot_mint_batch(brand, governance, minter, commit):
    governance.suspend(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.mintBatch(minter, [commit], {"from": minter})


def test_reinstated_brand_mints_again(brand, governance, minter, commit):
    governance.suspend(1)
    governance.reinstate(1)
    brand.mint(minter, commit, {"from": minter})
    assert brand.ownerOf(token_of(commit)) == minter


def test_removed_brand_cannot_mint(brand, governance, minter, commit):
    governance.remove(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.mint(minter, commit, {"from": minter})


def test_other_brand_suspension_does_not_stop_minting(brand, governance, minter, commit):
    governance.suspend(2)
    brand.mint(minter, commit, {"from": minter})
    assert brand.ownerOf(token_of(commit)) == minter


# --- passportsState ------------------------------------------------------------------------


def test_passports_state(brand, minter, alice, sold):
    brand.mint(minter, commitment("other"), {"from": minter})
    brand.reportStatus(sold, S_LOST, {"from": alice})
    ids = [sold, token_of(commitment("other")), token_of(commitment("unknown"))]
    exists, owners, statuses = brand.passportsState(ids)
    assert list(exists) == [True, True, False]
    assert list(owners) == [alice, minter, ZERO_ADDRESS]
    assert list(statuses) == [S_LOST, S_ACTIVE, S_ACTIVE]


def test_passports_state_empty(brand):
    assert brand.passportsState([]) == ([], [], [])


# --- metadata ------------------------------------------------------------------------------


def test_token_uri_without_base(brand, minted):
    assert brand.tokenURI(minted) == ""


def test_set_base_uri(brand, admin, minted):
    tx = brand.setBaseURI("https://passport.aurel.example/", {"from": admin})
    assert tx.events["BaseURIChanged"]["baseURI"] == "https://passport.aurel.example/"
    assert brand.tokenURI(minted) == f"https://passport.aurel.example/{minted}"


def test_set_base_uri_admin_only(brand, minter, councils):
    for account in (minter, councils[1]):
        with brownie.reverts(error("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE)):
            brand.setBaseURI("https://fake.example/", {"from": account})


def test_token_uri_of_unknown_token(brand):
    with brownie.reverts(error("ERC721NonexistentToken", 7)):
        brand.tokenURI(7)


def interface_id(name):
    """`type(name).interfaceId`: the XOR of the selectors the interface itself declares."""
    build = json.loads((BUILD / f"{name}.json").read_text())
    own = function_selectors(build["abi"])
    for parent in build["dependencies"]:
        own -= function_selectors(json.loads((BUILD / f"{parent}.json").read_text())["abi"])
    value = 0
    for selector in own:
        value ^= selector
    return f"0x{value:08x}"


def function_selectors(abi):
    return {
        int.from_bytes(function_signature_to_4byte_selector(
            f"{item['name']}({','.join(collapse_if_tuple(i) for i in item['inputs'])})"
        ), "big")
        for item in abi
        if item["type"] == "function"
    }


def test_brand_passport_interface_id_is_not_trivial():
    assert interface_id("IBrandPassport") not in ("0x00000000", "0xffffffff")


def test_supports_interfaces(brand):
    for iid in ("0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x7965db0b", interface_id("IBrandPassport")):
        assert brand.supportsInterface(iid), iid


def test_does_not_support_other_interfaces(brand):
    for interface_id in ("0xffffffff", "0x780e9d63", "0x12345678"):  # 0x780e9d63: ERC721Enumerable
        assert not brand.supportsInterface(interface_id), interface_id


def test_the_collection_hears_its_brand_standing_from_the_registry_alone(brand, rival, governance, admin, minter,
                                                                        rival_staff, stranger, registry, commit):
    """The collection keeps its own copy of the brand's standing: only the registry sets it, on
    each status change it makes, with an event in both contracts."""
    for caller in (admin, minter, rival_staff, stranger):
        for active in (False, True):
            with brownie.reverts(error("PassportNotRegistry", caller)):
                brand.setBrandActive(active, {"from": caller})
    suspended = governance.suspend(1)
    assert suspended.events["BrandActivityChanged"]["active"] is False
    assert suspended.events["BrandStatusChanged"]["brandId"] == 1
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.mint(minter, commit, {"from": minter})
    rival.mint(rival_staff, commitment("the rival is not suspended"), {"from": rival_staff})
    reinstated = governance.reinstate(1)
    assert reinstated.events["BrandActivityChanged"]["active"] is True
    brand.mint(minter, commit, {"from": minter})
