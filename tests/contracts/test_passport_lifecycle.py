"""Lifecycle events, and the history head folded over every record of a passport."""
import brownie
import pytest
from eth_utils import keccak

from contract_helpers import (
    BRAND_DEFINED,
    MANUFACTURED,
    QUALITY_CHECKED,
    RECEIVED_IN_STORE,
    REPAIRED,
    S_ACTIVE,
    S_DESTROYED,
    S_LOST,
    S_STOLEN,
    SERVICED,
    SHIPPED,
    SOLD,
    T_CUSTODY,
    T_FIRST_SALE,
    T_PRIVATE,
    History,
    b32,
    commitment,
    error,
    token_of,
)

DETAILS = "0x" + keccak(text="workshop 7, line 2, leather lot 2024-118").hex()

ROLE_OF_KIND = {
    MANUFACTURED: "minter",
    QUALITY_CHECKED: "minter",
    SHIPPED: "minter",
    RECEIVED_IN_STORE: "retailer",
    SOLD: "retailer",
    SERVICED: "servicer",
    REPAIRED: "servicer",
}


@pytest.fixture
def staff(minter, retailer, servicer):
    return {"minter": minter, "retailer": retailer, "servicer": servicer}


# --- who records what ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(ROLE_OF_KIND))
def test_kind_recorded_by_its_role(brand, staff, minted, kind):
    by = staff[ROLE_OF_KIND[kind]]
    tx = brand.recordEvent(minted, kind, DETAILS, {"from": by})
    event = tx.events["LifecycleRecorded"]
    assert (event["tokenId"], event["kind"], event["detailsHash"], event["by"]) == (minted, kind, DETAILS, by)


@pytest.mark.parametrize("kind", sorted(ROLE_OF_KIND))
def test_kind_refused_to_other_roles(brand, staff, admin, minted, kind):
    for name, account in list(staff.items()) + [("admin", admin)]:
        if name != ROLE_OF_KIND[kind]:
            with brownie.reverts(error("PassportMissingRole", account, kind)):
                brand.recordEvent(minted, kind, DETAILS, {"from": account})


@pytest.mark.parametrize("role", ["minter", "retailer", "servicer"])
def test_brand_defined_recorded_by_any_role(brand, staff, minted, role):
    tx = brand.recordEvent(minted, BRAND_DEFINED, DETAILS, {"from": staff[role]})
    assert tx.events["LifecycleRecorded"]["by"] == staff[role]


def test_brand_defined_refused_to_admin_without_role(brand, admin, minted):
    with brownie.reverts(error("PassportMissingRole", admin, BRAND_DEFINED)):
        brand.recordEvent(minted, BRAND_DEFINED, DETAILS, {"from": admin})


def test_owner_cannot_record(brand, alice, sold):
    with brownie.reverts(error("PassportMissingRole", alice, SERVICED)):
        brand.recordEvent(sold, SERVICED, DETAILS, {"from": alice})


def test_events_recorded_after_sale(brand, servicer, sold):
    tx = brand.recordEvent(sold, REPAIRED, DETAILS, {"from": servicer})
    assert tx.events["LifecycleRecorded"]["kind"] == REPAIRED


def test_record_on_unknown_token(brand, minter):
    unknown = token_of(commitment("unknown"))
    with brownie.reverts(error("ERC721NonexistentToken", unknown)):
        brand.recordEvent(unknown, MANUFACTURED, DETAILS, {"from": minter})


def test_suspended_brand_cannot_record(brand, governance, minter, minted):
    governance.suspend(1)
    with brownie.reverts(error("PassportBrandNotActive", 1)):
        brand.recordEvent(minted, MANUFACTURED, DETAILS, {"from": minter})


def test_reinstated_brand_records_again(brand, governance, minter, minted):
    governance.suspend(1)
    governance.reinstate(1)
    brand.recordEvent(minted, MANUFACTURED, DETAILS, {"from": minter})
    assert brand.passport(minted).dict()["records"] == 2


# --- the head ------------------------------------------------------------------------------


def test_head_of_mint(brand, minter, retailer, commit):
    tx = brand.mint(retailer, commit, {"from": minter})
    assert "OwnershipRecorded" not in tx.events  # a plain mint's record is implied by its Transfer
    assert b32(brand.passport(token_of(commit)).dict()["head"]) == History().mint(retailer)
    heads, records = brand.heads([token_of(commit)])
    assert (b32(heads[0]), records[0]) == (History().mint(retailer), 1)


def test_head_of_each_passport_in_a_batch(brand, minter):
    commits = [commitment(f"batch-{i}") for i in range(3)]
    tx = brand.mintBatch(minter, commits, {"from": minter})
    expected = History().mint(minter)
    assert len(tx.events["Transfer"]) == 3 and "OwnershipRecorded" not in tx.events
    for commit in commits:
        assert b32(brand.passport(token_of(commit)).dict()["head"]) == expected


