"""Lost, stolen, found and destroyed: who may say so, and what a flagged passport may no longer do."""
import brownie
import pytest
from brownie import ZERO_ADDRESS

from contract_helpers import (
    S_ACTIVE,
    S_DESTROYED,
    S_LOST,
    S_STOLEN,
    SERVICED,
    SUSPENDED,
    T_PRIVATE,
    error,
)


@pytest.fixture(params=[S_LOST, S_STOLEN], ids=["lost", "stolen"])
def flagged(request, brand, alice, sold):
    """Alice's passport, reported lost or stolen by her; yields (token id, status)."""
    brand.reportStatus(sold, request.param, {"from": alice})
    return sold, request.param


@pytest.fixture
def destroyed(brand, alice, sold):
    brand.markDestroyed(sold, {"from": alice})
    return sold


# --- reporting lost or stolen --------------------------------------------------------------


@pytest.mark.parametrize("status", [S_LOST, S_STOLEN])
def test_owner_reports(brand, alice, sold, status):
    tx = brand.reportStatus(sold, status, {"from": alice})
    event = tx.events["StatusChanged"]
    assert (event["tokenId"], event["previous"], event["current"], event["by"]) == (sold, S_ACTIVE, status, alice)
    p = brand.passport(sold).dict()
    assert (p["status"], p["owner"]) == (status, alice)


def test_custodian_owner_reports(brand, minter, minted):
    brand.reportStatus(minted, S_STOLEN, {"from": minter})
    assert brand.passport(minted).dict()["status"] == S_STOLEN


@pytest.mark.parametrize("who", ["bob", "admin", "retailer", "stranger"])
def test_only_owner_reports(brand, request, alice, sold, who):
    account = request.getfixturevalue(who)
    with brownie.reverts(error("ERC721IncorrectOwner", account, sold, alice)):
        brand.reportStatus(sold, S_STOLEN, {"from": account})


def test_operator_cannot_report(brand, alice, stranger, sold):
    brand.setApprovalForAll(stranger, True, {"from": alice})
    with brownie.reverts(error("ERC721IncorrectOwner", stranger, sold, alice)):
        brand.reportStatus(sold, S_LOST, {"from": stranger})


@pytest.mark.parametrize("status", [S_ACTIVE, S_DESTROYED])
def test_report_invalid_status(brand, alice, sold, status):
    with brownie.reverts(error("PassportInvalidStatusChange", sold, S_ACTIVE, status)):
        brand.reportStatus(sold, status, {"from": alice})


@pytest.mark.parametrize("status", [S_LOST, S_STOLEN])
def test_report_again(brand, alice, flagged, status):
    token_id, current = flagged
    with brownie.reverts(error("PassportInvalidStatusChange", token_id, current, status)):
        brand.reportStatus(token_id, status, {"from": alice})


def test_report_on_unknown_token(brand, alice):
    with brownie.reverts(error("ERC721NonexistentToken", 3)):
        brand.reportStatus(3, S_LOST, {"from": alice})


# --- a flagged passport does not move ------------------------------------------------------


def test_flagged_cannot_transfer(brand, alice, bob, flagged):
    token_id, status = flagged
    with brownie.reverts(error("PassportNotTransferable", token_id, status)):
        brand.transferFrom(alice, bob, token_id, {"from": alice})


def test_flagged_cannot_safe_transfer(brand, alice, bob, flagged):
    token_id, status = flagged
    with brownie.reverts(error("PassportNotTransferable", token_id, status)):
        brand.safeTransferFrom(alice, bob, token_id, {"from": alice})


def test_flagged_cannot_be_moved_by_operator(brand, alice, bob, stranger, flagged):
    token_id, status = flagged
    brand.setApprovalForAll(stranger, True, {"from": alice})
    with brownie.reverts(error("PassportNotTransferable", token_id, status)):
        brand.transferFrom(alice, bob, token_id, {"from": stranger})


@pytest.mark.parametrize("status", [S_LOST, S_STOLEN])
def test_flagged_cannot_be_sold(brand, retailer, alice, in_store, status):
    brand.reportStatus(in_store, status, {"from": retailer})
    with brownie.reverts(error("PassportNotTransferable", in_store, status)):
        brand.firstSale(in_store, alice, {"from": retailer})


