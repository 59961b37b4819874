"""`luxpass consortium-net` refuses careless input before it creates or starts anything: one
`error:` line naming the problem and its fix, a non-zero exit, no traceback, the folder as it was.
None of these needs geth to run; the refusals that do (a wrong password, a data dir of another
genesis) are in tests/net."""
import json
import socket
import stat

import pytest
from click.testing import CliRunner

from luxpass.consortium import config as net
from luxpass.cli import cli

from cli_helpers import error_line

BASE_PORT = 8640  # clear of the other tests' nodes


def consortium_net(*args, env=None):
    result = CliRunner().invoke(cli, ["consortium-net", *map(str, args)], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr, result.stderr
    return result


def refused(*args, env=None, exit_code=2) -> str:
    result = consortium_net(*args, env=env)
    assert result.exit_code == exit_code, f"{args} exited {result.exit_code}: {result.output}"
    assert result.stdout == ""
    return error_line(result)


def tree(folder):
    """Every file under `folder` with its content, to show that nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def existing(tmp_path):
    """A network as `up` leaves it once created and stopped: net.json, the genesis, each house's
    keystore and password file and a data dir (the chain itself is geth's; none is needed here)."""
    folder = tmp_path / "net"
    nodes = []
    for i, house in enumerate(net.HOUSES[:2]):
        name = net.slug(house)
        keystore = folder / name / "keystore" / f"{name}.json"
        keystore.parent.mkdir(parents=True)
        keystore.write_text("{}")
        (folder / name / "geth" / "chaindata").mkdir(parents=True)
        net.password_file(folder, house).write_text("secret")
        nodes.append(net.NodeConfig(house, name, "0x" + f"{i + 1:040x}", str(keystore), f"enode://{i:0128x}@127.0.0.1",
                                    **net.ports(BASE_PORT, i)))
    (folder / "genesis.json").write_text(json.dumps({"config": {"chainId": 7531}, "extradata": "0x"}))
    net.save(folder, net.NetworkConfig(7531, 1, nodes))
    return folder


def test_status_and_down_of_no_network(tmp_path):
    for command in ("status", "down"):
        line = refused(command, "--dir", tmp_path / "none")
        assert f"no consortium network in {tmp_path / 'none'}" in line and "consortium-net up" in line
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("houses, problem", [
    (["Maison Aurel"], "at least two houses"),
    (["Maison Aurel", "maison  aurel"], "distinct names"),  # one folder name for both
    (["Maison Aurel", "***"], "distinct names"),  # no letter or digit to name its folder
])
def test_houses_that_cannot_make_a_network(tmp_path, houses, problem):
    line = refused("up", "--dir", tmp_path / "net", *[f"--house={h}" for h in houses])
    assert problem in line and "repeat --house NAME" in line
    assert not (tmp_path / "net").exists()


def test_a_base_port_that_puts_a_port_past_65535(tmp_path):
    line = refused("up", "--dir", tmp_path / "net", "--base-port", 45000)
    assert "--base-port 45000 puts the P2P port of Maison Aurel's node at 66800, above 65535" in line
    assert "pass a --base-port of at most 43735" in line
    assert not (tmp_path / "net").exists()


def test_a_port_another_program_holds(tmp_path):
    with socket.create_server(("127.0.0.1", BASE_PORT + 1)):
        line = refused("up", "--dir", tmp_path / "net", "--base-port", BASE_PORT)
    assert f"port {BASE_PORT + 1} (RPC of Casa Vellutti's node) is in use by another program" in line
    assert "another --base-port" in line or "other ports with --base-port" in line
    assert not (tmp_path / "net").exists()


@pytest.mark.parametrize("addresses, problem, fix", [
    (["10.75.0.1"], "1 --address for 4 houses", "one --address per house"),
    (["10.75.0.1", "10.75.0.2", "10.75.0.3", "node-4"], "--address 'node-4' is not an IPv4 address", "10.0.0.15"),
])
def test_addresses_that_do_not_name_one_per_house(tmp_path, addresses, problem, fix):
    line = refused("up", "--dir", tmp_path / "net", *[f"--address={a}" for a in addresses])
    assert problem in line and fix in line
    assert not (tmp_path / "net").exists()


def test_a_folder_that_holds_something_else(tmp_path):
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert "is not an empty folder and holds no network" in refused("up", "--dir", folder)
    assert tree(folder) == {"notes.txt": b"mine"}


def test_geth_failing_its_init_leaves_nothing(tmp_path):
    """A geth that cannot write the genesis: the keystores and genesis written before are removed,
    so that the same command runs again once geth is fixed (no folder 'not empty' in the way)."""
    geth = tmp_path / "geth"
    geth.write_text("#!/bin/sh\necho 'Fatal: Failed to write genesis block: disk full' >&2\nexit 1\n")
    geth.chmod(geth.stat().st_mode | stat.S_IEXEC)
    line = refused("up", "--dir", tmp_path / "net", "--base-port", BASE_PORT, env={"LUXPASS_GETH": str(geth)},
                   exit_code=1)
    assert "geth init failed for Maison Aurel: Fatal: Failed to write genesis block: disk full" in line
    assert "nothing was kept" in line
    assert not (tmp_path / "net").exists()


@pytest.mark.parametrize("option, value, held", [
    ("--chain-id", 99, "7531"), ("--period", 2, "1"), ("--base-port", 8900, str(BASE_PORT)),
    ("--house", "Maison Aurel", "Maison Aurel, Casa Vellutti"),
    ("--address", "10.75.0.1", "127.0.0.1, 127.0.0.1"),
])
def test_creation_options_given_to_a_network_that_exists(existing, option, value, held):
    before = tree(existing)
    line = refused("up", "--dir", existing, option, value)
    assert f"{option} applies when a network is created, and the one in {existing} has {held}" in line
    assert f"leave {option} out to resume it" in line
    assert tree(existing) == before


def test_up_again_with_the_network_s_own_options_is_not_refused_for_them(existing):
    """Options equal to the network's are no conflict: the refusal that follows is for the missing
    chain (checked after), not for the options."""
    (existing / "maison-aurel" / "geth" / "chaindata").rmdir()
    line = refused("up", "--dir", existing, "--chain-id", 7531, "--base-port", BASE_PORT, "--period", 1)
    assert "the data dir of Maison Aurel's node" in line and "holds no chain" in line and "geth init --datadir" in line


@pytest.mark.parametrize("missing, what", [("password", "keystore's password file"), ("keystore", "keystore")])
def test_a_house_whose_keystore_or_password_file_is_missing(existing, missing, what):
    house = net.HOUSES[1]
    path = (net.password_file(existing, house) if missing == "password"
            else existing / net.slug(house) / "keystore" / f"{net.slug(house)}.json")
    path.unlink()
    before = tree(existing)
    line = refused("up", "--dir", existing)
    assert f"the {what} of {house} ({path}) is missing" in line and "put it back from your backup" in line
    assert tree(existing) == before


def test_a_port_of_a_stopped_node_another_program_holds(existing):
    before = tree(existing)
    with socket.create_server(("127.0.0.1", BASE_PORT)):
        line = refused("up", "--dir", existing)
    assert f"port {BASE_PORT} (RPC of Maison Aurel's node) is in use by another program" in line
    assert "the network's ports were chosen when it was created" in line
    assert tree(existing) == before


def test_down_of_a_stopped_network_changes_nothing(existing):
    before = tree(existing)
    done = consortium_net("down", "--dir", existing, "--json")
    assert done.exit_code == 0, done.output
    assert [s["running"] for s in json.loads(done.stdout)] == [False, False]
    assert tree(existing) == before


def test_house_of_a_network_that_has_no_such_house(existing, tmp_path):
    line = refused("house", "Maison Inconnue", "--dir", existing, "--out", tmp_path / "out")
    assert "no house 'Maison Inconnue' in this network" in line and "Maison Aurel, Casa Vellutti" in line
    assert not (tmp_path / "out").exists()


def test_house_into_a_folder_that_holds_something(existing, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    line = refused("house", "Maison Aurel", "--dir", existing, "--out", out)
    assert f"{out} is not an empty folder" in line and "never overwritten" in line
    assert tree(out) == {"notes.txt": b"mine"}


def test_join_or_run_from_a_folder_that_is_no_house_folder(tmp_path):
    password = tmp_path / "password"
    password.write_text("a password")
    line = refused("join", "Maison Neuve", "--from", tmp_path, "--out", tmp_path / "neuve", "--password-file", password)
    assert f"{tmp_path} holds no house node (node.json is missing)" in line and "consortium-net house" in line
    assert not (tmp_path / "neuve").exists()
    assert "holds no house node" in refused("run", "--house-dir", tmp_path)


def test_down_lists_a_stopped_node_without_a_block_or_peers(existing):
    """#26: a stopped node read as `block None peers None`; it has neither, and is named stopped."""
    lines = consortium_net("down", "--dir", existing).stdout.splitlines()
    assert len(lines) == 2 and all("  stopped  signer 0x" in line for line in lines), lines
    assert not any("None" in line or "block" in line or "peers" in line for line in lines), lines


def test_a_net_json_that_is_not_json_is_named_and_left_as_it_is(existing):
    (existing / "net.json").write_text('{"chain_id": 75')
    before = tree(existing)
    line = refused("status", "--dir", existing, exit_code=1)
    assert f"{existing / 'net.json'} is not valid JSON" in line and "put it back from your backup" in line
    assert tree(existing) == before
