"""Every `luxpass` command that luxpass itself names exists and accepts the arguments it is shown
with: the error hints (`spec.HINTS` and every other message in the package), the examples of the
help texts, and the commands of the README and the guides in docs/. Each is run through the CLI's
own parser (click's `make_context`, down the groups to the command), so a hint naming a command
that does not exist, an option that was renamed or a value its type refuses (a GTIN that fails its
check digit) fails here. No chain is needed: nothing runs past the parser."""
import ast
import re
import shlex
from pathlib import Path

import click
import pytest

from luxpass import spec
from luxpass.chain.accounts import dev_address
from luxpass.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "luxpass"
NAMED = re.compile(r"`luxpass ([^`]+)`")
SAMPLE_ADDRESS = dev_address(1)
# The guides' placeholders, each for the value a reader puts in its place.
FIELD = "X"  # an f-string's field: in the commands the package names, an address or a file
PLACEHOLDERS = {
    "FILE": "file.json", "NAME": "name", "BRAND": "Maison Aurel", "N": "1", "URL": "http://127.0.0.1:8545",
    "URL1,URL2": "http://127.0.0.1:8545,http://127.0.0.1:8546", "…": "name",
    **{word: SAMPLE_ADDRESS for word in ("A", "B", "C", "NEW", "ADDRESS", "OWNER", "BUYER", FIELD)},
}
ELIDED_HEX = re.compile(r"0x(?:[0-9A-Za-z]*…|[0-9A-Za-z]*[G-Zg-z][0-9A-Za-z]*)")  # 0x…, 0xBuyer, 0xCFO…


@pytest.fixture(autouse=True)
def isolation():
    """Nothing here touches a chain: no snapshot to take and revert."""


def package_strings():
    """Every string constant of the package's modules (implicit concatenations joined, an
    f-string's fields as FIELD), and the page templates' text."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path, node.value
            elif isinstance(node, ast.JoinedStr):
                yield path, "".join(v.value if isinstance(v, ast.Constant) else FIELD for v in node.values)
    for path in sorted(PACKAGE.rglob("templates/*.html")):
        yield path, path.read_text()


def hinted():
    """(where, command line) of every `luxpass …` the package's messages name."""
    for name, hint in spec.HINTS.items():
        for match in NAMED.finditer(hint):
            yield f"spec.HINTS[{name}]", match.group(1)
    for path, text in package_strings():
        for match in NAMED.finditer(text):
            yield str(path.relative_to(ROOT)), match.group(1)


def commands(group=cli, path=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def help_examples():
    """(where, command line) of each example in a help text: `Example: luxpass …` or a line of a
    `\\b` block that starts with `luxpass `."""
    for path, command in commands():
        for line in (command.help or "").splitlines():
            text = line.strip().removeprefix("Example:").strip()
            if text.startswith("luxpass "):
                yield "luxpass " + " ".join(path) + " --help", text.removeprefix("luxpass ")


def documented():
    """(where, command line, complete) of every `luxpass …` in the README's and docs' code
    blocks (complete invocations) and inline code (which may name a command without its arguments)."""
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        where = str(path.relative_to(ROOT))
        for block in re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, flags=re.S):
            for line in block.replace("\\\n", " ").splitlines():
                for part in line.split(" ; "):
                    if part.strip().startswith("luxpass "):
                        yield where, part.strip().removeprefix("luxpass "), True
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        for match in NAMED.finditer(prose):
            if "\\n" not in match.group(1):  # a message's text (`luxpass DPP access\nchain …`), not a command
                yield where, " ".join(match.group(1).split()), False


SHELL_OPERATORS = re.compile(r"^(\||\|\||&&|;|[0-9]?>>?|<)$")  # where the shell takes over from luxpass


def words(line: str) -> list[list[str]]:
    """The argument lists a line names: comments and what follows a shell redirection or pipe
    dropped, placeholders filled, `a|b` alternatives of a command name each on their own."""
    split = shlex.split(line, comments=True)
    split = split[:next((i for i, w in enumerate(split) if SHELL_OPERATORS.match(w)), len(split))]
    args = [PLACEHOLDERS.get(w, ELIDED_HEX.sub(SAMPLE_ADDRESS, w)) for w in split]
    for i, word in enumerate(args):
        if "|" in word and not word.startswith("-") and all(a.isidentifier() for a in word.split("|")):
            return [[*args[:i], alternative, *args[i + 1:]] for alternative in word.split("|")]
    return [args]


def parse(args: list[str], complete: bool) -> None:
    """Parse `luxpass ARGS` as the CLI would, without running it. A file that must exist and does
    not is no parse error; nor, when the line only names a command, a missing argument."""
    command = cli
    try:
        ctx = cli.make_context("luxpass", list(args))
        while isinstance(command, click.Group):
            rest = [*(ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args), *ctx.args]
            if not rest:
                return
            name, command, rest = command.resolve_command(ctx, rest)
            ctx = command.make_context(name, rest, parent=ctx)
    except (click.MissingParameter, click.exceptions.NoArgsIsHelpError):
        if complete:
            raise
    except click.exceptions.Exit as exc:  # `--help`, `--version`: the command exists and answers
        assert exc.exit_code == 0
    except click.BadOptionUsage as exc:  # prose may name an option without its value: `serve --dpp-dir`
        if complete or not (exc.option_name == args[-1] and "requires an argument" in exc.format_message()):
            raise
    except click.BadParameter as exc:
        if "does not exist" not in exc.format_message():
            raise


ALL = [(where, line, False) for where, line in hinted()] + \
      [(where, line, True) for where, line in help_examples()] + list(documented())


def test_every_source_is_read():
    sources = {where.split(" ")[0].split("[")[0] for where, _, _ in ALL}
    assert {"spec.HINTS", "README.md", "luxpass", "docs/brand.md", "docs/council.md"} <= sources
    assert len(ALL) > 150


@pytest.mark.parametrize("where, line, complete", ALL, ids=[f"{w}: {l[:60]}" for w, l, _ in ALL])
def test_named_command_exists_and_parses(where, line, complete):
    for args in words(line):
        try:
            parse(args, complete)
        except click.UsageError as exc:
            pytest.fail(f"{where} names `luxpass {line}`, which luxpass refuses: {exc.format_message()}")


@pytest.mark.parametrize("line, problem", [
    ("audit verify report.json", "No such command"),
    ("mint --brand 'Maison Aurel' --serial AUR-1 --field gtin=03012345678906", "check digit"),
    ("role grant minter 0xNotAnAddress1 --brand 'Maison Aurel'", "not an address"),
])
def test_a_wrong_command_fails_the_parse(line, problem):
    with pytest.raises(click.UsageError, match=problem):
        parse(shlex.split(line), complete=True)
