"""`make bench-net`: passports minted a second and screening listings a second on the
consortium's own chain (four geth nodes under Clique, each house on its own node), beside the
same figures on one Anvil, in one run. Prints the figures; asserts nothing."""
import csv
import os
import shutil
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
from luxpass.consortium import config as net  # noqa: E402
from luxpass.consortium import network  # noqa: E402
from luxpass.consortium.node import geth_binary  # noqa: E402
from luxpass.chain import node  # noqa: E402

ANVIL_PORT = 8659
NET_BASE_PORT = 8620  # the tests use 8600-8603
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
    return {"minted": minted, "screened": screened, "confirmations": quiet.sender.confirmations}


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


def main() -> None:
    try:
        anvil, clique = on_anvil(), on_consortium_net()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print(f"\n{PASSPORTS:,} passports in batches of {BATCH}, {LISTINGS:,} listings screened")
    print(f"  {'':<44} {'Anvil':>12} {'4 geth nodes, Clique 1 s':>26}")
    print(f"  {'passports minted a second':<44} {anvil['minted']:>12,.1f} {clique['minted']:>26,.1f}")
    print(f"  {'listings screened a second':<44} {anvil['screened']:>12,.1f} {clique['screened']:>26,.1f}")
    print(f"  {'confirmations waited for':<44} {anvil['confirmations']:>12} {clique['confirmations']:>26}")


if __name__ == "__main__":
    sys.exit(main())
