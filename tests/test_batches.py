"""Batch issuance by Merkle root: the padded tree and its proofs, claims at the first sale,
verification before and after the claim, and an interrupted issue job resumed."""
import csv
import json
import secrets

import pytest

from cli_helpers import error_line
from luxpass.chain.accounts import dev_address
from luxpass.chain.sender import KeySender
from luxpass.checks.verify import verify
from luxpass.errors import ContractRevert, InputError
from luxpass.jobs import batch_issue
from luxpass.jobs.batch_issue import issue_csv
from luxpass.local.deployments import open_consortium
from luxpass.proofs.batch import BatchTree, batch_leaf, proves
from luxpass.proofs.certificate import BatchProof, Certificate
from luxpass.proofs.merkle import merkle_root
from luxpass.spec import ProposalKind, TransferKind
from luxpass.values import normalize_record

ALICE, BOB = 7, 8
SEED = bytes(32)


def commitments(count: int) -> list[bytes]:
    return [secrets.token_bytes(32) for _ in range(count)]


def write_products(path, count: int, prefix: str = "AUR-B"):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["serial", "model", "material", "made_in"])
        writer.writerows((f"{prefix}-{n:05d}", "Sac Aurore", "calfskin", "Italy") for n in range(count))
    return path


@pytest.fixture
def batch(as_account, tmp_path):
    """Five products of Maison Aurel issued as a batch (padded to depth 8 to keep tests fast)."""
    result = issue_csv(as_account(5), write_products(tmp_path / "batch.csv", 5), tmp_path / "out", depth=8)
    return result, [Certificate.load(tmp_path / "out" / row["certificate"])
                    for row in csv.DictReader(open(result.result_file))]


# --- the tree, off chain -----------------------------------------------------------------

def test_every_product_proves_its_membership_and_the_root_is_the_sorted_tree():
    products = commitments(100)
    tree = BatchTree(products, SEED, depth=8)
    assert tree.root == merkle_root(tree.layers[0]) and len(tree.layers[0]) == 256
    assert all(proves(tree.proof(c), c) for c in products)


def test_wrong_and_reused_proofs_are_refused():
    products = commitments(10)
    tree, other = BatchTree(products, SEED, depth=8), BatchTree(commitments(10), SEED, depth=8)
    good = tree.proof(products[0])
    altered = BatchProof(good.root, (secrets.token_bytes(32),) + good.proof[1:])
    assert not proves(altered, products[0])
    assert not proves(good, products[1])  # one product's proof reused for another
    assert not proves(BatchProof(other.root, good.proof), products[0])  # against another batch's root
    assert not proves(BatchProof(good.root, good.proof[:-1]), products[0])
    with pytest.raises(InputError, match="not a product of this batch"):
        tree.proof(secrets.token_bytes(32))


@pytest.mark.parametrize("size", [1, 3, 200, 256])
def test_padding_gives_every_batch_up_to_the_padded_size_the_same_proof_length(size):
    products = commitments(size)
    tree = BatchTree(products, SEED, depth=8)
    assert {len(tree.proof(c).proof) for c in products} == {8}


def test_default_padding_hides_ten_thousand_products_among_three():
    small, large = BatchTree(commitments(3), SEED), BatchTree(commitments(10_000), SEED)
    assert small.depth == large.depth == 16
    assert len(small.layers[0]) == len(large.layers[0]) == 2**16


def test_a_batch_larger_than_the_padding_takes_the_next_power_of_two():
    assert BatchTree(commitments(257), SEED, depth=8).depth == 9


def test_padding_leaves_are_not_products_and_the_seed_fixes_them():
    products = commitments(4)
    tree = BatchTree(products, SEED, depth=4)
    assert len(set(tree.layers[0]) - {batch_leaf(c) for c in products}) == 12
    assert BatchTree(products, SEED, depth=4).root == tree.root
    assert BatchTree(products, b"\x01" * 32, depth=4).root != tree.root


