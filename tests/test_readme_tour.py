"""The README's five-minute tour runs as written, command after command, on the test chain (its
node: the tour's `node start` and `serve` are left out), each with the exit code the README
gives it (0, or the `exit N` its comment names)."""
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from luxpass.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
LEFT_OUT = {("node", "start"), ("serve",)}  # the test chain is the node; a server would not return


def tour() -> list[tuple[list[str], int]]:
    text = README.read_text()
    section = text[text.index("## A five-minute tour"):text.index("\n## ", text.index("## A five-minute tour") + 1)]
    steps = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            expected = re.search(r"#\s*exit (\d)", line)
            args = shlex.split(line, comments=True)[1:]
            if not any(tuple(args[:len(left)]) == left for left in LEFT_OUT):
                steps.append((args, int(expected.group(1)) if expected else 0))
    return steps


def test_the_readme_tour_runs_as_written(rpc_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"ETH_RPC_URL": rpc_url, "LUXPASS_HOME": str(tmp_path / "home")}  # no deployment yet, as on a new node
    steps = tour()
    assert len(steps) >= 15 and steps[0][0][0] == "deploy"
    for args, expected in steps:
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), f"{args}: {result.exception!r}"
        assert result.exit_code == expected, f"luxpass {shlex.join(args)} exited {result.exit_code}: {result.output}"
    assert (tmp_path / "aur-1.qr.svg").exists() and (tmp_path / "audit-1.csv").exists()


def test_the_readme_is_short_and_its_first_lines_put_the_tools_on_the_path():
    """#25 item 6: at most about 250 lines, and right after `make build` the README's first block
    says how `luxpass`, `cast` and `anvil` get on the PATH; `make build` put each there."""
    text = README.read_text()
    assert len(text.splitlines()) <= 250
    first = re.search(r"```sh\n(.*?)```", text, flags=re.S).group(1)
    assert "make build" in first and "source .venv/bin/activate" in first
    for tool in ("luxpass", "cast", "anvil", "brownie"):
        assert tool in first.split("source .venv/bin/activate", 1)[1].splitlines()[0]
        assert (README.parent / ".venv" / "bin" / tool).exists(), f"make build left no .venv/bin/{tool}"