@pytest.mark.parametrize("status", [S_LOST, S_STOLEN])
def test_flagged_cannot_move_in_custody(brand, minter, retailer, minted, status):
    brand.reportStatus(minted, status, {"from": minter})
    with brownie.reverts(error("PassportNotTransferable", minted, status)):
        brand.transferFrom(minter, retailer, minted, {"from": minter})


# --- found ---------------------------------------------------------------------------------


def test_reporter_reports_found(brand, alice, flagged):
    token_id, status = flagged
    tx = brand.reportFound(token_id, {"from": alice})
    event = tx.events["StatusChanged"]
    assert (event["previous"], event["current"], event["by"]) == (status, S_ACTIVE, alice)
    p = brand.passport(token_id).dict()
    assert (p["status"], p["owner"]) == (S_ACTIVE, alice)


def test_found_passport_moves_again(brand, alice, bob, flagged):
    token_id, _ = flagged
    brand.reportFound(token_id, {"from": alice})
    tx = brand.transferFrom(alice, bob, token_id, {"from": alice})
    assert tx.events["OwnershipRecorded"]["kind"] == T_PRIVATE


@pytest.mark.parametrize("who", ["bob", "admin", "retailer", "servicer"])
def test_only_reporter_reports_found(brand, request, flagged, who):
    token_id, status = flagged
    account = request.getfixturevalue(who)
    with brownie.reverts(error("PassportNotStatusReporter", token_id, account)):
        brand.reportFound(token_id, {"from": account})
    assert brand.passport(token_id).dict()["status"] == status


def test_found_when_not_flagged(brand, alice, sold):
    with brownie.reverts(error("PassportInvalidStatusChange", sold, S_ACTIVE, S_ACTIVE)):
        brand.reportFound(sold, {"from": alice})


def test_found_after_found(brand, alice, flagged):
    token_id, _ = flagged
    brand.reportFound(token_id, {"from": alice})
    with brownie.reverts(error("PassportInvalidStatusChange", token_id, S_ACTIVE, S_ACTIVE)):
        brand.reportFound(token_id, {"from": alice})


def test_found_on_unknown_token(brand, alice):
    with brownie.reverts(error("ERC721NonexistentToken", 3)):
        brand.reportFound(3, {"from": alice})


# --- destroyed -----------------------------------------------------------------------------


def test_owner_marks_destroyed(brand, alice, sold):
    tx = brand.markDestroyed(sold, {"from": alice})
    event = tx.events["StatusChanged"]
    assert (event["tokenId"], event["previous"], event["current"], event["by"]) == (sold, S_ACTIVE, S_DESTROYED, alice)
    assert brand.passport(sold).dict()["status"] == S_DESTROYED
    assert brand.ownerOf(sold) == alice


def test_owner_marks_flagged_destroyed(brand, alice, flagged):
    token_id, status = flagged
    tx = brand.markDestroyed(token_id, {"from": alice})
    assert (tx.events["StatusChanged"]["previous"], tx.events["StatusChanged"]["current"]) == (status, S_DESTROYED)


def test_admin_marks_destroyed_in_brand_custody(brand, admin, retailer, in_store):
    tx = brand.markDestroyed(in_store, {"from": admin})
    assert tx.events["StatusChanged"]["by"] == admin
    assert brand.passport(in_store).dict()["status"] == S_DESTROYED
    assert brand.ownerOf(in_store) == retailer


def test_custodian_owner_marks_destroyed(brand, minter, minted):
    brand.markDestroyed(minted, {"from": minter})
    assert brand.passport(minted).dict()["status"] == S_DESTROYED


@pytest.mark.parametrize("who", ["minter", "servicer"])
def test_other_roles_cannot_destroy_in_custody(brand, request, retailer, in_store, who):
    account = request.getfixturevalue(who)
    with brownie.reverts(error("ERC721IncorrectOwner", account, in_store, retailer)):
        brand.markDestroyed(in_store, {"from": account})


