"""`make bench`: gas and throughput of luxpass side by side with like-for-like baselines, on one
local Anvil, in one run: an OpenZeppelin ERC-721 and an ERC721A collection that each keep a bytes32
commitment per token (minted one at a time, and in the same batches as luxpass's), and a
marketplace's screening without luxpass (Multicall3 `aggregate3` over `ownerOf` and the status,
web3.py's batched requests, a raw JSON-RPC batch of `ownerOf`; bench/screening.py) against luxpass's
`screen`, on the same listings, each timed over several runs with the median reported; the eth_calls
screening and audits send, and how many the node refused; the CLI's start and `verify` as whole
processes. Each figure carries the machine's load (1-minute average) when it was taken. Prints one
table, writes bench/results.json and the tables of docs/results.md. Targets are measured and
reported, never asserted."""
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
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
    open_consortium,
    screen,
    sign_resale_consent,
    submit_resale,
    verify,
)
from luxpass.chain import node, rpc  # noqa: E402
from luxpass.chain.artifacts import artifact  # noqa: E402
from luxpass.chain.sender import MAX_TX_GAS  # noqa: E402
from luxpass.checks.chunks import ChunkedCalls  # noqa: E402
from luxpass.local import certificates  # noqa: E402
from luxpass.results import cli_name  # noqa: E402
import requests  # noqa: E402
from web3 import Web3  # noqa: E402

from founded import ALICE, BOB, MINTER, RESELLER, RETAILER, founded_brand  # noqa: E402
import owner_rule  # noqa: E402
from readme import RESULTS, replace_section  # noqa: E402
import screening  # noqa: E402

HISTORY_PASSPORTS = int(os.environ.get("LUXPASS_BENCH_PASSPORTS", "100000"))
RUNS = 5  # runs of each timed screening; the median is reported
COMPARED = 2_000  # listings each way of screening checks, the same ones (web3.py's batch takes ~5 ms a listing)
SCREENED = 50_000  # listings of as many distinct passports, screened by `screen` and the baselines
BATCH = 150  # passports a batch-mint transaction, as `luxpass mint-csv` sends them
results: list[dict] = []


