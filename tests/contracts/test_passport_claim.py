"""A first sale by claim (`claim`): it stores the buyer in the passport's one slot and nothing else,
its record is implied as a plain mint's is (IBrandPassport), and every later record folds on it;
and the balances that mints and batches add at once."""
import brownie
from brownie import ZERO_ADDRESS
from eth_utils import keccak
from eth_abi import encode
from hexbytes import HexBytes

from contract_helpers import (
    RETAILER_ROLE,
    SERVICED,
    T_FIRST_SALE,
    T_PRIVATE,
    History,
    commitment,
    error,
    token_of,
)


def leaf(commit):
    return keccak(keccak(encode(["bytes32"], [HexBytes(commit)])))


def batch(brand, minter, *labels):
    """Commit a batch of the commitments of `labels`; its root and each commitment's proof."""
    commits = [commitment(label) for label in labels]
    leaves = [leaf(c) for c in commits]
    assert len(leaves) == 2, "a two-leaf tree: the root hashes the sorted pair"
    root = keccak(b"".join(sorted(leaves)))
    brand.commitBatch(root, {"from": minter})
    return root, {c: [leaves[1 - i]] for i, c in enumerate(commits)}


def claimed_history(buyer):
    """A claim's record: (Ownership, 0, buyer, FirstSale, 0), the retailer named by its event only."""
    history = History()
    history.ownership(ZERO_ADDRESS, buyer, T_FIRST_SALE, ZERO_ADDRESS)
    return history


def head_of(tx, event):
    return bytes(HexBytes(tx.events[event]["head"]))


def test_a_claim_sells_the_passport_and_implies_its_record(brand, minter, retailer, alice):
    root, proofs = batch(brand, minter, "CLAIM-1", "CLAIM-2")
    commit, proof = next(iter(proofs.items()))
    tx = brand.claim(root, commit, proof, alice, {"from": retailer})
    token = token_of(commit)
    expected = claimed_history(alice).head
    assert tx.events["Transfer"].values() == [ZERO_ADDRESS, alice, token]
    assert tx.events["OwnershipRecorded"].values()[:5] == [token, ZERO_ADDRESS, alice, T_FIRST_SALE, retailer]
    assert head_of(tx, "OwnershipRecorded") == expected
    p = brand.passport(token).dict()
    assert (p["owner"], p["sold"], p["nonce"], p["records"], bytes(HexBytes(p["head"]))) == (alice, True, 0, 1, expected)
    heads, records = brand.heads([token])
    assert (bytes(HexBytes(heads[0])), records[0]) == (expected, 1)
    assert brand.balanceOf(alice) == 1


def test_every_record_after_a_claim_folds_on_its_implied_record(brand, minter, retailer, servicer, alice, bob):
    root, proofs = batch(brand, minter, "CLAIM-3", "CLAIM-4")
    commit, proof = next(iter(proofs.items()))
    token = token_of(commit)
    brand.claim(root, commit, proof, alice, {"from": retailer})
    history = claimed_history(alice)
    details = keccak(text="a service after the claim")
    serviced = brand.recordEvent(token, SERVICED, details, {"from": servicer})
    assert head_of(serviced, "LifecycleRecorded") == history.lifecycle(SERVICED, details, servicer)
    moved = brand.transferFrom(alice, bob, token, {"from": alice})
    assert head_of(moved, "OwnershipRecorded") == history.ownership(alice, bob, T_PRIVATE, alice)
    p = brand.passport(token).dict()
    assert (bytes(HexBytes(p["head"])), p["records"], p["nonce"]) == (history.head, 3, 1)
    assert (brand.balanceOf(alice), brand.balanceOf(bob)) == (0, 1)


def test_a_claimed_passport_moves_on_first_at_its_owners_word(brand, minter, retailer, alice, bob):
    """After the claim the passport is sold: a retailer's `firstSale` or custody move is refused."""
    root, proofs = batch(brand, minter, "CLAIM-5", "CLAIM-6")
    commit, proof = next(iter(proofs.items()))
    token = token_of(commit)
    brand.claim(root, commit, proof, alice, {"from": retailer})
    with brownie.reverts(error("PassportAlreadySold", token)):
        brand.firstSale(token, bob, {"from": retailer})
    with brownie.reverts(error("ERC721InsufficientApproval", retailer, token)):
        brand.transferFrom(alice, retailer, token, {"from": retailer})


