"""Who moves a passport, and how each move is recorded: custody, first sale, private transfer."""
import brownie
import pytest
from brownie import ZERO_ADDRESS

from contract_helpers import (
    DEFAULT_ADMIN_ROLE,
    MANUFACTURED,
    MINTER_ROLE,
    RETAILER_ROLE,
    T_CUSTODY,
    T_FIRST_SALE,
    T_PRIVATE,
    error,
)


def ownership(tx):
    e = tx.events["OwnershipRecorded"]
    return (e["tokenId"], e["from"], e["to"], e["kind"], e["agent"])


# --- custody, before the first sale --------------------------------------------------------


def test_custody_transfer(brand, minter, retailer, minted):
    tx = brand.transferFrom(minter, retailer, minted, {"from": minter})
    assert ownership(tx) == (minted, minter, retailer, T_CUSTODY, minter)
    assert brand.ownerOf(minted) == retailer
    assert not brand.passport(minted).dict()["sold"]


def test_custody_safe_transfer(brand, minter, servicer, minted):
    tx = brand.safeTransferFrom(minter, servicer, minted, {"from": minter})
    assert ownership(tx) == (minted, minter, servicer, T_CUSTODY, minter)


def test_custody_transfer_to_admin(brand, minter, admin, minted):
    tx = brand.transferFrom(minter, admin, minted, {"from": minter})
    assert ownership(tx)[3] == T_CUSTODY


def test_custody_transfer_by_approved_operator(brand, minter, retailer, minted):
    brand.setApprovalForAll(retailer, True, {"from": minter})
    tx = brand.transferFrom(minter, retailer, minted, {"from": retailer})
    assert ownership(tx) == (minted, minter, retailer, T_CUSTODY, retailer)


def test_transfer_to_non_custodian_before_sale(brand, minter, alice, minted):
    with brownie.reverts(error("PassportFirstSaleByRetailer", minted)):
        brand.transferFrom(minter, alice, minted, {"from": minter})


def test_safe_transfer_to_non_custodian_before_sale(brand, minter, alice, minted):
    with brownie.reverts(error("PassportFirstSaleByRetailer", minted)):
        brand.safeTransferFrom(minter, alice, minted, {"from": minter})


def test_retailer_cannot_sell_by_plain_transfer(brand, retailer, alice, in_store):
    with brownie.reverts(error("PassportFirstSaleByRetailer", in_store)):
        brand.transferFrom(retailer, alice, in_store, {"from": retailer})


def test_transfer_to_other_brand_council_before_sale(brand, minter, councils, minted):
    with brownie.reverts(error("PassportFirstSaleByRetailer", minted)):
        brand.transferFrom(minter, councils[1], minted, {"from": minter})


def test_custodian_cannot_take_another_custodians_passport(brand, minter, retailer, minted):
    with brownie.reverts(error("ERC721InsufficientApproval", retailer, minted)):
        brand.transferFrom(minter, retailer, minted, {"from": retailer})


def test_transfer_to_zero(brand, minter, minted):
    with brownie.reverts(error("ERC721InvalidReceiver", ZERO_ADDRESS)):
        brand.transferFrom(minter, ZERO_ADDRESS, minted, {"from": minter})


# --- first sale ----------------------------------------------------------------------------


def test_first_sale(brand, retailer, alice, in_store):
    tx = brand.firstSale(in_store, alice, {"from": retailer})
    assert ownership(tx) == (in_store, retailer, alice, T_FIRST_SALE, retailer)
    assert brand.ownerOf(in_store) == alice
    assert brand.passport(in_store).dict()["sold"]


def test_first_sale_from_any_brand_custodian(brand, retailer, minter, alice, minted):
    tx = brand.firstSale(minted, alice, {"from": retailer})
    assert ownership(tx) == (minted, minter, alice, T_FIRST_SALE, retailer)


def test_first_sale_clears_approval(brand, minter, retailer, stranger, alice, minted):
    brand.approve(stranger, minted, {"from": minter})
    brand.firstSale(minted, alice, {"from": retailer})
    assert brand.getApproved(minted) == ZERO_ADDRESS


@pytest.mark.parametrize("seller", ["minter", "admin", "servicer", "alice"])
def test_first_sale_needs_retailer_role(brand, request, bob, in_store, seller):
    account = request.getfixturevalue(seller)
    with brownie.reverts(error("AccessControlUnauthorizedAccount", account, RETAILER_ROLE)):
        brand.firstSale(in_store, bob, {"from": account})


def test_first_sale_only_once(brand, retailer, bob, sold):
    with brownie.reverts(error("PassportAlreadySold", sold)):
        brand.firstSale(sold, bob, {"from": retailer})


def test_first_sale_only_once_even_back_in_custody(brand, retailer, alice, bob, sold):
    brand.transferFrom(alice, retailer, sold, {"from": alice})
    with brownie.reverts(error("PassportAlreadySold", sold)):
        brand.firstSale(sold, bob, {"from": retailer})


def test_first_sale_only_from_brand_custody(brand, admin, minter, retailer, alice, minted):
    brand.revokeRole(MINTER_ROLE, minter, {"from": admin})
    with brownie.reverts(error("PassportNotInBrandCustody", minted, minter)):
        brand.firstSale(minted, alice, {"from": retailer})


def test_first_sale_to_zero(brand, retailer, in_store):
    with brownie.reverts(error("ERC721InvalidReceiver", ZERO_ADDRESS)):
        brand.firstSale(in_store, ZERO_ADDRESS, {"from": retailer})


def test_first_sale_of_unknown_token(brand, retailer, alice):
    with brownie.reverts(error("ERC721NonexistentToken", 5)):
        brand.firstSale(5, alice, {"from": retailer})


