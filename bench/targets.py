"""Gas and size of each EVM target side by side (`make bench` runs it; so does `make bench-targets`).

Each target (paris, shanghai, cancun) is built by brownie in its own project folder,
build/targets/TARGET (links to contracts/, interfaces/, node_modules and brownie-config.yaml), so
the default build in build/ stays as it is and a target whose sources did not change is not built
again. Each build is then measured on a fresh Anvil in a process of its own (`--measure TARGET`):
deployed sizes and the gas of the common operations. Writes bench/targets.json and docs/results.md's
table under "The EVM target". Gas is deterministic up to a few gas from the zero bytes of the random
passport ids in the calldata, so one run a target is enough.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("paris", "shanghai", "cancun")
DEFAULT = "paris"  # brownie-config.yaml's evm_version
PORT = 8659
RESULTS = ROOT / "bench" / "targets.json"
LINKED = ("contracts", "interfaces", "node_modules", "brownie-config.yaml")
SIZE_LIMIT = 24_576  # EIP-170


def project(target: str) -> Path:
    """The brownie project folder that builds `target`."""
    folder = ROOT / "build" / "targets" / target
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(ROOT / name, folder))
    return folder


def build(target: str) -> Path:
    folder = project(target)
    brownie = Path(sys.executable).with_name("brownie")
    env = {**os.environ, "LUXPASS_EVM": target}
    done = subprocess.run([str(brownie), "compile"], cwd=folder, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"error: building for {target} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return folder / "build" / "contracts"


def measure() -> dict:
    """The figures of the build LUXPASS_BUILD names, on a fresh Anvil."""
    from eth_utils import keccak

    from luxpass import Chain, Collection, dev_account, sign_resale_consent, submit_resale
    from luxpass.chain import node
    from luxpass.chain.artifacts import artifact

    from founded import ALICE, BOB, MINTER, RESELLER, founded_brand

    def signer(index: int) -> Chain:
        return Chain(f"http://127.0.0.1:{PORT}", dev_account(index, 31337), log=lambda _: None, confirmations=0)

    def receipt_gas(chain: Chain, tx) -> int:
        return chain.w3.eth.get_transaction_receipt(tx)["gasUsed"]

    figures = {}
    for name in ("ConsortiumRegistry", "BrandPassport", "CounterfeitCases"):
        figures[f"{name} deployed bytes"] = len(artifact(name)["deployedBytecode"].removeprefix("0x")) // 2
    folder = Path(os.environ["LUXPASS_HOME"]) / "node"
    node.start(folder, PORT)
    try:
        address, minter, retailer = founded_brand(signer)
        minted = [minter.mint({"serial": f"TGT-{n}"}) for n in range(3)]
        figures["mint, gas"] = receipt_gas(minter.chain, minted[-1].tx)
        batch = [keccak(text=f"targets:batch:{n}") for n in range(100)]
        figures["batch mint of 100, gas a passport"] = minter.chain.sender.transact(
            minter.contract.functions.mintBatch(minter.chain.address, batch))["gasUsed"] // 100
        sold = int(minted[-1].passport_id, 16)
        figures["first sale, gas"] = receipt_gas(retailer.chain, retailer.first_sale(sold, signer(ALICE).address).tx)
        alice = Collection(signer(ALICE), address)
        figures["private transfer, gas"] = receipt_gas(alice.chain, alice.transfer(sold, signer(BOB).address).tx)
        consent = sign_resale_consent(Collection(signer(BOB), address), sold, None, "EUR 3,900", 2**40,
                                      signer(RESELLER).address)
        resale = submit_resale(Collection(signer(RESELLER), address), consent, signer(ALICE).address)
        figures["resale with consent, gas"] = receipt_gas(minter.chain, resale.tx)
    finally:
        node.stop(folder)
    return figures


def measure_in_process(target: str, contracts: Path) -> dict:
    """`measure()` in a process of its own: the library reads one build a process."""
    work = Path(tempfile.mkdtemp(prefix=f"luxpass-targets-{target}-"))
    try:
        env = {**os.environ, "LUXPASS_BUILD": str(contracts), "LUXPASS_HOME": str(work / "home")}
        done = subprocess.run([sys.executable, __file__, "--measure"], env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"error: measuring the {target} build failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(results: dict) -> list[str]:
    lines = ["| | " + " | ".join(results) + " |", "| --- |" + " ---: |" * len(results)]
    for name in results[DEFAULT]:
        lines.append(f"| {name} | " + " | ".join(f"{results[t][name]:,}" for t in results) + " |")
    return lines


def summary(results: dict) -> str:
    """What the default target costs over each other one, in words."""
    default = results[DEFAULT]
    gas = [name for name in default if name.endswith("gas") or "gas a " in name]
    parts = []
    for other in (t for t in results if t != DEFAULT):
        worst = max(gas, key=lambda name: default[name] - results[other][name])
        extra = default[worst] - results[other][worst]
        parts.append(f"at most {extra:,} gas an operation more than {other} ({extra / results[other][worst]:.2%}, "
                     f"{worst.split(',')[0]})")
    biggest = max((n for n in default if n.endswith("bytes")), key=lambda n: default[n])
    return (f"{DEFAULT.capitalize()} costs " + ", and ".join(parts) + f". {biggest.split()[0]}, the largest, is "
            f"{default[biggest]:,} bytes on {DEFAULT}, {SIZE_LIMIT - default[biggest]:,} under the "
            f"{SIZE_LIMIT:,}-byte limit.")


def main() -> None:
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
        return
    results = {}
    for target in TARGETS:
        print(f"  building and measuring {target} …", flush=True)
        results[target] = measure_in_process(target, build(target))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    lines = table(results)
    print("\ngas and size of each EVM target (bench/targets.json)")
    print("\n".join(lines))
    print(summary(results))
    from readme import replace_section

    replace_section("targets", "\n".join(["Generated by `make bench` (bench/targets.py, one fresh Anvil a target):", "",
                                          *lines, "", summary(results)]), "EVM targets")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
