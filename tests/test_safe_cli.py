"""`--safe` on the council's commands and `luxpass safe sign|exec|show`, against the real Safe
1.4.1 contracts: a 2-of-3 Safe holding the council of an admitted brand proposes and votes."""
import json

import pytest
from cli_helpers import error_line
from luxpass.onchain import safe as safes
from luxpass.chain.accounts import dev_address
from luxpass.onchain.registry import Consortium

OWNERS = (4, 7, 8)  # the Safe's owners: Anvil keys that hold no council


@pytest.fixture(scope="module")
def council_safe(signer, consortium):
    """A 2-of-3 Safe, admitted by the founders as the council of brand 4, "Atelier Nouveau"."""
    contracts = safes.deploy_safe_factory(signer(0))
    address = safes.create_safe(signer(0), contracts, [dev_address(i) for i in OWNERS], 2)
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
    assert "1 of the 2 signatures the Safe needs" in error_line(result)
    assert web3.eth.block_number == block

    lux("safe", "sign", job, "--dev-account", OWNERS[2])
    done = json.loads(lux("safe", "exec", job, "--dev-account", OWNERS[0], "--json").stdout)
    assert sorted(done["signers"]) == sorted([dev_address(OWNERS[0]), dev_address(OWNERS[2])])
    proposals = json.loads(lux("brand", "proposals", "--json").stdout)
    assert len(proposals) == count + 1
    assert proposals[-1]["kind"] == "suspend" and proposals[-1]["proposer_brand_id"] == 4

    again = lux("safe", "exec", job, "--dev-account", OWNERS[0], expect=2)
    assert "executed already" in error_line(again)


def test_a_safe_council_votes(lux, council_safe, tmp_path):
    proposal = json.loads(lux("accredit", dev_address(9), "--as", "auditor", "--dev-account", 1, "--json").stdout)
    job = tmp_path / "vote.json"
    lux("brand", "vote", proposal["proposal_id"], "--yes", "--safe", council_safe, "--safe-out", job)
    for owner in OWNERS[1:]:
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", 9)  # anyone may pay for it
    shown = json.loads(lux("brand", "proposals", "--json").stdout)
    assert next(p for p in shown if p["proposal_id"] == proposal["proposal_id"])["yes"] == 2


def test_a_refusal_is_named_before_any_owner_signs(lux, council_safe, tmp_path):
    job = tmp_path / "bad.json"
    result = lux("brand", "propose", "reinstate", "1", "--safe", council_safe, "--safe-out", job, expect=1)
    assert "RegistryInvalidStatusChange" in error_line(result)
    assert not job.exists()


def test_a_job_file_is_never_overwritten(lux, council_safe, tmp_path):
    job = tmp_path / "taken.json"
    job.write_text("{}")
    result = lux("brand", "propose", "suspend", "2", "--safe", council_safe, "--safe-out", job, expect=2)
    assert "already exists" in error_line(result)
    assert job.read_text() == "{}"


def test_a_non_owner_cannot_sign(lux, council_safe, tmp_path):
    job = tmp_path / "suspend2.json"
    lux("brand", "propose", "suspend", "2", "--safe", council_safe, "--safe-out", job)
    result = lux("safe", "sign", job, "--dev-account", 9, expect=2)
    assert "is not an owner of the Safe" in error_line(result)
    assert json.loads(job.read_text())["signatures"] == []


def test_safe_needs_a_safe(lux, tmp_path):
    result = lux("brand", "propose", "suspend", "2", "--safe", dev_address(9), expect=2)
    assert "it is not a Safe" in error_line(result)


def test_a_safe_council_hands_its_seat_to_another_safe(lux, signer, council_safe, tmp_path):
    contracts = safes.deploy_safe_factory(signer(0))
    successor = safes.create_safe(signer(0), contracts, [dev_address(i) for i in (7, 8, 9)], 2, salt=1)
    job = tmp_path / "rotate.json"
    lux("brand", "rotate-council", successor, "--safe", council_safe, "--safe-out", job)
    for owner in OWNERS[:2]:
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", OWNERS[0])
    assert json.loads(lux("brand", "show", "4", "--json").stdout)["council"] == successor
