"""Reading what the `luxpass` command line printed, for the CLI tests."""


def error_line(result) -> str:
    """The one `error:` line a refused command prints on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]
