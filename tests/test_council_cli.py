"""`luxpass brand rotate-council | replace-council | seat-council`: a brand hands its seat to a new
key, the other members replace a lost one, and `brand show` tells both."""
import json

from cli_helpers import error_line, mine
from luxpass.chain.accounts import dev_address

DAY = 24 * 3600


def test_a_brand_rotates_its_council_and_the_old_key_is_refused(lux, web3):
    done = json.loads(lux("brand", "rotate-council", dev_address(9), "--dev-account", 3, "--json").stdout)
    assert (done["brand_id"], done["previous"], done["council"]) == (3, dev_address(3), dev_address(9))
    shown = json.loads(lux("brand", "show", "3", "--json").stdout)
    assert shown["council"] == dev_address(9)
    assert [c["change"] for c in shown["council_changes"]] == ["council rotated"]
    block = web3.eth.block_number
    refused = lux("brand", "propose", "suspend", "1", "--dev-account", 3, expect=1)
    assert f"RegistryNotActiveMember({dev_address(3)})" in error_line(refused)
    assert web3.eth.block_number == block


def test_the_other_members_replace_a_lost_council(lux, web3):
    proposal = json.loads(lux("brand", "replace-council", "Casa Vellutti", "--council", dev_address(9),
                              "--dev-account", 1, "--json").stdout)
    assert proposal["kind"] == "replace_council" and proposal["account"] == dev_address(9)
    refused = lux("brand", "vote", proposal["proposal_id"], "--no", "--dev-account", 2, expect=1)
    assert "RegistryTargetCannotVote" in error_line(refused) and "the other members decide" in error_line(refused)
    lux("brand", "vote", proposal["proposal_id"], "--yes", "--dev-account", 3)
    shown = json.loads(lux("brand", "show", "2", "--json").stdout)
    assert shown["replacing_council"] == dev_address(9) and shown["council"] == dev_address(2)
    early = lux("brand", "seat-council", "2", "--dev-account", 9, expect=1)
    assert "RegistryCouncilReplacementNotDue" in error_line(early)
    web3.provider.make_request("evm_increaseTime", [3 * DAY])
    mine(web3, 1)
    seated = json.loads(lux("brand", "seat-council", "2", "--dev-account", 9, "--json").stdout)
    assert seated["council"] == dev_address(9)
    changes = json.loads(lux("brand", "show", "2", "--json").stdout)["council_changes"]
    assert [c["change"] for c in changes] == ["replacement voted", "council rotated"]
