"""What a newcomer trips over in every role (issue 26), on the test chain: an act not allowed is
never reported as done, a stopped bulk mint keeps what it did, a warning comes when it can still
help, and every line says who did what."""
import json

from cli_helpers import error_line
from luxpass.chain.accounts import dev_address

RETAILER = 6
VELLUTTI_COUNCIL = 2


def test_another_brands_council_is_told_it_is_not_the_admin_before_unchanged(lux, web3):
    block = web3.eth.block_number
    for verb, account in (("grant", dev_address(RETAILER)), ("revoke", dev_address(9))):
        refused = lux("role", verb, "retailer", account, "--brand", "Maison Aurel",
                      "--dev-account", VELLUTTI_COUNCIL, expect=1)
        assert "AccessControlUnauthorizedAccount(" in error_line(refused)
        assert "you are not this collection's admin" in error_line(refused)
        assert "unchanged" not in refused.stdout
    assert web3.eth.block_number == block
    held = json.loads(lux("role", "grant", "retailer", dev_address(RETAILER), "--brand", "Maison Aurel",
                          "--dev-account", 1, "--json").stdout)
    assert held["unchanged"] is True and web3.eth.block_number == block