def figure(name, value, unit, target=None, met=None, baseline=None, note=""):
    ratio = round(value / baseline, 3) if baseline else None
    load = os.getloadavg()[0]  # the rates depend on what else the machine runs
    digits = 3 if unit in ("s", "x") else 1  # a ratio's goal (<= 1.02) is in its second decimal
    results.append({"name": name, "value": round(value, max(digits, 2)), "unit": unit, "target": target,
                    "target_met": met, "baseline": baseline and round(baseline, max(digits, 2)),
                    "ratio": ratio, "load": round(load, 2), "note": note})
    print(f"  {name:<58} {value:>14,.{digits}f} {unit:<5}   load {load:4.1f}"
          + (f"   baseline {baseline:,.{digits}f}" if baseline else "")
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
    """Every figure; `python bench/run.py cli`: only the command line's; `--gas`: only the contract's
    gas figures and sizes (a minute); `screen`: only the screening's (two minutes), written into the
    rows of the same figures in docs/results.md. Any other part alone is printed, not written."""
    part = sys.argv[1] if len(sys.argv) > 1 else None
    if part not in (None, "cli", "--gas", "screen"):
        raise SystemExit(f"error: unknown part {part!r}; run bench/run.py alone, or with `cli`, `--gas` or `screen`")
    folder = WORK / "node"
    node.start(folder, PORT)
    try:
        if part == "cli":
            run_cli()
        elif part == "--gas":
            gas_figures(*founded_brand(signer))
            contract_sizes()
        elif part == "screen":
            run_screening()
        else:
            run()
    finally:
        node.stop(folder)
        shutil.rmtree(WORK, ignore_errors=True)
    if part == "screen":
        update_results_rows()
    if part:
        return
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    update_results_page()
    print(f"\nresults written to bench/results.json ({len(results)} figures); load average "
          f"{os.getloadavg()[1]:.1f} over the last 5 minutes on {os.cpu_count()} cores")


def run_cli() -> None:
    """The command line's figures alone, on a brand founded for them (`python bench/run.py cli`)."""
    _, minter, _ = founded_brand(signer)
    whole_processes(open_consortium(signer(0)), Path(certificates.mint(minter, {"serial": "BENCH-V1"}).certificate_file))


def run_screening() -> None:
    """The screening's figures alone, on SCREENED passports minted for them (`python bench/run.py screen`)."""
    address, minter, _ = founded_brand(signer)
    print(f"\nminting {SCREENED:,} passports for the screening …", flush=True)
    screening_cost(open_consortium(signer(0)), minter, address, mint_many(minter, SCREENED, "screened"))


def run() -> None:
    address, minter, retailer = founded_brand(signer)
    consortium = open_consortium(signer(0))
    sold = gas_figures(address, minter, retailer)

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
    whole_processes(consortium, Path(certificates.mint(minter, {"serial": "BENCH-V1"}).certificate_file))

    print(f"\nminting up to {SCREENED:,} passports for the screening …", flush=True)
    minted_ids += mint_many(minter, SCREENED - len(minted_ids), "screened")
    screening_cost(consortium, minter, address, minted_ids)

    index = Index(consortium)
    start = time.perf_counter()
    index.sync()
    calls = ChunkedCalls(consortium.chain)
    report = audit(consortium, index, [1], calls=calls).report
    elapsed = time.perf_counter() - start
    audited = report["totals"]["passports"]
    figure(f"audit of {audited:,} passports (index sync included)", elapsed, "s",
           note=f"{report['totals']['discrepancies']} discrepancies")
    call_counts(f"audit of {audited:,} passports", calls)

    print(f"\nminting up to {HISTORY_PASSPORTS:,} passports for the history lookup …", flush=True)
    mint_many(minter, HISTORY_PASSPORTS - audited, "many")
    index.sync()
    from_index, _, story = median_seconds(lambda: history(consortium, address, sold, index))
    from_logs, _, _ = median_seconds(lambda: history(consortium, address, sold))
    figure(f"history of one passport with {max(audited, HISTORY_PASSPORTS):,} on chain", from_index * 1000, "ms",
           baseline=from_logs * 1000,
           note=f"{len(story.entries)} records, from the local index; baseline: the same from the node's logs")

    contract_sizes()


def contract_sizes() -> None:
    print("\ncontract size")
    for name in ("ConsortiumRegistry", "BrandPassport", "CounterfeitCases"):
        size = len(artifact(name)["deployedBytecode"].removeprefix("0x")) // 2
        figure(f"{name} deployed size", size, "bytes", "<= 24,576", size <= 24_576)


def gas_figures(address: str, minter: Collection, retailer: Collection) -> int:
    """The gas of each write against its baseline; the passport sold to Bob, for the figures after."""
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
    figure("batch mint of 1,000 against ERC721A, the same batches", total / a1000, "x", "<= 1.02 (issue 23)",
           total / a1000 <= 1.02)

    issued = issue_csv(minter, products_csv(WORK / "issue.csv", 10_000, "MRK"), WORK / "issue")
    per_product = issued.gas_used / issued.products
    figure("batch issuance by Merkle root, per product", per_product, "gas", "<= 10", per_product <= 10,
           note=f"10,000 products, one transaction of {issued.gas_used:,} gas")

    certs = sorted((WORK / "issue" / "certificates").iterdir())
    for cert, buyer, goal in ((certs[0], "a fresh buyer", 110_000), (certs[1], "a holder of one", 90_000)):
        claim_tx = retailer.claim(Certificate.load(cert), signer(ALICE).address).tx
        claim_gas = retailer.chain.w3.eth.get_transaction_receipt(claim_tx)["gasUsed"]
        figure(f"first-sale claim to {buyer}", claim_gas, "gas", f"<= {goal:,} (issue 23)", claim_gas <= goal,
               note=f"a {len(Certificate.load(cert).batch.proof)}-hash proof")

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
    figure("resale with consent", resale_gas, "gas", "<= 78,000 (issue 23)", resale_gas <= 78_000)
    event_gas = gas(minter.chain, minter.contract.functions.recordEvent(sold, int(EventKind.SHIPPED), b"\x11" * 32))
    figure("lifecycle event", event_gas, "gas")
    return sold


def median_seconds(job, runs: int = RUNS) -> tuple[float, list[float], object]:
    """`job()` run `runs` times: the median of its wall-clock times, all of them, and its last answer."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = job()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, answer


def mint_many(minter: Collection, count: int, tag: str) -> list[int]:
    """`count` more passports to the minter, by batches of 150 sent 8 at a time; their ids."""
    more = commitments(max(count, 0), tag)
    me = minter.chain.address
    for i in range(0, len(more), 1200):
        sent = [minter.chain.sender.send(minter.contract.functions.mintBatch(me, more[j:j + BATCH]), gas=MAX_TX_GAS - 1)
                for j in range(i, min(i + 1200, len(more)), BATCH)]
        for tx_hash in sent:
            minter.chain.sender.wait(tx_hash)
    return [int.from_bytes(c, "big") for c in more]


def whole_processes(consortium: Consortium, certificate_file: Path) -> None:
    """The command line as a user starts it, a new process each time: `luxpass --version`, `--help`
    (beside `python -c pass`), and `luxpass verify CERT` against this node (beside `verify()` in
    this process, where the library is already imported). Each is run once before it is timed, with
    the bytecode cache on (in a folder of its own), as an installed package has its modules compiled:
    a PYTHONDONTWRITEBYTECODE=1 environment would have every run compile luxpass from source."""
    env = {key: value for key, value in os.environ.items() if key not in ("LUXPASS_BUILD", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    script = Path(sys.executable).with_name("luxpass")
    luxpass = [str(script)] if script.exists() else [sys.executable, "-m", "luxpass"]
    cpu: list[float] = []  # each process's CPU seconds (user + system): what a loaded machine inflates least

    def process(*args):
        def run():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(list(args), env=env, capture_output=True, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        return run

    def whole(*args) -> tuple[float, str]:
        process(*args)()  # compiles what it imports into the cache
        cpu.clear()
        elapsed, times, _ = median_seconds(process(*args))
        return elapsed, f"runs {min(times):.3f}-{max(times):.3f} s, CPU {statistics.median(cpu):.3f} s (median)"

    print(f"\nthe command line, whole processes, median of {RUNS}")
    bare, _ = whole(sys.executable, "-c", "pass")
    for option in ("--version", "--help"):
        elapsed, runs = whole(*luxpass, option)
        figure(f"luxpass {option}, whole process", elapsed, "s", "<= 0.3 s idle", elapsed <= 0.3, bare,
               note=f"baseline: python -c pass; {runs}")
    elapsed, runs = whole(*luxpass, "verify", str(certificate_file), "--rpc-url", RPC)
    certificate = Certificate.load(certificate_file)
    library, _, _ = median_seconds(lambda: verify(consortium, certificate.collection, certificate.passport_id,
                                                  certificate))
    figure("luxpass verify CERT against this node, whole process", elapsed, "s", "<= 1 s idle", elapsed <= 1, library,
           note=f"baseline: verify() in this process; {runs}")
    timed = subprocess.run([sys.executable, "-X", "importtime", "-m", "luxpass", "verify", str(certificate_file),
                            "--rpc-url", RPC], env=env, capture_output=True, text=True, check=True).stderr.splitlines()
    imports = [line.split("|") for line in timed if line.startswith("import time:")][1:]  # below the header
    figure("modules luxpass verify CERT imports", len(imports), "modules",
           note=f"python -X importtime: {sum(int(line[0].split(':')[1]) for line in imports) / 1e6:.3f} s importing")


def call_counts(what: str, calls: ChunkedCalls) -> None:
    counts = calls.counts
    figure(f"eth_calls of the {what}", counts.calls, "calls",
           note=f"chunks of {', '.join(f'{size:,} ({kind})' for kind, size in calls.sizes.items())}, sized from "
                f"{counts.estimates} gas estimate(s) and a call gas cap of {calls.chain.call_gas:,}")
    figure(f"eth_calls refused in the {what}", counts.refused, "calls", "0", counts.refused == 0)


def screening_cost(consortium: Consortium, minter: Collection, address: str, minted_ids: list[int]) -> None:
    """The same listings screened by luxpass's `screen` and by what a marketplace would write
    without it, on this node; each way's verdicts checked against `screen`'s, then timed: first
    COMPARED listings by Multicall3 and by web3.py's batched requests (a marketplace's own web3.py
    client, the ABI of the two functions it reads), then SCREENED listings of as many distinct
    passports by Multicall3 and by a raw JSON-RPC batch of `ownerOf` (requests, no web3)."""
    me, stranger = minter.chain.address, signer(BOB).address
    for n in range(0, COMPARED, 100):  # a few reported lost or stolen, as on a real marketplace
        status = Status.STOLEN if n % 200 else Status.LOST
        minter.chain.sender.transact(minter.contract.functions.reportStatus(minted_ids[n], int(status)))
    listings = [Listing(n, str(n), address, minted_ids[n], stranger if n % 50 == 7 else me) for n in range(SCREENED)]
    compared = listings[:COMPARED]
    w3 = Web3(Web3.HTTPProvider(RPC))
    multicall = screening.deploy_multicall3(consortium.chain)
    reads = w3.eth.contract(address=address, abi=[f for f in minter.contract.abi if f.get("name") in ("ownerOf", "passport")])
    print(f"\nscreening the same {COMPARED:,} listings on this node, median of {RUNS} runs "
          f"({screening.PER_REQUEST:,} listings a request for the baselines)")
    (lux, lux_runs), (mc, mc_runs), (batch, batch_runs) = timed_ways(compared, {
        "luxpass `screen`": lambda: screen(consortium, compared).reasons,
        "Multicall3": lambda: [cli_name(v) for v in screening.screen_multicall3(w3, multicall, address, compared)],
        "web3.py batch": lambda: [cli_name(v) for v in screening.screen_web3_batch(reads, compared)],
    }).values()
    figure(f"{COMPARED:,} listings, luxpass `screen`, a second", lux, "/s", baseline=mc,
           note=f"baseline: Multicall3; {lux_runs}")
    figure(f"{COMPARED:,} listings, Multicall3 ownerOf + passport, a second", mc, "/s",
           note=f"aggregate3 over the canonical Multicall3 code, eth_abi; {mc_runs}")
    figure(f"{COMPARED:,} listings, web3.py batched requests, a second", batch, "/s",
           note=f"w3.batch_requests(), ownerOf + passport through the ABI; {batch_runs}")
    figure("luxpass `screen` speed-up over Multicall3", lux / mc, "x")
    figure("luxpass `screen` speed-up over web3.py batched requests", lux / batch, "x")

    print(f"\nscreening {SCREENED:,} listings of {SCREENED:,} distinct passports, median of {RUNS} runs")
    session, calls = requests.Session(), []
    owner_only = {"authentic", "seller-not-owner", "no-such-passport"}  # what ownerOf alone tells

    def screened():
        calls.append(ChunkedCalls(consortium.chain))  # a new one each run, as each `luxpass screen` has
        return screen(consortium, listings, calls=calls[-1]).reasons

    (many, many_runs), (raw, raw_runs), (mc, mc_runs) = timed_ways(listings, {
        "luxpass `screen`": screened,
        "raw JSON-RPC batch of ownerOf": lambda: [cli_name(v) for v in screening.screen_raw_batch(session, RPC, address,
                                                                                                  listings)],
        "Multicall3": lambda: [cli_name(v) for v in screening.screen_multicall3(w3, multicall, address, listings)],
    }, agrees={"raw JSON-RPC batch of ownerOf": lambda ours, theirs: ours not in owner_only or ours == theirs}).values()
    figure(f"{SCREENED:,} listings of as many passports, luxpass `screen`, a second", many, "/s", ">= 50,000",
           many >= 50_000, raw, note=f"baseline: the raw JSON-RPC batch; {many_runs}")
    figure(f"{SCREENED:,} listings, raw JSON-RPC batch of ownerOf, a second", raw, "/s",
           note=f"{screening.PER_REQUEST:,} eth_calls a POST, requests and json; {raw_runs}")
    figure(f"{SCREENED:,} listings, Multicall3 ownerOf + passport, a second", mc, "/s", note=mc_runs)
    figure("luxpass `screen` speed-up over the raw JSON-RPC batch of ownerOf", many / raw, "x", ">= 10", many / raw >= 10)
    figure("luxpass `screen` speed-up over Multicall3, the same listings", many / mc, "x", ">= 25", many / mc >= 25)
    call_counts(f"screening of {SCREENED:,} listings", calls[-1])
    screen_gas(consortium, address, listings)

    contract = consortium.chain.contract("BrandPassport", address)
    sample = minted_ids[:300]
    single_median, _, _ = median_seconds(lambda: [contract.functions.passportsState([pid]).call() for pid in sample])
    single = len(sample) / single_median
    figure("listings screened a second, one web3.py call each", single, "/s", note=f"{len(sample)} passports")
    figure("luxpass `screen` speed-up over one call each", many / single, "x", ">= 200", many / single >= 200)


def screen_gas(consortium: Consortium, address: str, listings: list[Listing]) -> None:
    """The contract gas of `screen` a listing that names its seller: the gas estimate of 1,001
    listings less that of one, over 1,000; with the calldata's share apart (16 gas a nonzero byte,
    4 a zero one)."""
    target = Collection(consortium.chain, address)

    def estimated(part):
        call = target.screen_call([l.passport_id for l in part], [l.seller for l in part])
        tx = {"to": call.to, "data": "0x" + call.data.hex()}
        return int(rpc.request(consortium.chain.w3, "eth_estimateGas", [tx]), 16), call.data

    (one, one_data), (many, many_data) = estimated(listings[:1]), estimated(listings[:1001])
    extra = many_data[len(one_data):]  # not the same bytes, but as many zero and nonzero ones
    calldata = (sum(16 if b else 4 for b in many_data) - sum(16 if b else 4 for b in one_data)) / 1000
    each = (many - one) / 1000
    figure("contract gas of `screen`, a listing", each, "gas", "<= 6,500 (issue 23)", each <= 6_500,
           note=f"eth_estimateGas of 1,001 listings less 1; {calldata:,.0f} of it calldata ({len(extra) // 1000} bytes a "
                "listing), the rest execution")


def timed_ways(listings: list[Listing], ways: dict, agrees: dict | None = None) -> dict:
    """Each way's rate on `listings` (the median of RUNS runs, the ways taking turns, so that a
    change in the machine's load falls on each alike) and the range of its runs, once its verdicts
    agree with those of the first way (`agrees[name](first's, its)` for one that tells less)."""
    times: dict[str, list[float]] = {name: [] for name in ways}
    answers: dict[str, list] = {}
    for _ in range(RUNS):
        for name, job in ways.items():
            start = time.perf_counter()
            answers[name] = job()
            times[name].append(time.perf_counter() - start)
    expected = next(iter(answers.values()))
    rates = {}
    for name, verdicts in answers.items():
        same = (agrees or {}).get(name, lambda ours, theirs: ours == theirs)
        wrong = sum(not same(ours, theirs) for ours, theirs in zip(expected, verdicts))
        if wrong or len(verdicts) != len(expected):
            raise SystemExit(f"error: {name} disagrees with `screen` on {wrong} of {len(listings)} listings")
        rates[name] = (len(listings) / statistics.median(times[name]),
                       f"runs {min(times[name]):.3f}-{max(times[name]):.3f} s")
    kinds = ", ".join(f"{expected.count(v):,} {v}" for v in sorted(set(expected)))
    print(f"  (verdicts: {kinds})")
    return rates


def owner_rule_cost() -> None:
    """Each move with nothing pending, before issue 11's fixes and now, measured alike (bench/owner_rule.py)."""
    print()
    rows = owner_rule.compare(owner_rule.measure_on_own_node(), owner_rule.evm_target())
    for name, now, before in rows:
        if before is not None:
            figure(f"{name}, cost of the owner rule", now - before, "gas", f"<= {owner_rule.ALLOWED:,}",
                   now - before <= owner_rule.ALLOWED, note=f"{before:,} gas before, {now:,} now")
    print()


