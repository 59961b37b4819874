"""What issue 11's owner rule costs a move with nothing pending, like for like: the same moves,
measured by this one script on the build at hand and on the build before the fixes (recorded in
bench/owner_rule_before.json, with its commit and EVM target). The issue allows a move with
nothing pending at most 2,500 gas more than before.

    python bench/owner_rule.py                    # measure this build, print before / now / cost
    python bench/owner_rule.py --record COMMIT    # measure this build as the "before" of its target

`--record` is run on a scratch worktree of the commit before the fixes, with PYTHONPATH at that
worktree's src: the figures in bench/owner_rule_before.json were recorded by this script as of
commit bf55fbd (branch owner11), whose imports are those of the library before the layout move
(issue 14). `make bench` prints the comparison too (bench/run.py calls `measure_on_own_node`).

A fix that also removed a cost the before build paid (the consent's used-digest record, which
the nonce made redundant) would hide what the other fixes cost: for such a move the json holds,
under "variants", the before build measured without that cost alone (a scratch worktree of the
commit with only those lines removed, median of three runs), and a second row gives the fixes'
own cost against it.
"""
import inspect
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "bench" / "owner_rule_before.json"
ALLOWED = 2_500  # gas a move with nothing pending may cost more than before the fixes
PORT = 8661

from founded import ALICE, BOB, MINTER, RESELLER, RETAILER, founded_brand  # noqa: E402

OPERATOR = 9  # an account alice approves; holds nothing


def evm_target() -> str:
    from luxpass.chain.artifacts import build_dir

    return json.loads((build_dir() / "BrandPassport.json").read_text())["compiler"]["evm_version"]


def measure(signer) -> dict:
    """Gas of each move with nothing pending, on a fresh deployment on the chain `signer(N)` signs for."""
    from luxpass import Collection, sign_resale_consent, submit_resale

    address, minter, retailer = founded_brand(signer)
    alice, bob = (Collection(signer(n), address) for n in (ALICE, BOB))
    ids = [int(minter.mint({"serial": f"OWNER-RULE-{n}"}).passport_id, 16) for n in range(3)]

    def gas(chain, call):
        return chain.sender.transact(call)["gasUsed"]

    figures = {}
    receipt = retailer.chain.w3.eth.get_transaction_receipt
    figures["first sale"] = receipt(retailer.first_sale(ids[0], signer(ALICE).address).tx)["gasUsed"]
    retailer.first_sale(ids[1], signer(ALICE).address)
    retailer.first_sale(ids[2], signer(BOB).address)
    a, b, nobody = signer(ALICE).address, signer(BOB).address, signer(3).address
    moves = alice.contract.functions
    figures["owner's move to a holder of none"] = gas(alice.chain, moves.transferFrom(a, nobody, ids[1]))
    figures["owner's move to a holder of one"] = gas(alice.chain, moves.transferFrom(a, b, ids[0]))
    figures["owner's safe move"] = gas(bob.chain, bob.contract.functions.safeTransferFrom(b, a, ids[0]))
    gas(alice.chain, moves.approve(signer(OPERATOR).address, ids[0]))
    operator = Collection(signer(OPERATOR), address)
    figures["approved operator's move"] = gas(operator.chain, operator.contract.functions.transferFrom(a, b, ids[0]))
    args = [Collection(signer(BOB), address), ids[0], None, "EUR 3,900", 2**40]
    if "reseller" in inspect.signature(sign_resale_consent).parameters:  # consents name their reseller since the fixes
        args.append(signer(RESELLER).address)
    resale = submit_resale(Collection(signer(RESELLER), address), sign_resale_consent(*args), a)
    figures["resale with consent"] = receipt(resale.tx)["gasUsed"]
    return figures


def compare(figures: dict, target: str, print_line=print) -> list[tuple[str, int, int | None]]:
    """Print before / now / cost for each move; return (name, now, before) rows. Where the fixes
    also removed a cost that `before` paid (a variant of the before build without it, recorded
    beside it), a second row gives the fixes' own cost against that variant, so that the saving
    does not hide it."""
    before = json.loads(BEFORE.read_text()).get(target) if BEFORE.exists() else None
    if before is None:
        print_line(f"  owner rule (issue 11), {target} build: no figures from before the fixes in {BEFORE.name}")
    else:
        print_line(f"  owner rule (issue 11), {target} build: before = {before['commit']} ({before['note']}); "
                   f"a move with nothing pending may cost at most {ALLOWED:,} more")
    rows = []

    def row(name, now, was, indent=4):
        rows.append((name, now, was))
        shown = "?" if was is None else f"{was:,}"
        cost = "" if was is None else f"{now - was:+,}" + ("" if now - was <= ALLOWED else "  over the allowance")
        print_line(f"{'':{indent}}{name:<{44 - indent}} {shown:>9} -> {now:>9,} gas  {cost}")

    variants = before.get("variants", {}) if before else {}
    for name, now in figures.items():
        row(name, now, before["figures"].get(name) if before else None)
        for variant, recorded in variants.items():
            if name in recorded["figures"]:
                was, full = recorded["figures"][name], before["figures"][name]
                print_line(f"      the fixes alone, against {before['commit']} {variant} ({recorded['note']}; "
                           f"that cost {full - was:,} gas, and the fixes made it redundant):")
                row(f"{name}, the fixes alone", now, was, indent=6)
    return rows


def _node_signer():
    from luxpass import Chain, dev_account

    return lambda index: Chain(f"http://127.0.0.1:{PORT}", dev_account(index, 31337), log=lambda _: None,
                               confirmations=0)


def measure_on_own_node() -> dict:
    """`measure` on a node and a luxpass home of its own, so that its accounts hold nothing else."""
    work = Path(tempfile.mkdtemp(prefix="luxpass-owner-rule-"))
    home = os.environ.get("LUXPASS_HOME")
    os.environ["LUXPASS_HOME"] = str(work / "home")
    from luxpass.chain import node

    node.start(work / "node", PORT)
    try:
        return measure(_node_signer())
    finally:
        node.stop(work / "node")
        shutil.rmtree(work, ignore_errors=True)
        if home is None:
            os.environ.pop("LUXPASS_HOME")
        else:
            os.environ["LUXPASS_HOME"] = home


def main(argv: list[str]) -> int:
    if argv and (argv[0] != "--record" or len(argv) != 2):
        print("usage: owner_rule.py [--record COMMIT]", file=sys.stderr)
        return 2
    figures, target = measure_on_own_node(), evm_target()
    if argv:
        recorded = json.loads(BEFORE.read_text()) if BEFORE.exists() else {}
        recorded[target] = {"commit": argv[1], "note": f"measured by this script on that commit's {target} build",
                            "figures": figures}
        BEFORE.write_text(json.dumps(recorded, indent=2) + "\n")
        print(f"{target} before the fixes ({argv[1]}): " + ", ".join(f"{k} {v:,}" for k, v in figures.items()))
        return 0
    compare(figures, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
