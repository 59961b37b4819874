"""`screen`: one verdict byte per listing, each status screened as the verdict of its own name."""
import brownie

from contract_helpers import (
    S_DESTROYED,
    S_LOST,
    S_STOLEN,
    V_AUTHENTIC,
    V_DESTROYED,
    V_LOST,
    V_NO_SUCH_PASSPORT,
    V_RECOVERY_PENDING,
    V_SELLER_NOT_OWNER,
    V_STOLEN,
    WEEK,
    commitment,
    error,
    token_of,
)


def test_every_verdict_by_its_name(brand, admin, minter, retailer, alice, bob, stranger):
    tokens = {}
    for name in ("authentic", "lost", "stolen", "destroyed", "other-seller", "recovering"):
        commit = commitment(f"screen-{name}")
        brand.mint(minter, commit, {"from": minter})
        brand.transferFrom(minter, retailer, token_of(commit), {"from": minter})
        brand.firstSale(token_of(commit), alice, {"from": retailer})
        tokens[name] = token_of(commit)
    brand.reportStatus(tokens["lost"], S_LOST, {"from": alice})
    brand.reportStatus(tokens["stolen"], S_STOLEN, {"from": alice})
    brand.markDestroyed(tokens["destroyed"], {"from": alice})
    brand.requestRecovery(tokens["recovering"], stranger, {"from": admin})
    listings = [(tokens["authentic"], alice, V_AUTHENTIC), (token_of(commitment("never minted")), alice,
                V_NO_SUCH_PASSPORT), (tokens["lost"], alice, V_LOST), (tokens["stolen"], alice, V_STOLEN),
                (tokens["destroyed"], alice, V_DESTROYED), (tokens["other-seller"], bob, V_SELLER_NOT_OWNER),
                (tokens["recovering"], alice, V_RECOVERY_PENDING)]
    ids, sellers, expected = zip(*listings)
    assert list(brand.screen(ids, sellers)) == list(expected)
    # without sellers, a listing by someone else than the owner is not a verdict
    assert brand.screen(ids, [])[5] == V_AUTHENTIC


def test_sellers_one_per_listing(brand, alice):
    with brownie.reverts(error("PassportLengthMismatch", 2, 1)):
        brand.screen([1, 2], [alice])


def test_the_recovery_verdict_follows_the_request_through_its_life(brand, admin, alice, bob, stranger, sold):
    """`screen` reads the recovery slot only when the passport's own slot marks a request: the mark
    is set by the request, cleared by a cancel and by the completion, and a request gone stale (the
    nonce moved) screens as authentic though the mark stays."""
    def verdict():
        return brand.screen([sold], [brand.ownerOf(sold)])[0]

    def marked():
        return brand.passport(sold).dict()["recoveryRequested"]

    assert (verdict(), marked()) == (V_AUTHENTIC, False)
    brand.requestRecovery(sold, stranger, {"from": admin})
    assert (verdict(), marked()) == (V_RECOVERY_PENDING, True)
    brand.cancelRecovery(sold, {"from": admin})
    assert (verdict(), marked()) == (V_AUTHENTIC, False)

    brand.requestRecovery(sold, stranger, {"from": admin})
    brand.revokeSignatures(sold, {"from": alice})  # the nonce moves: the request is stale
    assert (verdict(), marked()) == (V_AUTHENTIC, True)
    brand.requestRecovery(sold, bob, {"from": admin})  # a stale request does not block a new one
    assert (verdict(), marked()) == (V_RECOVERY_PENDING, True)
    brownie.chain.sleep(WEEK + 1)
    brand.completeRecovery(sold, {"from": stranger})
    assert brand.ownerOf(sold) == bob
    assert (verdict(), marked()) == (V_AUTHENTIC, False)
