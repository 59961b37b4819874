"""`make bench`: gas and throughput of luxpass side by side with like-for-like baselines, on one
local Anvil, in one run: an OpenZeppelin ERC-721 and an ERC721A collection that each keep a bytes32
commitment per token (minted one at a time, and in the same batches as luxpass's), and a
marketplace's screening without luxpass (Multicall3 `aggregate3` over `ownerOf` and the status, and
web3.py's batched requests; bench/screening.py) against luxpass's `screen`, on the same listings,
each timed over several runs with the median reported. Prints one table, writes bench/results.json
and the tables of docs/results.md. Targets are measured and reported, never asserted."""
import csv
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8657
RPC = f"http://127.0.0.1:{PORT}"
WORK = Path(tempfile.mkdtemp(prefix="luxpass-bench-"))
os.environ["LUXPASS_HOME"] = str(WORK / "home")
os.environ.setdefault("LUXPASS_BUILD", str(ROOT / "build" / "contracts"))  # the comparison contracts too

from luxpass import (  # noqa: E402 (LUXPASS_HOME first)
    Certificate,
    Chain,
    Collection,
    Consortium,
    EventKind,
    Index,
    Listing,
    Status,
    audit,
    dev_account,
    history,
    issue_csv,
    mint_csv,
    screen,
    sign_resale_consent,
    submit_resale,
)
from luxpass.chain import node  # noqa: E402
from luxpass.chain.artifacts import artifact  # noqa: E402
from luxpass.chain.sender import MAX_TX_GAS  # noqa: E402
from luxpass.checks.screen import CHUNK  # noqa: E402
from luxpass.results import cli_name  # noqa: E402
from web3 import Web3  # noqa: E402

from founded import ALICE, BOB, MINTER, RESELLER, RETAILER, founded_brand  # noqa: E402
import owner_rule  # noqa: E402
from readme import replace_section  # noqa: E402
import screening  # noqa: E402

HISTORY_PASSPORTS = int(os.environ.get("LUXPASS_BENCH_PASSPORTS", "100000"))
RUNS = 5  # runs of each timed screening; the median is reported
COMPARED = 2_000  # listings each way of screening checks, the same ones (web3.py's batch takes ~5 ms a listing)
SCREENED = 50_000  # listings `screen` alone checks against its target
BATCH = 150  # passports a batch-mint transaction, as `luxpass mint-csv` sends them
results: list[dict] = []


def figure(name, value, unit, target=None, met=None, baseline=None, note=""):
    ratio = round(value / baseline, 3) if baseline else None
    results.append({"name": name, "value": round(value, 2), "unit": unit, "target": target,
                    "target_met": met, "baseline": baseline and round(baseline, 2), "ratio": ratio, "note": note})
    shown = f"{value:,.1f} {unit}"
    print(f"  {name:<52} {shown:>22}" + (f"   baseline {baseline:,.1f}" if baseline else "")
          + (f"   target {target}: {'met' if met else 'MISSED'}" if target else ""), flush=True)


def signer(index: int) -> Chain:
    return Chain(RPC, dev_account(index, 31337), log=lambda _: None, confirmations=0)


def gas(chain: Chain, call) -> int:
    return chain.sender.transact(call)["gasUsed"]


def products_csv(path: Path, count: int, prefix: str) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["serial", "model", "material", "made_in", "price_eur"])
        for n in range(count):
            writer.writerow([f"{prefix}-{n:06d}", "Tote Grande", "calfskin", "Italy", 4800])
    return path


def commitments(count: int, tag: str) -> list[bytes]:
    from eth_utils import keccak

    return [keccak(text=f"bench:{tag}:{n}") for n in range(count)]


def main() -> None:
    folder = WORK / "node"
    node.start(folder, PORT)
    try:
        run()
    finally:
        node.stop(folder)
        shutil.rmtree(WORK, ignore_errors=True)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    update_readme()
    print(f"\nresults written to bench/results.json ({len(results)} figures); load average "
          f"{os.getloadavg()[1]:.1f} over the last 5 minutes on {os.cpu_count()} cores")


