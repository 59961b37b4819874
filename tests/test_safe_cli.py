"""`--safe` on the council's commands and `luxpass safe create|sign|exec|show`, against the real
Safe 1.4.1 contracts: a 2-of-3 Safe holding the council of an admitted brand proposes, votes and
hands its seat on, and the proposals and the brand's council changes name the owners who signed."""
import json

import pytest
from cli_helpers import error_line
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak
from luxpass.local import safe_jobs
from luxpass.onchain import safe as safes
from luxpass.chain.accounts import dev_account, dev_address
from luxpass.onchain.registry import Consortium

OWNERS = (4, 7, 8)  # the Safe's owners: Anvil keys that hold no council


def ascending(addresses) -> list[str]:
    """Owners in the order a Safe reads their signatures."""
    return sorted(addresses, key=lambda a: int(a, 16))


@pytest.fixture(scope="module")
def council_safe(signer, consortium):
    """A 2-of-3 Safe (the Safe contracts deployed and recorded for the chain first), admitted by the
    founders as the council of brand 4, "Atelier Nouveau"."""
    address = safe_jobs.create(signer(0), [dev_address(i) for i in OWNERS], 2).safe
    proposal = Consortium(signer(1), consortium.deployment).propose_admission("Atelier Nouveau", "ATN", address)
    Consortium(signer(2), consortium.deployment).vote(proposal.proposal_id, True)
    return address


def test_a_safe_council_proposes_when_two_owners_signed(lux, council_safe, tmp_path, web3):
    job = tmp_path / "suspend.json"
    drafted = json.loads(lux("brand", "propose", "suspend", "3", "--safe", council_safe, "--safe-out", job,
                             "--json").stdout)
    assert drafted["file"] == str(job) and drafted["threshold"] == 2
    count = len(json.loads(lux("brand", "proposals", "--json").stdout))  # nothing sent yet

    shown = json.loads(lux("safe", "sign", job, "--dev-account", OWNERS[0], "--json").stdout)
    assert shown["missing"] == 1 and shown["signers"] == [dev_address(OWNERS[0])]
    block = web3.eth.block_number
    result = lux("safe", "exec", job, "--dev-account", OWNERS[0], expect=2)
    assert error_line(result) == (f"error: 1 of the 2 signatures the Safe needs: signed by {dev_address(OWNERS[0])}; "
                                  f"pass {job} to 1 more owner(s) for `luxpass safe sign`")
    assert web3.eth.block_number == block

    lux("safe", "sign", job, "--dev-account", OWNERS[2])
    done = json.loads(lux("safe", "exec", job, "--dev-account", OWNERS[0], "--json").stdout)
    assert sorted(done["signers"]) == sorted([dev_address(OWNERS[0]), dev_address(OWNERS[2])])
    proposals = json.loads(lux("brand", "proposals", "--json").stdout)
    assert len(proposals) == count + 1
    assert proposals[-1]["kind"] == "suspend" and proposals[-1]["proposer_brand_id"] == 4
    signed_by = ascending([dev_address(OWNERS[0]), dev_address(OWNERS[2])])
    assert proposals[-1]["votes"] == [{"brand_id": 4, "support": True, "tx": done["tx"], "safe": council_safe,
                                       "signers": signed_by}]
    shown = lux("brand", "proposals").stdout
    assert f"proposed by brand 4 through its Safe {council_safe}, signed by {', '.join(signed_by)}" in shown

    again = json.loads(lux("safe", "exec", job, "--dev-account", OWNERS[0], "--json").stdout)
    assert (again["status"], again["tx"], again["safe"]) == ("already-done", done["tx"], council_safe)
    assert again["done"] == f"execute Safe transaction: {done['executed']}"


