"""`make bench-net`: passports minted a second and listings screened a second on the
consortium's own chain, four geth nodes under Clique and the L1 on four avalanchego validators
(each house on its own node, the bulk mint through the first house's), beside the same figures on
one Anvil, in one run; and for each engine the time from a mint's send to final (Anvil: its
block; Clique: `consortium_confirmations` blocks; Avalanche: accepted). Without the binaries
`make avalanche` builds it says which are missing and fails before measuring anything. Prints the
figures and the machine's load; asserts nothing."""
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="luxpass-bench-net-"))
os.environ["LUXPASS_HOME"] = str(WORK / "home")

from luxpass import (  # noqa: E402 (LUXPASS_HOME first)
    Chain,
    Collection,
    Founder,
    Listing,
    deploy,
    dev_account,
    load_keystore,
    mint_csv,
    open_consortium,
    screen,
)
from luxpass import LuxpassError  # noqa: E402
from luxpass.avalanche import config as av_config  # noqa: E402
from luxpass.avalanche import network as av_network  # noqa: E402
from luxpass.avalanche import tools as av_tools  # noqa: E402
from luxpass.consortium import config as net  # noqa: E402
from luxpass.consortium import network  # noqa: E402
from luxpass.consortium.node import geth_binary  # noqa: E402
from luxpass.chain import node  # noqa: E402

ANVIL_PORT = 8659
NET_BASE_PORT = 8620  # the tests use 8600-8603
AVALANCHE_BASE_PORT = 9760  # tests/avalanche use 9700-9727, the demo 9740-9747
SINGLE_MINTS = int(os.environ.get("LUXPASS_BENCH_NET_SINGLE", "5"))  # minted one at a time, each timed to final
PASSPORTS = int(os.environ.get("LUXPASS_BENCH_NET_PASSPORTS", "2000"))
LISTINGS = int(os.environ.get("LUXPASS_BENCH_NET_LISTINGS", "20000"))
BATCH = 150


def products_csv(path: Path, count: int) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["serial", "model", "material", "made_in", "price_eur"])
        writer.writerows([f"NET-{n:06d}", "Tote Grande", "calfskin", "Italy", 4800] for n in range(count))
    return path


def measure(name: str, houses: list[Chain]) -> dict:
    """Deploy with the first three houses as founders; the first mints in bulk and screens."""
    quiet = houses[0]
    deploy(quiet, [Founder(n, n[:3].upper(), c.address) for n, c in zip(net.HOUSES, houses[:3])])
    consortium = open_consortium(quiet)
    collection = Collection(quiet, consortium.brand(1).collection)
    collection.set_role("minter", quiet.address, True)
    folder = WORK / f"{name}-mint"
    folder.mkdir()
    start = time.perf_counter()
    bulk = mint_csv(collection, products_csv(folder / "products.csv", PASSPORTS), folder / "mint", batch_size=BATCH)
    minted = bulk.rows / (time.perf_counter() - start)
    ids = [int(row["passport_id"], 16) for row in csv.DictReader(open(folder / "mint" / "passports.csv"))]
    listings = [Listing(n, str(n), collection.address, ids[n % len(ids)], quiet.address) for n in range(LISTINGS)]
    start = time.perf_counter()
    verdicts = screen(consortium, listings)
    screened = len(listings) / (time.perf_counter() - start)
    if not all(v.authentic for v in verdicts):
        raise SystemExit(f"{name}: a genuine listing was not screened authentic")
    finals = []
    for n in range(SINGLE_MINTS):
        start = time.perf_counter()
        collection.mint({"serial": f"{name.upper()}-FINAL-{n}"})  # returns once final
        finals.append(time.perf_counter() - start)
    return {"minted": minted, "screened": screened, "confirmations": quiet.sender.confirmations,
            "final": statistics.median(finals), "final_range": (min(finals), max(finals))}


def on_anvil() -> dict:
    folder = WORK / "anvil"
    node.start(folder, ANVIL_PORT)
    try:
        url = f"http://127.0.0.1:{ANVIL_PORT}"
        return measure("anvil", [Chain(url, dev_account(i, 31337), log=lambda _: None) for i in range(3)])
    finally:
        node.stop(folder)


def on_consortium_net() -> dict:
    folder = WORK / "net"
    states = network.up(folder, geth_binary, base_port=NET_BASE_PORT)
    try:
        houses = [Chain(s.rpc_url, load_keystore(Path(s.keystore), net.password_file(folder, s.house).read_text()),
                        log=lambda _: None) for s in states]
        return measure("net", houses)
    finally:
        network.down(folder)


def on_avalanche(tools: av_tools.Tools) -> dict:
    folder = WORK / "avalanche"
    config = av_network.up(folder, tools, av_config.HOUSES, AVALANCHE_BASE_PORT, None, log=lambda _: None)
    try:
        houses = [Chain(config.rpc_url(h), av_config.house_account(folder, h), log=lambda _: None)
                  for h in config.houses]
        return measure("avalanche", houses)
    finally:
        av_network.down(folder)


def main() -> int:
    try:
        tools = av_tools.find()
    except LuxpassError as exc:
        shutil.rmtree(WORK, ignore_errors=True)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    load = os.getloadavg()
    began = time.monotonic()
    try:
        results = {"Anvil": on_anvil(), "4 geth nodes, Clique 1 s": on_consortium_net(),
                   "4 avalanchego, subnet-evm L1": on_avalanche(tools)}
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print(f"\n{PASSPORTS:,} passports in batches of {BATCH}, {LISTINGS:,} listings screened; send to final: "
          f"median of {SINGLE_MINTS} single mints (min-max)")
    print(f"  {'':<30}" + "".join(f" {name:>30}" for name in results))
    rows = (("passports minted a second", lambda r: f"{r['minted']:,.1f}"),
            ("listings screened a second", lambda r: f"{r['screened']:,.1f}"),
            ("confirmations waited for", lambda r: str(r["confirmations"])),
            ("send to final, one mint (s)", lambda r: f"{r['final']:.2f} ({r['final_range'][0]:.2f}-{r['final_range'][1]:.2f})"))
    for label, cell in rows:
        print(f"  {label:<30}" + "".join(f" {cell(r):>30}" for r in results.values()))
    print(f"  load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores); "
          f"{time.monotonic() - began:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