def test_repeated_or_missing_products_are_refused():
    c = secrets.token_bytes(32)
    with pytest.raises(InputError, match="same commitment"):
        BatchTree([c, c], SEED)
    with pytest.raises(InputError, match="at least one product"):
        BatchTree([], SEED)


def test_certificate_carries_the_batch_proof_and_still_loads_without_one(tmp_path):
    record = normalize_record({"serial": "AUR-1", "model": "Tote"})
    proof = BatchProof(b"\x11" * 32, (b"\x22" * 32, b"\x33" * 32))
    cert = Certificate(31337, "0x" + "ab" * 20, record, b"\x44" * 32, batch=proof)
    cert.save(tmp_path / "cert.json")
    data = json.loads((tmp_path / "cert.json").read_text())
    assert data["format"] == "luxpass-certificate/1" and data["batch"]["proof"] == ["0x" + "22" * 32, "0x" + "33" * 32]
    assert Certificate.load(tmp_path / "cert.json").batch == proof
    assert Certificate.from_dict({k: v for k, v in data.items() if k != "batch"}).batch is None
    with pytest.raises(InputError, match="batch proof is malformed"):
        Certificate.from_dict({**data, "batch": {"root": "0x12", "proof": []}})


# --- on chain ----------------------------------------------------------------------------

def test_one_transaction_commits_the_root_and_every_certificate_proves_against_it(as_account, batch, web3):
    result, certs = batch
    assert result.committed_now and result.depth == 8 and result.products == 5
    tx = web3.eth.get_transaction(result.tx)
    assert tx["input"].hex().removeprefix("0x") == "e96cc5b2" + result.root[2:]  # commitBatch(bytes32 root)
    assert as_account(0).batch_committed_at(bytes.fromhex(result.root[2:])) > 0
    assert [c.record["serial"] for c in certs] == [f"AUR-B-{n:05d}" for n in range(5)]
    assert all(c.batch.root.hex() == result.root[2:] and proves(c.batch, c.commitment) for c in certs)


def test_unclaimed_product_verifies_with_its_proof(consortium, batch):
    cert = batch[1][0]
    verdict = verify(consortium, cert.collection, None, cert)
    assert verdict.authentic and not verdict.exists and verdict.certificate_matches
    assert verdict.batch_root == "0x" + cert.batch.root.hex() and "not sold yet" in verdict.reason


def with_passport_id_of_its_record(data):
    data["passportId"] = Certificate.from_dict(data).to_dict()["passportId"]


@pytest.mark.parametrize("change, reason", [
    (lambda d: d["record"].update(model="Sac Aurore Crocodile"), "do not match its commitment"),
    (lambda d: (d["record"].update(model="Sac Aurore Crocodile"), with_passport_id_of_its_record(d)),
     "proof does not lead"),
    (lambda d: d["batch"]["proof"].reverse(), "proof does not lead"),
    (lambda d: d["batch"].update(root="0x" + "ee" * 32), "no batch with root 0xeeee"),
])
def test_altered_unclaimed_certificate_does_not_verify(consortium, batch, change, reason):
    data = batch[1][0].to_dict()
    change(data)
    verdict = verify(consortium, data["collection"], None, Certificate.from_dict(data))
    assert not verdict.authentic and reason in verdict.reason


def test_suspended_brand_products_verify_with_a_warning_and_cannot_be_claimed(consortium, as_account, signer,
                                                                             batch):
    cert = batch[1][0]
    proposal = open_consortium(signer(2)).propose_brand_status(1, ProposalKind.SUSPEND)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    verdict = verify(consortium, cert.collection, None, cert)
    assert verdict.authentic and "cannot be claimed at a first sale until it is reinstated" in verdict.warnings[0]
    with pytest.raises(ContractRevert, match=r"PassportBrandNotActive\(1\)"):
        as_account(6).claim(cert, dev_address(ALICE))


def test_unclaimed_products_of_a_removed_brand_do_not_verify(consortium, signer, batch):
    cert = batch[1][0]
    proposal = open_consortium(signer(2)).propose_brand_status(1, ProposalKind.REMOVE)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    verdict = verify(consortium, cert.collection, None, cert)
    assert not verdict.authentic
    assert verdict.reason.startswith("Maison Aurel left the consortium on ")
    assert verdict.reason.endswith("before this product's passport was claimed: it can no longer be claimed")


