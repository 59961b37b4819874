"""`luxpass --help` and `--version` start without the library: the top group imports a command's
module only when the command runs. Its start time is measured by `make bench`, not asserted here."""
import ast
import importlib.metadata
import subprocess
import sys

import click
from click.testing import CliRunner

from luxpass.cli import cli
from luxpass.cli.root import COMMANDS

HEAVY = ("web3", "eth_account", "eth_abi", "requests", "luxpass.chain", "luxpass.onchain")


def modules_loaded_by(*args: str, among: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules named `among...` (the heavy ones by default) a fresh `luxpass ARGS` process imported."""
    code = ("import sys\nfrom luxpass.cli import main\nsys.argv = ['luxpass', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.startswith({among!r})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return ast.literal_eval(done.stderr.splitlines()[-1])


def test_help_and_version_import_no_web3():
    assert modules_loaded_by("--help") == []
    assert modules_loaded_by("--version") == []


def test_version_imports_nothing_but_the_package_version():
    assert modules_loaded_by("--version", among=("luxpass", "click", "importlib.metadata")) == ["luxpass", "luxpass.cli"]
    shown = subprocess.run([sys.executable, "-m", "luxpass", "--version"], capture_output=True, text=True, check=True)
    line = f"luxpass, version {importlib.metadata.version('luxpass')}\n"
    assert shown.stdout == line
    assert CliRunner().invoke(cli, ["--version"], prog_name="luxpass").stdout == line  # --version among other words


def test_a_command_imports_what_it_needs():
    assert "web3" in modules_loaded_by("verify", "--help")


def test_the_help_lists_every_command_with_its_own_first_sentence():
    ctx = click.Context(cli)
    commands = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    assert set(commands) == set(COMMANDS) == set(cli.commands), "update COMMANDS in luxpass/cli/root.py"
    for name, command in commands.items():
        module, summary = COMMANDS[name]
        assert (command.callback.__module__, summary) == (f"luxpass.cli.{module}", command.get_short_help_str(10**6)), \
            f"update COMMANDS[{name!r}] in luxpass/cli/root.py"
    listed = CliRunner().invoke(cli, ["--help"]).stdout
    assert all(f"  {name} " in listed for name in COMMANDS)

