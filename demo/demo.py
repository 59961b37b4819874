"""`make demo`: the main job of luxpass, told step by step on a local chain that it starts.

Every step runs the real `luxpass` command, as a brand, a retailer, an owner or the council
would; only the counterfeiter uses the library directly, as a forger would use any tool."""
import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from luxpass import Certificate, Chain, dev_account, dev_address, new_salt

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / ".demo"
PORT = 8645
RPC = f"http://127.0.0.1:{PORT}"
ENV = {**os.environ, "LUXPASS_HOME": str(HOME), "ETH_RPC_URL": RPC}

COUNCIL = {"Maison Aurel": 1, "Casa Vellutti": 2, "Horlogerie Brandt": 3, "Atelier Nouveau": 4}
FACTORY, BOUTIQUE, ALICE, BOB, CAROL, FORGER, RESELLER, DAVE = 5, 6, 7, 8, 9, 0, 10, 11
MARKETPLACE, AUDITOR = 14, 15
VELLUTTI_FACTORY, VELLUTTI_BOUTIQUE = 12, 13


def say(text: str) -> None:
    print("\n" + "\n".join(textwrap.wrap(text, 96)))


def run(*args: str, expect: int = 0, quiet: bool = False) -> str:
    shown = " ".join(a if " " not in a else repr(a) for a in args)
    print(f"  $ luxpass {shown}")
    done = subprocess.run([sys.executable, "-m", "luxpass", *args], env=ENV, capture_output=True, text=True)
    out = (done.stdout + done.stderr).strip()
    if not quiet or done.returncode != expect:
        print(textwrap.indent(out, "    "))
    print(f"    (exit {done.returncode})")
    if done.returncode != expect:
        raise SystemExit(f"demo step failed: expected exit {expect}, got {done.returncode}")
    return done.stdout


def accredit(index: int, role: str, show: bool = False) -> None:
    """Maison Aurel proposes; Casa Vellutti and Atelier Nouveau vote yes: three of four members."""
    proposal = json.loads(run("accredit", addr(index), "--as", role, "--dev-account", "1", "--json", quiet=True))
    run("brand", "vote", str(proposal["proposal_id"]), "--yes", "--dev-account", "2", quiet=True)
    run("brand", "vote", str(proposal["proposal_id"]), "--yes", "--dev-account", "4", quiet=not show)


def addr(index: int) -> str:
    return dev_address(index)


def main() -> None:
    shutil.rmtree(HOME, ignore_errors=True)
    say("A local Anvil chain, its state kept in .demo/node so that it survives a restart.")
    run("node", "start", "--port", str(PORT))
    try:
        story()
    finally:
        say("Stop the node cleanly; its state is written to .demo/node/state.json.")
        run("node", "stop")


