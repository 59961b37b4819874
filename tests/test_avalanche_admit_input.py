"""`luxpass avalanche-net admit` refuses careless input before it signs or sends anything: one
`error:` line naming the problem and its fix, a non-zero exit, no traceback. What it does on a
running L1 (admits, funds, never twice) is in tests/avalanche/test_avalanche_demo.py."""
import json

from click.testing import CliRunner

from luxpass.avalanche import config as av_config
from luxpass.cli import cli

from cli_helpers import error_line

ADDRESS = "0x" + "ab" * 20


def admit(*args):
    result = CliRunner().invoke(cli, ["avalanche-net", "admit", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_fund_that_is_no_amount_is_refused(tmp_path):
    for amount in ("ten", "-1", "0.0000000000000000001"):
        result = admit(ADDRESS, "--fund", amount, "--dir", tmp_path)
        assert result.exit_code == 2, result.output
        assert "--fund" in error_line(result) and "write e.g. 10 or 0.5" in error_line(result)


def test_a_folder_without_a_network_is_named(tmp_path):
    result = admit(ADDRESS, "--dir", tmp_path / "none")
    assert result.exit_code == 2, result.output
    assert f"no Avalanche network in {tmp_path / 'none'}" in error_line(result)


def test_a_network_without_its_l1_yet_is_refused(tmp_path):
    house = {"house": "Maison Aurel", "slug": "maison-aurel", "node_id": "NodeID-1", "signer": {},
             "account": ADDRESS, "keystore": "k.json", "http_port": 9700, "staking_port": 9701}
    (tmp_path / "net.json").write_text(json.dumps({"network_id": av_config.NETWORK_ID,
                                                   "evm_chain_id": av_config.EVM_CHAIN_ID, "houses": [house],
                                                   "allow_list_admins": [ADDRESS]}))
    result = admit(ADDRESS, "--dir", tmp_path)
    assert result.exit_code == 2, result.output
    assert "has no L1 yet" in error_line(result) and "avalanche-net up" in error_line(result)
    unknown = admit(ADDRESS, "--dir", tmp_path, "--house", "Maison Nulle")
    assert unknown.exit_code == 2 and "no house 'Maison Nulle'" in error_line(unknown)


def test_a_bad_address_is_refused():
    result = admit("0x1234")
    assert result.exit_code == 2 and "address" in error_line(result)