def test_head_of_a_lifecycle_event(brand, minter, minted):
    history = History()
    history.mint(minter)
    tx = brand.recordEvent(minted, QUALITY_CHECKED, DETAILS, {"from": minter})
    assert b32(tx.events["LifecycleRecorded"]["head"]) == history.lifecycle(QUALITY_CHECKED, DETAILS, minter)


def test_head_across_a_whole_life(brand, minter, retailer, servicer, alice, bob, commit):
    history = History()
    steps = []

    def check(tx, event_name, expected):
        assert b32(tx.events[event_name]["head"]) == expected
        steps.append(expected)

    brand.mint(minter, commit, {"from": minter})
    token_id = token_of(commit)
    steps.append(history.mint(minter))
    assert b32(brand.passport(token_id).dict()["head"]) == steps[-1]

    for kind in (MANUFACTURED, QUALITY_CHECKED, SHIPPED):
        details = "0x" + keccak(text=f"step {kind}").hex()
        tx = brand.recordEvent(token_id, kind, details, {"from": minter})
        check(tx, "LifecycleRecorded", history.lifecycle(kind, details, minter))

    tx = brand.transferFrom(minter, retailer, token_id, {"from": minter})
    check(tx, "OwnershipRecorded", history.ownership(minter, retailer, T_CUSTODY, minter))

    tx = brand.recordEvent(token_id, RECEIVED_IN_STORE, DETAILS, {"from": retailer})
    check(tx, "LifecycleRecorded", history.lifecycle(RECEIVED_IN_STORE, DETAILS, retailer))

    tx = brand.firstSale(token_id, alice, {"from": retailer})
    check(tx, "OwnershipRecorded", history.ownership(retailer, alice, T_FIRST_SALE, retailer))

    tx = brand.recordEvent(token_id, SOLD, DETAILS, {"from": retailer})
    check(tx, "LifecycleRecorded", history.lifecycle(SOLD, DETAILS, retailer))

    tx = brand.reportStatus(token_id, S_STOLEN, {"from": alice})
    check(tx, "StatusChanged", history.status(S_STOLEN, alice))

    tx = brand.reportFound(token_id, {"from": alice})
    check(tx, "StatusChanged", history.status(S_ACTIVE, alice))

    tx = brand.recordEvent(token_id, SERVICED, DETAILS, {"from": servicer})
    check(tx, "LifecycleRecorded", history.lifecycle(SERVICED, DETAILS, servicer))

    brand.approve(bob, token_id, {"from": alice})
    tx = brand.safeTransferFrom(alice, bob, token_id, {"from": bob})
    check(tx, "OwnershipRecorded", history.ownership(alice, bob, T_PRIVATE, bob))

    tx = brand.reportStatus(token_id, S_LOST, {"from": bob})
    check(tx, "StatusChanged", history.status(S_LOST, bob))

    tx = brand.markDestroyed(token_id, {"from": bob})
    check(tx, "StatusChanged", history.status(S_DESTROYED, bob))

    p = brand.passport(token_id).dict()
    assert b32(p["head"]) == history.head
    assert p["records"] == history.records == len(steps) == 14
    assert len(set(steps)) == len(steps)


def test_head_of_admin_destruction_in_custody(brand, admin, minter, minted):
    history = History()
    history.mint(minter)
    tx = brand.markDestroyed(minted, {"from": admin})
    assert b32(tx.events["StatusChanged"]["head"]) == history.status(S_DESTROYED, admin)
    assert b32(brand.passport(minted).dict()["head"]) == history.head


def test_refused_actions_do_not_change_the_head(brand, minter, retailer, alice, minted):
    before = brand.passport(minted).dict()
    with brownie.reverts(error("PassportMissingRole", retailer, MANUFACTURED)):
        brand.recordEvent(minted, MANUFACTURED, DETAILS, {"from": retailer})
    with brownie.reverts(error("PassportFirstSaleByRetailer", minted)):
        brand.transferFrom(minter, alice, minted, {"from": minter})
    assert brand.passport(minted).dict() == before


def test_head_depends_on_the_details(brand, minter):
    heads = []
    for i, details in enumerate((DETAILS, "0x" + "00" * 32)):
        brand.mint(minter, commitment(i), {"from": minter})
        tx = brand.recordEvent(token_of(commitment(i)), MANUFACTURED, details, {"from": minter})
        heads.append(tx.events["LifecycleRecorded"]["head"])
    assert heads[0] != heads[1]


def test_records_count(brand, minter, retailer, alice, minted):
    assert brand.passport(minted).dict()["records"] == 1
    brand.recordEvent(minted, MANUFACTURED, DETAILS, {"from": minter})
    brand.transferFrom(minter, retailer, minted, {"from": minter})
    brand.firstSale(minted, alice, {"from": retailer})
    brand.reportStatus(minted, S_LOST, {"from": alice})
    assert brand.passport(minted).dict()["records"] == 5