def test_claim_mints_the_passport_to_the_buyer_once_only(as_account, consortium, batch, web3):
    cert = batch[1][1]
    claimed = as_account(6).claim(cert, dev_address(ALICE))
    assert claimed.passport_id == "0x" + cert.commitment.hex()
    assert as_account(0).owner_of(cert.passport_id) == dev_address(ALICE)
    (log,) = as_account(0).contract.events.OwnershipRecorded().get_logs(from_block=web3.eth.block_number)
    assert log["args"]["kind"] == TransferKind.FIRST_SALE and log["args"]["from"] == "0x" + "00" * 20
    verdict = verify(consortium, cert.collection, None, cert)
    assert verdict.authentic and verdict.exists and verdict.owner == dev_address(ALICE) and verdict.batch_root is None

    block = web3.eth.block_number
    with pytest.raises(ContractRevert) as refused:
        as_account(6).claim(cert, dev_address(BOB))
    assert (refused.value.name, refused.value.args_decoded) == ("ERC721InvalidSender", ("0x" + "00" * 20,))
    assert web3.eth.block_number == block


def test_claim_refuses_wrong_reused_and_unknown_proofs(as_account, batch, web3):
    first, second = batch[1][0], batch[1][1]
    root = first.batch.root
    reused = Certificate(first.chain_id, first.collection, second.record, second.salt, batch=first.batch)
    forged_root = Certificate(first.chain_id, first.collection, first.record, first.salt,
                              batch=BatchProof(b"\xee" * 32, first.batch.proof))
    altered = Certificate(first.chain_id, first.collection, first.record, first.salt,
                          batch=BatchProof(root, first.batch.proof[::-1]))
    block = web3.eth.block_number
    for cert, error, args in [
        (reused, "PassportInvalidProof", (root, second.commitment)),
        (altered, "PassportInvalidProof", (root, first.commitment)),
        (forged_root, "PassportUnknownBatch", (b"\xee" * 32,)),
    ]:
        with pytest.raises(ContractRevert) as refused:
            as_account(6).claim(cert, dev_address(ALICE))
        assert (refused.value.name, refused.value.args_decoded) == (error, args)
    with pytest.raises(ContractRevert, match=r"AccessControlUnauthorizedAccount\(.*retailer role"):
        as_account(5).claim(first, dev_address(ALICE))
    assert web3.eth.block_number == block


def test_interrupted_before_the_commit_resumes_with_the_same_root(as_account, tmp_path, web3, monkeypatch):
    products = write_products(tmp_path / "p.csv", 12)
    start = web3.eth.block_number + 1

    def stop(_sender):
        raise KeyboardInterrupt

    monkeypatch.setattr(KeySender, "wait_until_idle", stop)
    with pytest.raises(KeyboardInterrupt):
        issue_csv(as_account(5), products, tmp_path / "out", depth=8)
    assert (tmp_path / "out" / "job.json").exists() and not committed_roots(as_account(0), start)
    monkeypatch.undo()
    first = issue_csv(as_account(5), products, tmp_path / "out", depth=8)
    again = issue_csv(as_account(5), products, tmp_path / "out", depth=8)
    assert first.committed_now and not again.committed_now and again.root == first.root
    assert committed_roots(as_account(0), start) == [first.root]


def test_interrupted_after_the_commit_writes_certificates_without_a_second_root(as_account, tmp_path, web3,
                                                                                monkeypatch):
    products = write_products(tmp_path / "p.csv", 12)
    start = web3.eth.block_number + 1

    def stop(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_issue, "write_certificates", stop)
    with pytest.raises(KeyboardInterrupt):
        issue_csv(as_account(5), products, tmp_path / "out", depth=8)
    monkeypatch.undo()
    resumed = issue_csv(as_account(5), products, tmp_path / "out", depth=8)
    assert not resumed.committed_now and resumed.tx is None
    assert committed_roots(as_account(0), start) == [resumed.root]
    cert = Certificate.load(tmp_path / "out" / "certificates" / "000012-AUR-B-00011.json")
    assert proves(cert.batch, cert.commitment) and "0x" + cert.batch.root.hex() == resumed.root