def update_results_rows() -> None:
    """The rows of docs/results.md's table that name this run's figures, each replaced by its new
    value and load (a part run alone: the other rows keep the full run's)."""
    rows = {r["name"]: table_row(r) for r in results}
    text = RESULTS.read_text().splitlines()
    found = [n for n, line in enumerate(text) if line.startswith("| ") and line[2:].split(" | ")[0] in rows]
    for n in found:
        text[n] = rows[text[n][2:].split(" | ")[0]]
    RESULTS.write_text("\n".join(text) + "\n")
    print(f"\n{len(found)} of {len(rows)} figures written into {RESULTS.relative_to(ROOT)}")


def table_row(r: dict) -> str:
    target = "" if r["target"] is None else f"{r['target']} ({'met' if r['target_met'] else 'missed'})"
    base = "" if r["baseline"] is None else f"{r['baseline']:,} (×{r['ratio']})"
    return f"| {r['name']} | {r['value']:,} {r['unit']} | {r['load']} | {target} | {base} | {r['note']} |"


def update_results_page() -> None:
    """The table of docs/results.md: each figure with the 1-minute load it was taken at."""
    lines = ["| figure | value | load | target | baseline | note |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [table_row(r) for r in results]
    load = os.getloadavg()[1]  # the rates depend on what else the machine runs
    replace_section("bench", "\n".join([
        f"Generated by `make bench` on this project's machines ({os.cpu_count()} cores, shared: load average "
        f"{load:.1f} over the run's last 5 minutes); gas from receipts, rates from wall-clock time, each "
        f"screening rate the median of {RUNS} runs on the same node and listings.", "", *lines]), "Performance")


if __name__ == "__main__":
    sys.exit(main())
