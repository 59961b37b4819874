"""Gas of the registry's governance (issue 24), measured alike on this build and on main's: a
proposeAdmission, the vote that carries (executes) it, and a council replacement (its proposal,
the vote that schedules it, and the completion that seats the new council) of a brand whose
council has a proposal open and a vote cast on another's, which the completion now closes and
withdraws.

    python bench/governance.py                  # this build beside main's (built in a temp dir)
    python bench/governance.py --ref 80fc862    # beside another commit's build

Main's contracts are built with brownie in a temporary copy of that commit's contracts/ and
interfaces/ (about half a minute); both builds are deployed on one Anvil of this script's own.
Figures are printed, never asserted.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from web3 import Web3

ROOT = Path(__file__).resolve().parents[1]
PORT = 8663
WEEK, DAY = 7 * 24 * 3600, 24 * 3600
FOUNDERS = [("Maison Aurel", "AUR"), ("Casa Vellutti", "VEL"), ("Horlogerie Brandt", "HBR"), ("Orfevrerie Lune", "ORL")]


def build_of(ref: str, work: Path) -> Path:
    """The brownie build of `ref`'s contracts, in `work`."""
    tree = work / f"build-{ref}"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "contracts", "interfaces", "brownie-config.yaml"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    subprocess.run([str(ROOT / ".venv" / "bin" / "brownie"), "compile"], cwd=tree, check=True, capture_output=True,
                   env={**os.environ, "SOLCX_BINARY_PATH": str(ROOT / ".solcx")})
    return tree / "build" / "contracts"


def measure(w3: Web3, build: Path) -> dict:
    """Gas of each step on a fresh registry of four founders from `build`."""
    accounts = w3.eth.accounts
    deployer, councils, newcomer, heir, accredited = accounts[0], accounts[1:5], accounts[5], accounts[6], accounts[7]

    def contract(name, address=None):
        artifact = json.loads((build / f"{name}.json").read_text())
        if address:
            return w3.eth.contract(address=address, abi=artifact["abi"])
        return w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])

    def send(call, sender):
        receipt = w3.eth.wait_for_transaction_receipt(call.transact({"from": sender}))
        assert receipt["status"] == 1, call
        return receipt

    implementation = send(contract("BrandPassport").constructor(), deployer)["contractAddress"]
    deployed = send(contract("ConsortiumRegistry").constructor(
        implementation, [n for n, _ in FOUNDERS], [s for _, s in FOUNDERS], councils, 5000, WEEK), deployer)
    registry = contract("ConsortiumRegistry", deployed["contractAddress"]).functions
    figures = {}
    receipt = send(registry.proposeAdmission("Atelier Nouveau", "ATN", newcomer), councils[0])
    figures["proposeAdmission"] = receipt["gasUsed"]
    proposal = registry.proposalCount().call()
    send(registry.vote(proposal, True), councils[1])
    figures["the vote that executes an admission"] = send(registry.vote(proposal, True), councils[2])["gasUsed"]
    # brand 1 has a proposal open and has voted on brand 2's when its council is replaced
    send(registry.proposeAccreditation(accredited, 0, True), councils[0])
    send(registry.proposeAccreditation(accredited, 1, True), councils[1])
    send(registry.vote(registry.proposalCount().call(), True), councils[0])
    figures["proposeCouncilReplacement"] = send(registry.proposeCouncilReplacement(1, heir), councils[1])["gasUsed"]
    replacement = registry.proposalCount().call()
    send(registry.vote(replacement, True), councils[2])
    figures["the vote that schedules a replacement"] = send(registry.vote(replacement, True), councils[3])["gasUsed"]
    w3.provider.make_request("evm_increaseTime", [3 * DAY + 1])
    w3.provider.make_request("evm_mine", [])
    figures["completeCouncilReplacement"] = send(registry.completeCouncilReplacement(1), deployer)["gasUsed"]
    return figures


def main(argv: list[str]) -> int:
    if argv and (argv[0] != "--ref" or len(argv) != 2):
        print("usage: governance.py [--ref COMMIT]", file=sys.stderr)
        return 2
    ref = argv[1] if argv else "main"
    work = Path(tempfile.mkdtemp(prefix="luxpass-governance-"))
    os.environ.setdefault("LUXPASS_HOME", str(work / "home"))
    from luxpass.chain import node

    try:
        before_build = build_of(ref, work)
        node.start(work / "node", PORT)
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{PORT}"))
        before, now = measure(w3, before_build), measure(w3, ROOT / "build" / "contracts")
    finally:
        node.stop(work / "node")
        shutil.rmtree(work, ignore_errors=True)
    print(f"registry governance gas (issue 24), {ref} -> this build:")
    for name, gas in now.items():
        print(f"    {name:<40} {before[name]:>9,} -> {gas:>9,} gas  {gas - before[name]:+,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