def committed_roots(collection, since: int) -> list[str]:
    if since > collection.chain.w3.eth.block_number:
        return []
    logs = collection.contract.events.BatchCommitted().get_logs(from_block=since)
    return ["0x" + bytes(log["args"]["root"]).hex() for log in logs]


# --- the command line --------------------------------------------------------------------


def test_issue_verify_claim_and_verify_again_from_the_command_line(lux, tmp_path):
    products = write_products(tmp_path / "p.csv", 4)
    issued = json.loads(lux("issue", "--brand", "Maison Aurel", "--csv", products, "--depth", 8,
                            "--dev-account", 5, "--json").stdout)
    assert issued["committed_now"] and issued["out_dir"] == str(tmp_path / "p.batch")
    cert = tmp_path / "p.batch" / "certificates" / "000003-AUR-B-00002.json"
    before = lux("verify", cert).stdout
    assert before.startswith("AUTHENTIC: genuine product of a committed batch") and f"batch: {issued['root']}" in before
    sold = json.loads(lux("transfer", cert, "--first-sale", "--to", dev_address(ALICE), "--dev-account", 6,
                          "--json").stdout)
    assert sold["action"] == "first-sale"
    after = lux("verify", cert).stdout
    assert f"owner: {dev_address(ALICE)}" in after and "batch:" not in after
    again = json.loads(lux("issue", "--brand", "1", "--csv", products, "--depth", 8, "--dev-account", 5,
                           "--json").stdout)
    assert not again["committed_now"] and again["root"] == issued["root"]


def test_bad_issue_and_claim_input_is_one_line_and_changes_nothing(lux, tmp_path, web3):
    products = write_products(tmp_path / "p.csv", 3)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("serial,model\nA-1,Tote\nA-1,Sac\n")
    unissued = tmp_path / "unissued.csv"  # products no passport was issued for, so only the contract refuses
    unissued.write_text("serial,model\nU-1,Tote\n")
    lux("issue", "--brand", "1", "--csv", products, "--out", tmp_path / "out", "--depth", 8, "--dev-account", 5)
    cert = tmp_path / "out" / "certificates" / "000001-AUR-B-00000.json"
    tampered = tmp_path / "tampered.json"
    data = json.loads(cert.read_text())
    data["batch"]["proof"] = data["batch"]["proof"][::-1]
    tampered.write_text(json.dumps(data))
    block = web3.eth.block_number
    for args, code, message in [
        (("issue", "--brand", "1", "--csv", bad_csv, "--dev-account", 5), 2, "line 3: serial 'A-1' repeats line 2"),
        (("issue", "--brand", "1", "--csv", products, "--out", tmp_path / "out", "--dev-account", 5), 2,
         "pads to depth 8, not 16; pass --depth 8"),
        (("issue", "--brand", "1", "--csv", tmp_path / "none.csv", "--dev-account", 5), 2, "cannot read"),
        (("issue", "--brand", "1", "--csv", products, "--out", "/proc/luxpass", "--dev-account", 5), 2,
         "cannot write /proc/luxpass/job.json"),
        (("issue", "--brand", "1", "--csv", unissued, "--depth", 8, "--dev-account", 8), 1,
         "AccessControlUnauthorizedAccount"),
        (("transfer", tampered, "--first-sale", "--to", dev_address(ALICE), "--dev-account", 6), 1,
         "PassportInvalidProof"),
        (("transfer", cert, "--first-sale", "--to", dev_address(ALICE), "--dev-account", 5), 1,
         "AccessControlUnauthorizedAccount"),
    ]:
        assert message in error_line(lux(*args, expect=code))
    data["batch"] = {"root": "0x12"}
    tampered.write_text(json.dumps(data))
    assert "batch proof is malformed" in error_line(lux("verify", tampered, expect=2))
    assert web3.eth.block_number == block