def test_suspended_brand_cannot_sell(brand, governance, retailer, alice, in_store):
    governance.suspend(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.firstSale(in_store, alice, {"from": retailer})


# --- after the sale ------------------------------------------------------------------------


def test_private_transfer(brand, alice, bob, sold):
    tx = brand.transferFrom(alice, bob, sold, {"from": alice})
    assert ownership(tx) == (sold, alice, bob, T_PRIVATE, alice)
    assert brand.ownerOf(sold) == bob


def test_private_safe_transfer(brand, alice, bob, sold):
    tx = brand.safeTransferFrom(alice, bob, sold, {"from": alice})
    assert ownership(tx) == (sold, alice, bob, T_PRIVATE, alice)


def test_private_safe_transfer_with_data(brand, alice, bob, sold):
    tx = brand.safeTransferFrom(alice, bob, sold, b"gift", {"from": alice})
    assert ownership(tx) == (sold, alice, bob, T_PRIVATE, alice)


def test_private_transfer_back_to_a_boutique(brand, retailer, alice, sold):
    tx = brand.transferFrom(alice, retailer, sold, {"from": alice})
    assert ownership(tx) == (sold, alice, retailer, T_PRIVATE, alice)
    assert brand.passport(sold).dict()["sold"]


def test_approved_operator_transfer(brand, alice, bob, stranger, sold):
    brand.approve(stranger, sold, {"from": alice})
    tx = brand.transferFrom(alice, bob, sold, {"from": stranger})
    assert ownership(tx) == (sold, alice, bob, T_PRIVATE, stranger)
    assert brand.getApproved(sold) == ZERO_ADDRESS


def test_operator_for_all_transfer(brand, alice, bob, stranger, sold):
    brand.setApprovalForAll(stranger, True, {"from": alice})
    tx = brand.safeTransferFrom(alice, bob, sold, {"from": stranger})
    assert ownership(tx) == (sold, alice, bob, T_PRIVATE, stranger)


def test_stranger_cannot_transfer(brand, alice, stranger, sold):
    with brownie.reverts(error("ERC721InsufficientApproval", stranger, sold)):
        brand.transferFrom(alice, stranger, sold, {"from": stranger})


def test_transfer_from_wrong_owner(brand, alice, bob, sold, stranger):
    with brownie.reverts(error("ERC721IncorrectOwner", bob, sold, alice)):
        brand.transferFrom(bob, stranger, sold, {"from": alice})


@pytest.mark.parametrize("role_holder", ["admin", "minter", "retailer", "servicer"])
def test_brand_roles_cannot_move_a_sold_passport(brand, request, alice, sold, role_holder):
    account = request.getfixturevalue(role_holder)
    with brownie.reverts(error("ERC721InsufficientApproval", account, sold)):
        brand.transferFrom(alice, account, sold, {"from": account})
    assert brand.ownerOf(sold) == alice


# --- other brands --------------------------------------------------------------------------


def test_other_brand_staff_cannot_mint_here(brand, rival, rival_staff, commit):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", rival_staff, MINTER_ROLE)):
        brand.mint(rival_staff, commit, {"from": rival_staff})


def test_other_brand_staff_cannot_sell_here(brand, rival, rival_staff, in_store):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", rival_staff, RETAILER_ROLE)):
        brand.firstSale(in_store, rival_staff, {"from": rival_staff})


def test_other_brand_staff_cannot_record_here(brand, rival, rival_staff, minted):
    with brownie.reverts(error("PassportMissingRole", rival_staff, MANUFACTURED)):
        brand.recordEvent(minted, MANUFACTURED, "0x" + "11" * 32, {"from": rival_staff})


def test_other_brand_staff_cannot_move_passports(brand, rival, rival_staff, minter, alice, sold):
    with brownie.reverts(error("ERC721InsufficientApproval", rival_staff, sold)):
        brand.transferFrom(alice, rival_staff, sold, {"from": rival_staff})


def test_other_brand_staff_cannot_destroy_passports(brand, rival, rival_staff, minter, minted):
    with brownie.reverts(error("ERC721IncorrectOwner", rival_staff, minted, minter)):
        brand.markDestroyed(minted, {"from": rival_staff})


def test_other_brand_council_cannot_destroy_passports(brand, councils, minter, minted):
    with brownie.reverts(error("ERC721IncorrectOwner", councils[1], minted, minter)):
        brand.markDestroyed(minted, {"from": councils[1]})


def test_other_brand_staff_are_not_custodians_here(brand, rival, rival_staff, minter, minted):
    assert rival.isBrandCustodian(rival_staff)
    assert not brand.isBrandCustodian(rival_staff)
    with brownie.reverts(error("PassportFirstSaleByRetailer", minted)):
        brand.transferFrom(minter, rival_staff, minted, {"from": minter})


def test_brand_roles_cannot_touch_other_brand_passports(brand, rival, admin, minter, retailer, rival_staff, rival_token):
    with brownie.reverts(error("AccessControlUnauthorizedAccount", retailer, RETAILER_ROLE)):
        rival.firstSale(rival_token, retailer, {"from": retailer})
    with brownie.reverts(error("PassportMissingRole", minter, MANUFACTURED)):
        rival.recordEvent(rival_token, MANUFACTURED, "0x" + "11" * 32, {"from": minter})
    with brownie.reverts(error("ERC721IncorrectOwner", admin, rival_token, rival_staff)):
        rival.markDestroyed(rival_token, {"from": admin})
    with brownie.reverts(error("AccessControlUnauthorizedAccount", admin, DEFAULT_ADMIN_ROLE)):
        rival.grantRole(MINTER_ROLE, minter, {"from": admin})