def story() -> None:
    say("Three founding houses deploy the consortium registry. Each house's council key votes; "
        "no single key controls membership.")
    founders = [f"--founder={n}:{n[:3].upper()}:{addr(i)}" for n, i in list(COUNCIL.items())[:3]]
    run("deploy", *founders, "--dev-account", "0", quiet=True)
    run("brand", "list")

    say("Maison Aurel proposes admitting an independent house, Atelier Nouveau; Casa Vellutti "
        "votes yes, which makes a majority of the three: the registry itself creates its collection.")
    run("brand", "propose", "admit", "Atelier Nouveau", "--symbol", "ATN", "--council", addr(4),
        "--dev-account", "1")
    run("brand", "vote", "1", "--yes", "--dev-account", "2")
    run("brand", "vote", "1", "--yes", "--dev-account", "3", expect=1)
    run("brand", "list")

    say("Maison Aurel's admin grants its own roles: a factory that mints, a boutique that sells.")
    run("role", "grant", "minter", addr(FACTORY), "--brand", "Maison Aurel", "--dev-account", "1")
    run("role", "grant", "retailer", addr(BOUTIQUE), "--brand", "Maison Aurel", "--dev-account", "1")

    say("Atelier Nouveau mints one product from a JSON record. The chain sees only a salted commitment; "
        "the record and salt go into the owner certificate.")
    run("role", "grant", "minter", addr(4), "--brand", "Atelier Nouveau", "--dev-account", "4", quiet=True)
    record = HOME / "atelier-record.json"
    record.write_text(json.dumps({"serial": "ATN-0001", "model": "Collier Lune", "material": "18k gold"}))
    run("mint", "--brand", "Atelier Nouveau", "--record", str(record), "--certificate",
        str(HOME / "atelier-0001.json"), "--dev-account", "4")

    say("Maison Aurel's factory mints 1,000 products in bulk from its product system's CSV export, "
        "in batches; the result folder holds each row's passport and owner certificate.")
    out = HOME / "aurel-batch"
    csv = str(ROOT / "data" / "sample-products.csv")
    run("mint", "--brand", "Maison Aurel", "--csv", csv, "--out", str(out), "--dev-account", str(FACTORY))
    say("Run again (as after an interruption): nothing is minted twice, nothing is skipped.")
    run("mint", "--brand", "Maison Aurel", "--csv", csv, "--out", str(out), "--dev-account", str(FACTORY))

    certs = sorted((out / "certificates").iterdir())
    tote, stolen = str(certs[0]), str(certs[1])
    say("The factory and the boutique record the product's story: only salted hashes of the details.")
    for kind, who, details in [("manufactured", FACTORY, "workshop Scandicci, bench 4"),
                               ("quality-checked", FACTORY, "QC passed, inspector 17"),
                               ("shipped", FACTORY, "to Paris Saint-Honoré"),
                               ("received-in-store", BOUTIQUE, "Paris Saint-Honoré")]:
        run("event", tote, "--kind", kind, "--details", details, "--dev-account", str(who), quiet=True)

    say("The first sale: the boutique sells to Alice. Then Alice sells privately to Bob.")
    run("transfer", tote, "--first-sale", "--to", addr(ALICE), "--dev-account", str(BOUTIQUE))
    run("transfer", tote, "--to", addr(BOB), "--dev-account", str(ALICE))
    run("history", tote)
    say("Anyone verifies Bob's bag with his owner certificate:")
    run("verify", tote)

    say("Bob resells the bag through Maison Seconde, a reseller the council accredits by vote: three "
        "of the four members now, since a majority must exceed half.")
    accredit(RESELLER, "reseller", show=True)
    say("Bob signs his consent offline with his key alone, no gas: EIP-712 typed data in the collection's "
        "own domain, with a salted hash of the terms, the passport's nonce and a deadline. He had also "
        "signed one for another platform earlier.")
    consent, earlier = HOME / "consent-bob.json", HOME / "consent-bob-earlier.json"
    run("consent", "sign", tote, "--any-reseller", "--terms", "EUR 2,900 via another platform", "--out", str(earlier),
        "--dev-account", str(BOB), quiet=True)
    say("His consent names the reseller he chose: no other accredited reseller can submit it first.")
    run("consent", "sign", tote, "--reseller", addr(RESELLER), "--buyer", addr(DAVE), "--terms",
        "EUR 3,900, escrow 4471", "--out", str(consent), "--dev-account", str(BOB))
    run("consent", "check", str(consent))
    say("The reseller records the resale to Dave; submitting it again is reported as already done.")
    run("transfer", "--consent", str(consent), "--dev-account", str(RESELLER))
    run("transfer", "--consent", str(consent), "--dev-account", str(RESELLER))
    say("The earlier consent is replayed: the passport has moved since, and the contract refuses it.")
    run("transfer", "--consent", str(earlier), "--to", addr(CAROL), "--dev-account", str(RESELLER), expect=1)
    run("history", tote)
    run("resales", "--brand", "Maison Aurel")

    say("Carol buys another bag; it is stolen. She reports it, and from then on it cannot move.")
    run("transfer", stolen, "--first-sale", "--to", addr(CAROL), "--dev-account", str(BOUTIQUE), quiet=True)
    run("report", "stolen", stolen, "--dev-account", str(CAROL))
    run("transfer", stolen, "--to", addr(BOB), "--dev-account", str(CAROL), expect=1)
    run("verify", stolen, expect=3)

    say("A counterfeiter deploys the very same code as a registry of their own, with a collection "
        "named 'Maison Aurel', and mints a passport for a fake. Verification rejects it.")
    fake = counterfeit()
    run("verify", fake, expect=3)

    say("A forged certificate: a genuine one with the model changed to a dearer one.")
    forged = json.loads(Path(tote).read_text())
    forged["record"]["model"] = "Tote Grande Crocodile"
    forged_path = HOME / "forged.json"
    forged_path.write_text(json.dumps(forged))
    run("verify", str(forged_path), expect=3)
    consumer_check()
    vellutti_batch()
    screening_and_audit(out, tote, stolen, fake, forged_path)