def run() -> None:
    address, minter, retailer = founded_brand(signer)
    consortium = Consortium.open(signer(0))
    me = signer(MINTER).address
    baseline = minter.chain.sender.deploy("CommitmentERC721")[0]
    base = minter.chain.contract("CommitmentERC721", baseline)
    batch_a = minter.chain.contract("CommitmentERC721A", minter.chain.sender.deploy("CommitmentERC721A")[0])

    print("\ngas per passport")
    ids = commitments(21, "single")
    lux = [gas(minter.chain, minter.contract.functions.mint(me, c)) for c in ids]
    oz = [gas(minter.chain, base.functions.mint(me, c)) for c in ids]
    lux_single, oz_single = sum(lux[1:]) / 20, sum(oz[1:]) / 20
    figure("single mint", lux_single, "gas", "within 5% of the OZ baseline", lux_single <= oz_single * 1.05, oz_single,
           note="baseline: OpenZeppelin ERC-721 keeping a commitment a token")

    hundred = gas(minter.chain, minter.contract.functions.mintBatch(me, commitments(100, "b100"))) / 100
    a100 = gas(minter.chain, batch_a.functions.mintBatch(me, commitments(100, "a100"))) / 100
    figure("batch mint of 100, gas a passport", hundred, "gas", "<= 26,000", hundred <= 26_000, a100,
           note="baseline: ERC721A keeping a commitment a token, the same batch")
    thousand, thousand_a = commitments(1000, "b1000"), commitments(1000, "a1000")
    total = sum(gas(minter.chain, minter.contract.functions.mintBatch(me, thousand[i:i + BATCH]))
                for i in range(0, 1000, BATCH))
    a1000 = sum(gas(minter.chain, batch_a.functions.mintBatch(me, thousand_a[i:i + BATCH]))
                for i in range(0, 1000, BATCH))
    figure("batch mint of 1,000, gas a passport", total / 1000, "gas", "<= 26,000", total / 1000 <= 26_000,
           a1000 / 1000, note=f"both in {-(-1000 // BATCH)} transactions of <= {BATCH}, each under the EIP-7825 cap")

    issued = issue_csv(minter, products_csv(WORK / "issue.csv", 10_000, "MRK"), WORK / "issue")
    per_product = issued.gas_used / issued.products
    figure("batch issuance by Merkle root, per product", per_product, "gas", "<= 10", per_product <= 10,
           note=f"10,000 products, one transaction of {issued.gas_used:,} gas")

    certs = sorted((WORK / "issue" / "certificates").iterdir())
    claimed = Certificate.load(certs[0])
    claim_tx = retailer.claim(claimed, signer(ALICE).address).tx
    claim_gas = retailer.chain.w3.eth.get_transaction_receipt(claim_tx)["gasUsed"]
    figure("first-sale claim", claim_gas, "gas", "<= 70,000", claim_gas <= 70_000)

    sold = int(minter.mint({"serial": "BENCH-T1"}).passport_id, 16)
    retailer.first_sale(sold, signer(ALICE).address)
    alice = Collection(signer(ALICE), address)
    transfer_gas = gas(alice.chain, alice.contract.functions.transferFrom(signer(ALICE).address,
                                                                          signer(BOB).address, sold))
    minter.chain.sender.transact(base.functions.mint(signer(ALICE).address, ids[0]))  # baseline token 22
    as_alice = signer(ALICE)
    oz_transfer = gas(as_alice, as_alice.contract("CommitmentERC721", baseline).functions.transferFrom(
        signer(ALICE).address, signer(BOB).address, 22))
    figure("private transfer", transfer_gas, "gas", baseline=oz_transfer)
    owner_rule_cost()

    bob = Collection(signer(BOB), address)
    consent = sign_resale_consent(bob, sold, None, "EUR 3,900", 2**40, signer(RESELLER).address)
    resale = submit_resale(Collection(signer(RESELLER), address), consent, signer(ALICE).address)
    resale_gas = minter.chain.w3.eth.get_transaction_receipt(resale.tx)["gasUsed"]
    figure("resale with consent", resale_gas, "gas", "<= 80,000", resale_gas <= 80_000)
    event_gas = gas(minter.chain, minter.contract.functions.recordEvent(sold, int(EventKind.SHIPPED), b"\x11" * 32))
    figure("lifecycle event", event_gas, "gas")

    print("\nthroughput on this machine")
    start = time.perf_counter()
    bulk = mint_csv(minter, products_csv(WORK / "mint.csv", 10_000, "CSV"), WORK / "mint", batch_size=BATCH)
    rate = bulk.rows / (time.perf_counter() - start)
    figure("passports minted a second from a 10,000-row CSV", rate, "/s", ">= 1,000", rate >= 1000)

    start = time.perf_counter()
    issue_csv(minter, products_csv(WORK / "issue2.csv", 10_000, "MRK2"), WORK / "issue2")
    rate = 10_000 / (time.perf_counter() - start)
    figure("products issued a second by Merkle batch", rate, "/s")

    minted_ids = [int(row["passport_id"], 16) for row in csv.DictReader(open(WORK / "mint" / "passports.csv"))]
    screening_cost(consortium, minter, address, minted_ids)

    index = Index(consortium)
    start = time.perf_counter()
    index.sync()
    report = audit(consortium, index, [1]).report
    elapsed = time.perf_counter() - start
    figure(f"audit of {report['totals']['passports']:,} passports (index sync included)", elapsed, "s",
           note=f"{report['totals']['discrepancies']} discrepancies")

    print(f"\nminting up to {HISTORY_PASSPORTS:,} passports for the history lookup …", flush=True)
    on_chain = report["totals"]["passports"]
    more = commitments(max(HISTORY_PASSPORTS - on_chain, 0), "many")
    for i in range(0, len(more), 1200):
        sent = [minter.chain.sender.send(minter.contract.functions.mintBatch(me, more[j:j + 150]), gas=MAX_TX_GAS - 1)
                for j in range(i, min(i + 1200, len(more)), 150)]
        for tx_hash in sent:
            minter.chain.sender.wait(tx_hash)
    index.sync()
    start = time.perf_counter()
    story = history(consortium, address, sold, index)
    elapsed = (time.perf_counter() - start) * 1000
    figure(f"history of one passport with {on_chain + len(more):,} on chain", elapsed, "ms",
           note=f"{len(story.entries)} records, from the local index")

    print("\ncontract size")
    for name in ("ConsortiumRegistry", "BrandPassport", "CounterfeitCases"):
        size = len(artifact(name)["deployedBytecode"].removeprefix("0x")) // 2
        figure(f"{name} deployed size", size, "bytes", "<= 24,576", size <= 24_576)


