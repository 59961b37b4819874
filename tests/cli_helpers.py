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


def admit_safe_council(signer, consortium, name: str, symbol: str, owners=(4, 7, 8)) -> str:
    """A 2-of-3 Safe of Anvil keys `owners`, admitted by the founders as the council of a new brand."""
    from luxpass.chain.accounts import dev_address
    from luxpass.local import safe_jobs
    from luxpass.onchain.registry import Consortium

    council = safe_jobs.create(signer(0), [dev_address(i) for i in owners], 2).safe
    proposal = Consortium(signer(1), consortium.deployment).propose_admission(name, symbol, council)
    Consortium(signer(2), consortium.deployment).vote(proposal.proposal_id, True)
    return council