def vellutti_batch() -> None:
    """Casa Vellutti issues a production batch by its Merkle root; passports come at the first sale."""
    say("Casa Vellutti issues a whole production batch of 10,000 bags with one transaction: the Merkle root "
        "of their commitments, padded to 65,536 leaves so that nothing on chain tells the batch's size. No "
        "passport exists until a bag's first sale.")
    run("role", "grant", "minter", addr(VELLUTTI_FACTORY), "--brand", "Casa Vellutti", "--dev-account", "2", quiet=True)
    run("role", "grant", "retailer", addr(VELLUTTI_BOUTIQUE), "--brand", "Casa Vellutti", "--dev-account", "2",
        quiet=True)
    out = HOME / "vellutti-batch"
    issued = json.loads(run("issue", "--brand", "Casa Vellutti", "--csv", str(vellutti_products(10_000)), "--out",
                            str(out), "--dev-account", str(VELLUTTI_FACTORY), "--json", quiet=True))
    print(f"  root {issued['root']}: {issued['products']:,} products in one transaction of {issued['gas_used']:,} "
          f"gas; every proof has {issued['depth']} hashes")
    certs = [str(path) for path in sorted((out / "certificates").iterdir())[:3]]
    say("In the boutique, before the sale, the buyer checks the bag by its certificate: its proof leads to the "
        "committed root.")
    run("verify", certs[0])
    say("The boutique sells three bags: each sale claims the passport with the bag's proof, minted to the buyer.")
    for cert, buyer in zip(certs, (ALICE, BOB, CAROL)):
        run("transfer", cert, "--first-sale", "--to", addr(buyer), "--dev-account", str(VELLUTTI_BOUTIQUE),
            quiet=cert != certs[0])
    run("transfer", certs[0], "--first-sale", "--to", addr(DAVE), "--dev-account", str(VELLUTTI_BOUTIQUE), expect=1)
    run("verify", certs[0])
    say("Alice proves that her bag is made in Italy of calfskin, and keeps its serial and the rest to herself.")
    disclosure = str(HOME / "made-in-italy.json")
    run("disclose", certs[0], "--field", "made_in", "--field", "material", "--out", disclosure)
    run("verify", disclosure)