def test_admin_cannot_destroy_after_sale(brand, admin, alice, sold):
    with brownie.reverts(error("ERC721IncorrectOwner", admin, sold, alice)):
        brand.markDestroyed(sold, {"from": admin})


def test_admin_cannot_destroy_sold_passport_back_in_custody(brand, admin, retailer, alice, sold):
    brand.transferFrom(alice, retailer, sold, {"from": alice})
    with brownie.reverts(error("ERC721IncorrectOwner", admin, sold, retailer)):
        brand.markDestroyed(sold, {"from": admin})


def test_admin_cannot_destroy_outside_custody(brand, admin, minter, minted):
    brand.revokeRole(brand.MINTER_ROLE(), minter, {"from": admin})
    with brownie.reverts(error("ERC721IncorrectOwner", admin, minted, minter)):
        brand.markDestroyed(minted, {"from": admin})


def test_stranger_cannot_destroy(brand, alice, stranger, sold):
    with brownie.reverts(error("ERC721IncorrectOwner", stranger, sold, alice)):
        brand.markDestroyed(sold, {"from": stranger})


def test_destroyed_twice(brand, alice, destroyed):
    with brownie.reverts(error("PassportInvalidStatusChange", destroyed, S_DESTROYED, S_DESTROYED)):
        brand.markDestroyed(destroyed, {"from": alice})


def test_destroyed_cannot_be_found(brand, alice, flagged):
    token_id, _ = flagged
    brand.markDestroyed(token_id, {"from": alice})
    with brownie.reverts(error("PassportInvalidStatusChange", token_id, S_DESTROYED, S_ACTIVE)):
        brand.reportFound(token_id, {"from": alice})


@pytest.mark.parametrize("status", [S_LOST, S_STOLEN])
def test_destroyed_cannot_be_reported(brand, alice, destroyed, status):
    with brownie.reverts(error("PassportInvalidStatusChange", destroyed, S_DESTROYED, status)):
        brand.reportStatus(destroyed, status, {"from": alice})


def test_destroyed_cannot_move(brand, alice, bob, destroyed):
    with brownie.reverts(error("PassportNotTransferable", destroyed, S_DESTROYED)):
        brand.transferFrom(alice, bob, destroyed, {"from": alice})
    with brownie.reverts(error("PassportNotTransferable", destroyed, S_DESTROYED)):
        brand.safeTransferFrom(alice, bob, destroyed, {"from": alice})


def test_destroyed_in_custody_cannot_be_sold(brand, admin, retailer, alice, in_store):
    brand.markDestroyed(in_store, {"from": admin})
    with brownie.reverts(error("PassportNotTransferable", in_store, S_DESTROYED)):
        brand.firstSale(in_store, alice, {"from": retailer})


def test_destroyed_keeps_its_history(brand, servicer, destroyed):
    records = brand.passport(destroyed).dict()["records"]
    brand.recordEvent(destroyed, SERVICED, "0x" + "22" * 32, {"from": servicer})
    assert brand.passport(destroyed).dict()["records"] == records + 1


def test_destroy_unknown_token(brand, admin):
    with brownie.reverts(error("ERC721NonexistentToken", 3)):
        brand.markDestroyed(3, {"from": admin})


# --- a suspended brand ---------------------------------------------------------------------


def test_suspended_brand_passports_still_move(brand, registry, governance, alice, bob, sold):
    governance.suspend(1)
    assert registry.brandStatus(brand.brandId()) == SUSPENDED
    tx = brand.transferFrom(alice, bob, sold, {"from": alice})
    assert tx.events["OwnershipRecorded"]["kind"] == T_PRIVATE
    assert brand.ownerOf(sold) == bob


def test_suspended_brand_owners_still_report(brand, governance, alice, sold):
    governance.suspend(1)
    brand.reportStatus(sold, S_STOLEN, {"from": alice})
    brand.reportFound(sold, {"from": alice})
    assert brand.passport(sold).dict()["status"] == S_ACTIVE


def test_removed_brand_passports_still_move(brand, registry, governance, alice, bob, sold):
    governance.remove(1)
    brand.safeTransferFrom(alice, bob, sold, {"from": alice})
    assert brand.ownerOf(sold) == bob
