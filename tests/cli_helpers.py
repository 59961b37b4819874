"""Helpers for the tests: what the `luxpass` command line printed, and empty blocks on any dev node."""


def error_line(result) -> str:
    """The one `error:` line a refused command prints on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def mine(web3, blocks: int) -> None:
    """Make `blocks` empty blocks by `evm_mine`, which Anvil, Ganache and Hardhat all answer."""
    for _ in range(blocks):
        web3.provider.make_request("evm_mine", [])