def vellutti_products(count: int) -> Path:
    """Casa Vellutti's product system export, the same on every run."""
    path = HOME / "vellutti-products.csv"
    models, materials = ("Borsa Luna", "Secchiello Arno", "Clutch Vela"), ("calfskin", "lambskin", "suede")
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["serial", "model", "material", "colour", "made_in", "price"])
        writer.writerows((f"VEL-2026-{n:05d}", models[n % 3], materials[n % 3], ("nero", "cuoio", "avorio")[n // 3 % 3],
                          "Italy", f"EUR {1_900 + 100 * (n % 7):,}") for n in range(count))
    return path


def screening_and_audit(batch: Path, tote: str, stolen: str, fake: str, forged: Path) -> None:
    say("A marketplace, accredited by the council, screens 1,002 listings at once: 998 bags of the batch "
        "listed by collection and id, plus Bob's bag (now Dave's), the stolen one, the counterfeit and the "
        "forged certificate as sellers uploaded them.")
    accredit(MARKETPLACE, "marketplace")
    listings = HOME / "listings.csv"
    rows = ["listing,collection,passport_id,seller,certificate"]
    for row in list(csv.DictReader(open(batch / "passports.csv")))[2:]:
        rows.append(f"L-{row['row']},{json.loads((batch / row['certificate']).read_text())['collection']},"
                    f"{row['passport_id']},{addr(FACTORY)},")
    for name, path, seller in (("bob-bag", tote, DAVE), ("carol-bag", stolen, CAROL), ("fake", fake, FORGER),
                               ("forged", str(forged), BOB)):
        rows.append(f"{name},,,{addr(seller)},{path}")
    listings.write_text("\n".join(rows) + "\n")
    run("screen", str(listings), "--out", str(HOME / "verdicts.csv"))
    verdicts = list(csv.DictReader(open(HOME / "verdicts.csv")))
    print(f"  {sum(v['verdict'] == 'authentic' for v in verdicts)} authentic; not authentic: " + ", ".join(
        f"{v['listing']} ({v['reason']})" for v in verdicts if v["verdict"] != "authentic"))
    say("It files a case against the counterfeit listing; Maison Aurel's council rules it a counterfeit. "
        "Only hashes of the listing and the evidence go on chain.")
    run("cases", "file", "--brand", "Maison Aurel", "--listing", "market.example/item/991",
        "--evidence", "photos 991-1..6", "--dev-account", str(MARKETPLACE), quiet=True)
    run("cases", "rule", "1", "counterfeit", "--reason", "stitching, logo", "--dev-account", "1", quiet=True)
    run("cases", "list")
    say("An accredited auditor indexes every collection's logs, re-derives every passport's history head, "
        "compares it with the chain, signs the report and anchors its digest on chain.")
    accredit(AUDITOR, "auditor")
    report = HOME / "audit"
    run("audit", "--all", "--out", str(report), "--dev-account", str(AUDITOR))
    run("audit", "attest", f"{report}.json", "--dev-account", str(AUDITOR), quiet=True)
    run("audit", "check", f"{report}.json")


def consumer_check() -> None:
    """The consumer's check: the QR code on a product leads to its verification page."""
    serve_url = "http://127.0.0.1:8646"
    say("The consumer's check. The factory mints a watch with its GTIN; the boutique sells it. Its QR code "
        "carries the GS1 Digital Link of the item with a proof of its serial and GTIN, never the salt.")
    watch = str(HOME / "watch.json")
    run("mint", "--brand", "Maison Aurel", "--serial", "AUR-2026-W0001", "--field", "gtin=03760123450003",
        "--field", "model=Montre Lune", "--certificate", watch, "--dev-account", str(FACTORY), quiet=True)
    run("transfer", watch, "--first-sale", "--to", addr(ALICE), "--dev-account", str(BOUTIQUE), quiet=True)
    genuine = run("certificate", "qr", watch, "--resolver", serve_url).strip()
    forged = genuine.replace("/21/AUR-2026-W0001", "/21/AUR-2026-W0666")
    say("A counterfeiter copies that code onto a fake watch with a serial of its own.")
    print(f"  genuine product: {genuine}\n  forged product:  {forged}")
    say("`luxpass serve` answers both for a moment, as a phone scanning them would see it:")
    server = subprocess.Popen([sys.executable, "-m", "luxpass", "serve", "--port", serve_url.rsplit(":", 1)[1]],
                              env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for name, uri in (("genuine", genuine), ("forged", forged)):
            check = _fetch_json(uri.replace(serve_url, serve_url + "/api/v1"))
            print(f"  {name}: {check['state'].replace('-', ' ').upper()}: {check['reason']}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _fetch_json(url: str, attempts: int = 50) -> dict:
    import time
    import urllib.error
    import urllib.request

    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            return json.load(exc)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"demo step failed: {url} did not answer")


def counterfeit() -> str:
    """The forger deploys the same, audited code: a registry of their own whose only founder
    is called 'Maison Aurel' (beside a second founder of their own, as the registry needs two),
    and mints from its collection."""
    chain = Chain(RPC, dev_account(FORGER, 31337), log=lambda _: None)
    implementation, _ = chain.deploy("BrandPassport")
    registry, _ = chain.deploy("ConsortiumRegistry", implementation, ["Maison Aurel", "Maison Forge"],
                               ["AUR", "FRG"], [chain.address, "0x000000000000000000000000000000000000dEaD"], 5000, 3600)
    address = chain.contract("ConsortiumRegistry", registry).functions.brand(1).call()[2]
    fake = chain.contract("BrandPassport", address)
    chain.transact(fake.functions.grantRole(fake.functions.MINTER_ROLE().call(), chain.address))
    cert = Certificate(31337, address, {"serial": "AUR-2026-00001-FAKE", "model": "Tote Grande"}, new_salt())
    chain.transact(fake.functions.mint(chain.address, cert.commitment))
    path = HOME / "counterfeit.json"
    cert.save(path)
    print(f"  (look-alike collection {address}, named {fake.functions.name().call()!r})")
    return str(path)


if __name__ == "__main__":
    main()
