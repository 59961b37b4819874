"""Gas and size of the current build (`brownie compile`), under its EVM target, into bench/targets.json.

`make bench-targets` builds each target in turn and runs this once per build, then prints them
side by side (`python bench/targets.py --table`).
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8659
WORK = Path(tempfile.mkdtemp(prefix="luxpass-targets-"))
os.environ["LUXPASS_HOME"] = str(WORK / "home")
os.environ.setdefault("LUXPASS_BUILD", str(ROOT / "build" / "contracts"))  # the target just built

from luxpass import Chain, Collection, dev_account, sign_resale_consent, submit_resale  # noqa: E402 (LUXPASS_HOME first)
from luxpass.chain import node  # noqa: E402
from luxpass.chain.artifacts import artifact, build_dir  # noqa: E402

from founded import ALICE, BOB, MINTER, RESELLER, RETAILER, founded_brand  # noqa: E402

RESULTS = ROOT / "bench" / "targets.json"


def signer(index: int) -> Chain:
    return Chain(f"http://127.0.0.1:{PORT}", dev_account(index, 31337), log=lambda _: None, confirmations=0)


def receipt_gas(chain: Chain, tx: str) -> int:
    return chain.w3.eth.get_transaction_receipt(tx)["gasUsed"]


def measure() -> dict:
    figures = {}
    for name in ("ConsortiumRegistry", "BrandPassport", "CounterfeitCases"):
        figures[f"{name} deployed bytes"] = len(artifact(name)["deployedBytecode"].removeprefix("0x")) // 2
    address, minter, retailer = founded_brand(signer)
    minted = [minter.mint({"serial": f"TGT-{n}"}) for n in range(3)]
    figures["mint, gas"] = receipt_gas(minter.chain, minted[-1].tx)
    sold = int(minted[-1].passport_id, 16)
    figures["first sale, gas"] = receipt_gas(retailer.chain, retailer.first_sale(sold, signer(ALICE).address).tx)
    alice = Collection(signer(ALICE), address)
    figures["private transfer, gas"] = receipt_gas(alice.chain, alice.transfer(sold, signer(BOB).address).tx)
    consent = sign_resale_consent(Collection(signer(BOB), address), sold, None, "EUR 3,900", 2**40,
                                  signer(RESELLER).address)
    resale = submit_resale(Collection(signer(RESELLER), address), consent, signer(ALICE).address)
    figures["resale with consent, gas"] = receipt_gas(minter.chain, resale.tx)
    return figures


def table() -> None:
    results = json.loads(RESULTS.read_text())
    targets = [t for t in ("paris", "shanghai", "cancun") if t in results] + sorted(
        t for t in results if t not in ("paris", "shanghai", "cancun"))
    print(f"| {'':<34} | " + " | ".join(targets) + " |")
    print("| --- |" + " ---: |" * len(targets))
    for name in results[targets[0]]:
        print(f"| {name:<34} | " + " | ".join(f"{results[t][name]:,}" for t in targets) + " |")


def main() -> None:
    if sys.argv[1:] == ["--table"]:
        return table()
    target = os.environ.get("LUXPASS_TARGET_LABEL") or json.loads((build_dir() / "BrandPassport.json").read_text())["compiler"]["evm_version"]
    folder = WORK / "node"
    node.start(folder, PORT)
    try:
        figures = measure()
    finally:
        node.stop(folder)
        shutil.rmtree(WORK, ignore_errors=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[target] = figures
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{target}: " + ", ".join(f"{k} {v:,}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