def test_a_first_sale_of_a_plain_mint_folds_the_mint_record_first(brand, minter, retailer, alice):
    """The first sale marks the passport sold after its record: the mint's implied record stays a Mint."""
    commit = commitment("FIRST-SALE-OF-A-MINT")
    token = token_of(commit)
    brand.mint(retailer, commit, {"from": minter})
    history = History()
    history.mint(retailer)
    tx = brand.firstSale(token, alice, {"from": retailer})
    assert head_of(tx, "OwnershipRecorded") == history.ownership(retailer, alice, T_FIRST_SALE, retailer)
    p = brand.passport(token).dict()
    assert (bytes(HexBytes(p["head"])), p["records"], p["sold"]) == (history.head, 2, True)


def test_a_claim_is_made_once_and_never_over_a_minted_passport(brand, minter, retailer, alice, bob):
    root, proofs = batch(brand, minter, "CLAIM-7", "CLAIM-8")
    (first, first_proof), (second, second_proof) = proofs.items()
    brand.claim(root, first, first_proof, alice, {"from": retailer})
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.claim(root, first, first_proof, bob, {"from": retailer})
    brand.mint(minter, second, {"from": minter})  # the brand minted it by hand as well
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.claim(root, second, second_proof, bob, {"from": retailer})
    assert (brand.ownerOf(token_of(first)), brand.ownerOf(token_of(second))) == (alice, minter)
    assert brand.passport(token_of(second)).dict()["sold"] is False


def test_a_claim_needs_a_retailer_of_this_brand_a_buyer_and_a_proof(brand, rival, minter, retailer, rival_staff, alice,
                                                                    ReceiverMock):
    root, proofs = batch(brand, minter, "CLAIM-9", "CLAIM-10")
    (commit, proof), (other, _) = proofs.items()
    for outsider in (minter, rival_staff, alice):
        with brownie.reverts(error("AccessControlUnauthorizedAccount", outsider, RETAILER_ROLE)):
            brand.claim(root, commit, proof, alice, {"from": outsider})
    with brownie.reverts(error("ERC721InvalidReceiver", ZERO_ADDRESS)):
        brand.claim(root, commit, proof, ZERO_ADDRESS, {"from": retailer})
    with brownie.reverts(error("PassportInvalidProof", root, other)):
        brand.claim(root, other, proof, alice, {"from": retailer})
    unknown = keccak(text="a batch never committed")
    with brownie.reverts(error("PassportUnknownBatch", unknown)):
        brand.claim(unknown, commit, proof, alice, {"from": retailer})
    refusing = ReceiverMock.deploy(False, {"from": alice})
    with brownie.reverts(error("ReceiverMockRefused", token_of(commit))):
        brand.claim(root, commit, proof, refusing, {"from": retailer})
    with brownie.reverts(error("ERC721NonexistentToken", token_of(commit))):
        brand.ownerOf(token_of(commit))
    assert brand.balanceOf(alice) == 0


def test_a_batch_adds_its_passports_to_the_balance_at_once(brand, minter, retailer):
    before = brand.balanceOf(minter)
    commits = [commitment(f"BALANCE-{n}") for n in range(3)]
    brand.mintBatch(minter, commits, {"from": minter})
    assert brand.balanceOf(minter) == before + 3
    brand.transferFrom(minter, retailer, token_of(commits[0]), {"from": minter})
    assert (brand.balanceOf(minter), brand.balanceOf(retailer)) == (before + 2, 1)
    with brownie.reverts(error("ERC721InvalidSender", ZERO_ADDRESS)):
        brand.mintBatch(minter, [commitment("BALANCE-3"), commits[1]], {"from": minter})
    assert brand.balanceOf(minter) == before + 2