def test_a_safe_council_votes(lux, council_safe, tmp_path):
    proposal = json.loads(lux("accredit", dev_address(9), "--as", "auditor", "--dev-account", 1, "--json").stdout)
    job = tmp_path / "vote.json"
    lux("brand", "vote", proposal["proposal_id"], "--yes", "--safe", council_safe, "--safe-out", job)
    for owner in OWNERS[1:]:
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", 9)  # anyone may pay for it
    shown = json.loads(lux("brand", "proposals", "--json").stdout)
    voted = next(p for p in shown if p["proposal_id"] == proposal["proposal_id"])
    assert voted["yes"] == 2
    by_key, by_safe = voted["votes"]
    assert (by_key["brand_id"], by_key["safe"], by_key["signers"]) == (1, None, None)
    assert (by_safe["brand_id"], by_safe["safe"]) == (4, council_safe)
    assert by_safe["signers"] == ascending(dev_address(i) for i in OWNERS[1:])


def test_a_refusal_is_named_before_any_owner_signs(lux, council_safe, tmp_path):
    job = tmp_path / "bad.json"
    result = lux("brand", "propose", "reinstate", "1", "--safe", council_safe, "--safe-out", job, expect=1)
    assert "RegistryInvalidStatusChange" in error_line(result)
    assert not job.exists()


def test_a_job_file_is_never_overwritten(lux, council_safe, tmp_path):
    job = tmp_path / "taken.json"
    job.write_text("{}")
    result = lux("brand", "propose", "suspend", "2", "--safe", council_safe, "--safe-out", job, expect=2)
    assert error_line(result) == (f"error: Safe transaction {job} already exists and would be lost; pass another "
                                  "path, or move the old file away first")
    assert job.read_text() == "{}"


def test_a_non_owner_cannot_sign(lux, council_safe, tmp_path):
    job = tmp_path / "suspend2.json"
    lux("brand", "propose", "suspend", "2", "--safe", council_safe, "--safe-out", job)
    result = lux("safe", "sign", job, "--dev-account", 9, expect=2)
    assert error_line(result) == (f"error: {dev_address(9)} is not an owner of the Safe {council_safe}; sign with the "
                                  "keystore of one of its owners (`cast call SAFE 'getOwners()'` lists them)")
    assert json.loads(job.read_text())["signatures"] == []


def test_safe_needs_a_safe(lux, tmp_path):
    result = lux("brand", "propose", "suspend", "2", "--safe", dev_address(9), expect=2)
    assert "it is not a Safe" in error_line(result)


def test_a_safe_council_grants_a_role_and_another_safe_is_told_it_is_not_the_admin(lux, signer, council_safe,
                                                                                  tmp_path):
    job = tmp_path / "grant.json"
    lux("role", "grant", "minter", dev_address(9), "--brand", "4", "--safe", council_safe, "--safe-out", job)
    for owner in OWNERS[:2]:
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", OWNERS[0])
    again = json.loads(lux("role", "grant", "minter", dev_address(9), "--brand", "4", "--safe", council_safe,
                           "--safe-out", tmp_path / "again.json", "--json").stdout)
    assert (again["status"], again["unchanged"]) == ("already-done", True) and not (tmp_path / "again.json").exists()
    stranger = safe_jobs.create(signer(0), [dev_address(i) for i in OWNERS], 2, salt=1).safe  # same owners, no seat
    refused = lux("role", "grant", "minter", dev_address(9), "--brand", "4", "--safe", stranger,
                  "--safe-out", tmp_path / "stranger.json", expect=1)
    assert "you are not this collection's admin" in error_line(refused) and "already-done" not in refused.stdout
    assert not (tmp_path / "stranger.json").exists()


def test_a_safe_council_hands_its_seat_to_another_safe(lux, signer, council_safe, tmp_path):
    successor = safe_jobs.create(signer(0), [dev_address(i) for i in (7, 8, 9)], 2).safe
    job = tmp_path / "rotate.json"
    lux("brand", "rotate-council", successor, "--safe", council_safe, "--safe-out", job)
    for owner in OWNERS[:2]:
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", OWNERS[0])
    shown = json.loads(lux("brand", "show", "4", "--json").stdout)
    assert shown["council"] == successor
    (rotated,) = shown["council_changes"]
    assert (rotated["previous"], rotated["council"], rotated["safe"]) == (council_safe, successor, council_safe)
    assert rotated["signers"] == ascending(dev_address(i) for i in OWNERS[:2])


