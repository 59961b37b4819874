"""One rule for "done already" (issue #26, item 7): the rerun of a completed act exits 0, sends
nothing, and says `status: already-done` with what was done, so that a script can run a step
again. Here: a first sale to the same buyer, a batch issue, an audit attestation and a vote; the
resale consent (tests/test_resale.py) and the Safe execution (tests/test_safe_cli.py) likewise."""
import json

from luxpass.chain.accounts import dev_address
from luxpass.local.deployments import open_consortium
from luxpass.spec import Accreditation

MINTER, RETAILER, AUDITOR, ALICE = 5, 6, 8, 7


def test_a_first_sale_to_the_same_buyer_again_is_done(lux, web3, tmp_path):
    minted = json.loads(lux("mint", "--brand", "1", "--serial", "DONE-1", "--certificate", tmp_path / "c.json",
                            "--dev-account", MINTER, "--json").stdout)
    sale = ["transfer", "--first-sale", "--brand", "1", "--id", minted["passport_id"], "--to", dev_address(ALICE),
            "--dev-account", RETAILER, "--json"]
    sold = json.loads(lux(*sale).stdout)
    block = web3.eth.block_number
    again = json.loads(lux(*sale).stdout)
    assert (again["status"], again["owner"], again["passport_id"]) == ("already-done", dev_address(ALICE),
                                                                        minted["passport_id"])
    assert again["done"].startswith("first sale of") and sold["action"] == "first-sale"
    assert web3.eth.block_number == block


def test_a_batch_issued_again_is_done(lux, web3, tmp_path):
    products = tmp_path / "batch.csv"
    products.write_text("serial,model\n" + "".join(f"DONE-B{n},Tote\n" for n in range(3)))
    issue = ["issue", "--brand", "1", "--csv", products, "--depth", 2, "--dev-account", MINTER, "--json"]
    first = json.loads(lux(*issue).stdout)
    block = web3.eth.block_number
    again = json.loads(lux(*issue).stdout)
    assert (first["status"], again["status"], again["root"], again["tx"]) == ("committed", "already-done",
                                                                             first["root"], None)
    assert web3.eth.block_number == block


def test_an_audit_attested_again_is_done(lux, web3, signer, tmp_path):
    proposal = open_consortium(signer(1)).propose_accreditation(signer(AUDITOR).address, Accreditation.AUDITOR, True)
    open_consortium(signer(2)).vote(proposal.proposal_id, True)
    stem = tmp_path / "audit"
    lux("audit", "--brand", "1", "--out", stem, "--dev-account", AUDITOR)
    attested = json.loads(lux("audit", "attest", f"{stem}.json", "--dev-account", AUDITOR, "--json").stdout)
    block = web3.eth.block_number
    again = json.loads(lux("audit", "attest", f"{stem}.json", "--dev-account", AUDITOR, "--json").stdout)
    assert (again["status"], again["done"], again["digest"]) == ("already-done", "attest audit report",
                                                                 attested["digest"])
    assert web3.eth.block_number == block


def test_the_same_vote_again_is_done(lux, web3):
    proposal = json.loads(lux("accredit", dev_address(9), "--as", "marketplace", "--dev-account", 1, "--json").stdout)
    voted = json.loads(lux("brand", "vote", proposal["proposal_id"], "--yes", "--dev-account", 2, "--json").stdout)
    block = web3.eth.block_number
    again = json.loads(lux("brand", "vote", proposal["proposal_id"], "--yes", "--dev-account", 2, "--json").stdout)
    assert (again["status"], again["tx"], again["state"]) == ("already-done", voted["tx"], "executed")
    assert web3.eth.block_number == block