def median_seconds(job) -> tuple[float, list[float], object]:
    """`job()` run RUNS times: the median of its wall-clock times, all of them, and its last answer."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        answer = job()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, answer


def screening_cost(consortium: Consortium, minter: Collection, address: str, minted_ids: list[int]) -> None:
    """The same listings screened by luxpass's `screen`, by Multicall3 and by web3.py's batched
    requests (a marketplace's own web3.py client, the ABI of the two functions it reads), on this
    node; each way's verdicts checked against `screen`'s, then timed. Then `screen` alone on many
    more listings, against its target."""
    me, stranger = minter.chain.address, signer(BOB).address
    for n in range(0, COMPARED, 100):  # a few reported lost or stolen, as on a real marketplace
        status = Status.STOLEN if n % 200 else Status.LOST
        minter.chain.sender.transact(minter.contract.functions.reportStatus(minted_ids[n], int(status)))
    listings = [Listing(n, str(n), address, minted_ids[n % len(minted_ids)], stranger if n % 50 == 7 else me)
                for n in range(SCREENED)]
    compared = listings[:COMPARED]
    w3 = Web3(Web3.HTTPProvider(RPC))
    multicall = screening.deploy_multicall3(consortium.chain)
    reads = w3.eth.contract(address=address, abi=[f for f in minter.contract.abi if f.get("name") in ("ownerOf", "passport")])
    ways = {
        "luxpass `screen`": lambda: [r.reason for r in screen(consortium, compared)],
        "Multicall3": lambda: [cli_name(v) for v in screening.screen_multicall3(w3, multicall, address, compared)],
        "web3.py batch": lambda: [cli_name(v) for v in screening.screen_web3_batch(reads, compared)],
    }
    print(f"\nscreening the same {COMPARED:,} listings on this node, median of {RUNS} runs "
          f"({screening.PER_REQUEST:,} listings a request for the baselines, up to {CHUNK:,} a call for `screen`)")
    rates, expected = {}, None
    for name, job in ways.items():
        median, times, verdicts = median_seconds(job)
        expected = expected or verdicts
        if verdicts != expected:
            wrong = sum(a != b for a, b in zip(verdicts, expected))
            raise SystemExit(f"error: {name} disagrees with `screen` on {wrong} of {COMPARED} listings")
        rates[name] = (COMPARED / median, f"runs {min(times):.3f}-{max(times):.3f} s")
    (lux, lux_runs), (mc, mc_runs), (batch, batch_runs) = rates.values()
    kinds = ", ".join(f"{expected.count(v):,} {v}" for v in sorted(set(expected)))
    figure(f"{COMPARED:,} listings, luxpass `screen`, a second", lux, "/s", baseline=mc,
           note=f"baseline: Multicall3; {lux_runs}; verdicts {kinds}")
    figure(f"{COMPARED:,} listings, Multicall3 ownerOf + passport, a second", mc, "/s",
           note=f"aggregate3 over the canonical Multicall3 code, eth_abi; {mc_runs}")
    figure(f"{COMPARED:,} listings, web3.py batched requests, a second", batch, "/s",
           note=f"w3.batch_requests(), ownerOf + passport through the ABI; {batch_runs}")
    figure("luxpass `screen` speed-up over Multicall3", lux / mc, "x")
    figure("luxpass `screen` speed-up over web3.py batched requests", lux / batch, "x")

    median, times, verdicts = median_seconds(lambda: screen(consortium, listings))
    many = SCREENED / median
    contract = consortium.chain.contract("BrandPassport", address)
    sample = minted_ids[:300]
    single_median, _, _ = median_seconds(lambda: [contract.functions.passportsState([pid]).call() for pid in sample])
    single = len(sample) / single_median
    figure(f"{SCREENED:,} listings, luxpass `screen`, a second", many, "/s", ">= 50,000", many >= 50_000,
           note=f"runs {min(times):.3f}-{max(times):.3f} s")
    figure("listings screened a second, one web3.py call each", single, "/s", note=f"{len(sample)} passports")
    figure("luxpass `screen` speed-up over one call each", many / single, "x", ">= 200", many / single >= 200)


def owner_rule_cost() -> None:
    """Each move with nothing pending, before issue 11's fixes and now, measured alike (bench/owner_rule.py)."""
    print()
    rows = owner_rule.compare(owner_rule.measure_on_own_node(), owner_rule.evm_target())
    for name, now, before in rows:
        if before is not None:
            figure(f"{name}, cost of the owner rule", now - before, "gas", f"<= {owner_rule.ALLOWED:,}",
                   now - before <= owner_rule.ALLOWED, note=f"{before:,} gas before, {now:,} now")
    print()


def update_readme() -> None:
    lines = ["| figure | value | target | baseline | note |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        target = "" if r["target"] is None else f"{r['target']} ({'met' if r['target_met'] else 'missed'})"
        base = "" if r["baseline"] is None else f"{r['baseline']:,} (×{r['ratio']})"
        lines.append(f"| {r['name']} | {r['value']:,} {r['unit']} | {target} | {base} | {r['note']} |")
    load = os.getloadavg()[1]  # the rates depend on what else the machine runs
    replace_section("bench", "\n".join([
        f"Generated by `make bench` on this project's machines ({os.cpu_count()} cores, shared: load average "
        f"{load:.1f} over the run's last 5 minutes); gas from receipts, rates from wall-clock time, each "
        f"screening rate the median of {RUNS} runs on the same node and listings.", "", *lines]), "Performance")


if __name__ == "__main__":
    sys.exit(main())