def test_safe_create_makes_the_safe_once(lux, signer, web3):
    owners = [dev_address(i) for i in (2, 3, 9)]
    made = json.loads(lux("safe", "create", *(a for o in owners for a in ("--owner", o)), "--threshold", 3,
                          "--dev-account", 9, "--json").stdout)
    assert made["contracts_deployed"] is False  # those the module's first Safe recorded
    safe = safes.Safe(signer(9), made["safe"])
    assert (safe.owners(), safe.threshold(), safe.nonce()) == (owners, 3, 0)
    block = web3.eth.block_number
    again = lux("safe", "create", *(a for o in owners for a in ("--owner", o)), "--threshold", 3, "--dev-account", 9,
                expect=2)
    assert error_line(again) == (f"error: a Safe of these 3 owners with threshold 3 and salt 0 exists already at "
                                 f"{made['safe']}; use that Safe, or pass another --salt for a second one")
    assert web3.eth.block_number == block
    other = json.loads(lux("safe", "create", *(a for o in owners for a in ("--owner", o)), "--threshold", 3,
                           "--salt", 1, "--dev-account", 9, "--json").stdout)
    assert other["safe"] != made["safe"]


@pytest.mark.parametrize("owners, threshold, error", [
    ((2, 3), 3, "error: a threshold of 3 does not fit 2 owners; pass a threshold from 1 to the number of owners"),
    ((2, 2), 1, "error: a Safe's owners must be distinct; list each owner once"),
])
def test_safe_create_refuses_a_safe_that_cannot_work(lux, web3, owners, threshold, error):
    block = web3.eth.block_number
    result = lux("safe", "create", *(a for o in owners for a in ("--owner", dev_address(o))), "--threshold", threshold,
                 "--dev-account", 9, expect=2)
    assert error_line(result) == error
    assert web3.eth.block_number == block


def test_only_a_genuine_safe_is_believed_about_its_signers(signer, consortium, council_safe):
    """Any contract can log SafeL2's events with made-up signers: only Safe 1.4.1's proxy over the
    SafeL2 singleton, byte for byte, is read."""
    chain = signer(0)
    deployment, _ = safe_jobs.safe_contracts(chain)
    assert safes.runs_safe_l2(chain, council_safe)
    for impostor in (dev_address(1), consortium.deployment.registry, deployment.singleton, deployment.factory):
        assert not safes.runs_safe_l2(chain, impostor)


def test_signers_are_read_from_every_kind_of_safe_signature():
    """ECDSA over the hash (v 27/28), over the eth_sign message (v 31/32), a pre-approved hash (v 1)
    and a contract owner's (v 0): the owners a Safe would count, in the signatures' order."""
    digest = keccak(text="a Safe transaction")
    direct, eth_signed, approver, contract = (dev_account(i, 31337) for i in (1, 2, 3, 4))
    plain = bytes(direct.unsafe_sign_hash(digest).signature)
    prefixed = bytearray(Account.sign_message(encode_defunct(digest), eth_signed.key).signature)
    prefixed[64] += 4
    approved = bytes(12) + bytes.fromhex(approver.address[2:]) + bytes(32) + b"\x01"
    by_contract = bytes(12) + bytes.fromhex(contract.address[2:]) + (4 * 65).to_bytes(32, "big") + b"\x00"
    signatures = plain + bytes(prefixed) + approved + by_contract + bytes(32)
    assert safes.signers_of(digest, signatures, 4) == [direct.address, eth_signed.address, approver.address,
                                                       contract.address]
    assert safes.signers_of(digest, signatures, 2) == [direct.address, eth_signed.address]
