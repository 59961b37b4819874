"""`make demo` and `make demo-net`: the main job of luxpass, told step by step on a chain the demo
starts: one local Anvil node (`make demo`), or the consortium's own four geth nodes under Clique
(`make demo-net`, `--net`), or its L1 on four avalanchego validators (`make demo-avalanche`,
`--avalanche`), where each house signs with its keystore on its own node; or on a development node
started by someone else (`--rpc-url`: Ganache, the Hardhat node, Anvil at another hardfork, as
`make test-chains` runs it).

Every step runs the real `luxpass` command, as a brand, a retailer, an owner or the council
would; only the counterfeiter uses the library directly, as a forger would use any tool. The
story names its actors by number; a Stage says which key each one signs with and which node it
talks to."""
import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from eth_account.signers.local import LocalAccount

from luxpass import Certificate, Chain, LuxpassError, dev_account, dev_address, load_keystore, new_salt
from luxpass.avalanche import config as av_config
from luxpass.consortium import config as net
from luxpass.chain.accounts import DEV_CHAIN_ID

from owner_story import owner_story

ROOT = Path(__file__).resolve().parents[1]
ANVIL_PORT = 8645
NET_BASE_PORT = 8630  # the net tests use 8600-8603, bench-net 8620-8623
AVALANCHE_BASE_PORT = 9740  # tests/avalanche use 9700-9707 and 9720-9727, bench-net 9760-9767

OPERATOR = 0
COUNCIL = {"Maison Aurel": 1, "Casa Vellutti": 2, "Horlogerie Brandt": 3, "Atelier Nouveau": 4}
# On the Avalanche L1, three of the four houses sign what their council Safe (the allow lists' admin) does.
COUNCIL_SIGNERS = ("Maison Aurel", "Casa Vellutti", "Horlogerie Brandt")
FACTORY, BOUTIQUE, ALICE, BOB, CAROL, RESELLER, DAVE = 5, 6, 7, 8, 9, 10, 11
VELLUTTI_FACTORY, VELLUTTI_BOUTIQUE, MARKETPLACE, AUDITOR, FORGER = 12, 13, 14, 15, 16
# Horlogerie Brandt's council is a 2-of-3 Safe of its officers; when the third leaves, a new one joins.
BRANDT_OFFICERS, NEW_OFFICER = (17, 18, 19), 20
AUREL_RELAYER = 21  # pays for what Maison Aurel's owners sign (the owner's story)
ACTOR_COUNT = AUREL_RELAYER + 1
# On the Avalanche L1 these deploy: the registry, Brandt's Safes, and (by their votes) brands' collections.
DEPLOYERS = (OPERATOR, *BRANDT_OFFICERS, NEW_OFFICER)
# Off the development chain, every actor but the houses has a keystore of that name, and talks
# to the node of the house given (its employer's, or one of the consortium's for outsiders).
ACTORS = {OPERATOR: ("operator", "Maison Aurel"), FACTORY: ("aurel-factory", "Maison Aurel"),
          BOUTIQUE: ("aurel-boutique", "Maison Aurel"), ALICE: ("alice", "Horlogerie Brandt"),
          BOB: ("bob", "Horlogerie Brandt"), CAROL: ("carol", "Horlogerie Brandt"),
          RESELLER: ("maison-seconde", "Atelier Nouveau"), DAVE: ("dave", "Horlogerie Brandt"),
          VELLUTTI_FACTORY: ("vellutti-factory", "Casa Vellutti"),
          VELLUTTI_BOUTIQUE: ("vellutti-boutique", "Casa Vellutti"), MARKETPLACE: ("marketplace", "Atelier Nouveau"),
          AUDITOR: ("auditor", "Atelier Nouveau"), FORGER: ("forger", "Horlogerie Brandt"),
          **{officer: (f"brandt-officer-{n}", "Horlogerie Brandt")
             for n, officer in enumerate((*BRANDT_OFFICERS, NEW_OFFICER), 1)},
          AUREL_RELAYER: ("aurel-relayer", "Maison Aurel")}


class Stage(Protocol):
    """Where the story runs: a home folder, a chain, and for each actor its key and its node."""

    home: Path
    chain_id: int
    rpc_url: str  # the node read-only steps ask
    owner_story: bool  # whether the owner's story (in Chromium, through a relayer) runs on it
    allow_lists: bool  # whether only accounts the consortium admitted send and deploy

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def address(self, who: int) -> str: ...
    def signer_args(self, who: int) -> list[str]: ...
    def node_of(self, who: int) -> tuple[str, str]: ...  # (rpc url, whose node, for the reader)
    def account(self, who: int) -> LocalAccount: ...


class AnvilStage:
    """One Anvil node; Anvil's public development keys, numbered as the story numbers its actors."""

    owner_story, allow_lists = True, False

    def __init__(self):
        self.home, self.chain_id = ROOT / ".demo", DEV_CHAIN_ID
        self.rpc_url = f"http://127.0.0.1:{ANVIL_PORT}"

    def start(self) -> None:
        say("A local Anvil chain, its state kept in .demo/node so that it survives a restart.")
        run("node", "start", "--port", str(ANVIL_PORT))

    def stop(self) -> None:
        say("Stop the node cleanly; its state is written to .demo/node/state.json.")
        run("node", "stop")

    def address(self, who: int) -> str:
        return dev_address(who)

    def signer_args(self, who: int) -> list[str]:
        return ["--dev-account", str(who)]

    def node_of(self, who: int) -> tuple[str, str]:
        return self.rpc_url, ""

    def account(self, who: int) -> LocalAccount:
        return dev_account(who, self.chain_id)


class AttachedStage(AnvilStage):
    """A development node the caller started and stops: chain id 31337 with Anvil's development
    accounts funded (0 to ACTOR_COUNT - 1 are the story's actors), e.g. Ganache, the Hardhat node or Anvil at
    another hardfork (`make test-chains`). Its state is the caller's: the demo only adds to it."""

    def __init__(self, rpc_url: str):
        super().__init__()
        self.home, self.rpc_url = ROOT / ".demo-rpc", rpc_url

    def start(self) -> None:
        say(f"The development node at {self.rpc_url}, started by the caller: its head and chain id.")
        run("node", "status", "--rpc-url", self.rpc_url)
        w3 = Chain(self.rpc_url).w3
        unfunded = [n for n in range(ACTOR_COUNT) if w3.eth.get_balance(dev_address(n)) == 0]
        if unfunded:
            raise SystemExit(f"error: the node at {self.rpc_url} has no ether for development account(s) "
                             f"{', '.join(map(str, unfunded))}; start it with at least {ACTOR_COUNT} funded "
                             "development accounts (the \"test … junk\" mnemonic)")

    def stop(self) -> None:
        pass


class NetStage:
    """The four houses' geth nodes. Each house signs with the keystore `consortium-net` made for
    its node; every other actor with a keystore `luxpass account new` makes, funded by the genesis.
    Passwords stay in 0600 files and are never printed."""

    owner_story, allow_lists = False, False

    def __init__(self):
        self.home, self.chain_id = ROOT / ".demo-net", net.CHAIN_ID
        self.folder = self.home / "net"
        self.password_file = self.home / "actors.password"
        self.rpc_url = ""
        self.nodes: dict[str, dict] = {}
        self.addresses: dict[int, str] = {}

    def start(self) -> None:
        os.environ.setdefault("LUXPASS_GETH", str(ROOT / ".tools" / "geth" / "bin" / "geth"))  # `make geth` builds it there
        say("The consortium's own chain: one geth node per house, sealing Clique blocks each second. The "
            "houses' signer keys are keystores the network makes; the other actors make theirs with "
            "`luxpass account new`, and the genesis funds them. Every password stays in a 0600 file.")
        self.home.mkdir(parents=True)
        self._new_actor_keystores()
        funded = [arg for who in ACTORS for arg in ("--fund", self.addresses[who])]
        nodes = json.loads(run("consortium-net", "up", "--dir", str(self.folder), "--base-port", str(NET_BASE_PORT),
                               *funded, "--json", quiet=True))
        run("consortium-net", "status", "--dir", str(self.folder))
        self.nodes = {node["house"]: node for node in nodes}
        self.rpc_url = self.nodes["Atelier Nouveau"]["rpc_url"]
        for house, who in COUNCIL.items():
            self.addresses[who] = self.nodes[house]["signer"]

    def _new_actor_keystores(self) -> None:
        """A keystore for every actor but the houses, under one password in a 0600 file."""
        self.password_file.write_text(secrets.token_urlsafe(24))
        os.chmod(self.password_file, 0o600)
        for who, (name, _) in ACTORS.items():
            made = json.loads(run("account", "new", name, "--password-file", str(self.password_file), "--json",
                                  quiet=who != OPERATOR))
            self.addresses[who] = made["address"]

    def stop(self) -> None:
        say("Stop the four nodes cleanly; `luxpass consortium-net up --dir .demo-net/net` resumes the chain.")
        run("consortium-net", "down", "--dir", str(self.folder), quiet=True)

    def address(self, who: int) -> str:
        return self.addresses[who]

    def signer_args(self, who: int) -> list[str]:
        house = self._house(who)
        if house:
            return ["--keystore", self.nodes[house]["keystore"], "--password-file", str(self._password_file(house))]
        return ["--account", ACTORS[who][0], "--password-file", str(self.password_file)]

    def node_of(self, who: int) -> tuple[str, str]:
        house = self._house(who) or ACTORS[who][1]
        return self.nodes[house]["rpc_url"], f"{house}'s node"

    def account(self, who: int) -> LocalAccount:
        return load_keystore(self.home / "keystores" / f"{ACTORS[who][0]}.json", self.password_file.read_text())

    def _password_file(self, house: str) -> Path:
        return net.password_file(self.folder, house)

    @staticmethod
    def _house(who: int) -> str | None:
        return next((house for house, council in COUNCIL.items() if council == who), None)


class AvalancheStage(NetStage):
    """The four houses' avalanchego nodes, the validators of the consortium's L1 (subnet-evm). Each
    house signs with the keystore `avalanche-net up` made for it, on its own node's
    /ext/bc/<chain>/rpc; the L1's allow lists admit only the houses' accounts, so every other actor
    makes its keystore with `luxpass account new` and the allow lists' admin, the houses' council
    Safe, admits it by a Safe transaction `luxpass avalanche-net admit` drafts and three houses sign
    (Maison Aurel's account pays for its gas), as the consortium would."""

    owner_story, allow_lists = True, True

    def __init__(self, home: Path | None = None):
        super().__init__()
        self.home, self.chain_id = home or ROOT / ".demo-avalanche", av_config.EVM_CHAIN_ID
        self.folder, self.password_file = self.home / "net", self.home / "actors.password"

    def start(self) -> None:
        os.environ.setdefault("LUXPASS_AVALANCHE", str(ROOT / ".tools" / "avalanche"))  # `make avalanche` builds it there
        say("The consortium's own L1 on Avalanche: one avalanchego node per house, the four of them its "
            "validators; a block Snowman accepts is final, so luxpass waits for one confirmation. The houses' "
            "keys are keystores the network makes; the other actors make theirs with `luxpass account new`. "
            "Every password stays in a 0600 file.")
        self.home.mkdir(parents=True, exist_ok=True)  # --home: a new or empty folder
        self._new_actor_keystores()
        run("avalanche-net", "up", "--dir", str(self.folder), "--base-port", str(AVALANCHE_BASE_PORT), "--json",
            quiet=True)
        run("avalanche-net", "status", "--dir", str(self.folder))
        config = av_config.require(self.folder)
        self.nodes = {h.house: {"rpc_url": config.rpc_url(h), "keystore": h.keystore, "signer": h.account}
                      for h in config.houses}
        self.rpc_url = self.nodes["Atelier Nouveau"]["rpc_url"]
        say("The L1's allow lists name only the houses' accounts: no one else may send a transaction or deploy "
            "a contract. Their only admin is the houses' council Safe, made at the address the genesis named: no "
            "house alone can admit anyone, or take a rival off the lists. Maison Aurel drafts the admission of "
            "the story's other actors (one Safe transaction of calls to the allow-list precompiles) and pays each "
            "100 coins for gas; three of the four houses sign it and one executes it. The operator and Horlogerie "
            "Brandt's officers, who deploy the registry and the Safes, may deploy as well.")
        staff = [self.addresses[who] for who in DEPLOYERS]
        others = [self.addresses[who] for who in ACTORS if who not in DEPLOYERS]
        names = {self.addresses[who]: name for who, (name, _) in ACTORS.items()}
        for admitting, deployer in ((staff, True), (others, False)):
            for admitted in self._admit(admitting, deployer, fund="100", show=deployer):
                print(f"    {names[admitted['address']]:<20} sends: {admitted['sends']:<8} deploys: "
                      f"{admitted['deploys']:<8} {admitted['balance_wei'] / 10**18:g} coins")
        for house, who in COUNCIL.items():
            self.addresses[who] = self.nodes[house]["signer"]

    def stop(self) -> None:
        say("Stop the four nodes; `luxpass avalanche-net up --dir .demo-avalanche/net` starts the same chain again.")
        run("avalanche-net", "down", "--dir", str(self.folder), quiet=True)

    def admit(self, address: str, deployer: bool = False) -> None:
        for admitted in self._admit([address], deployer):
            print(f"    {admitted['address']}  sends: {admitted['sends']}  deploys: {admitted['deploys']}")

    def _admit(self, addresses: list[str], deployer: bool = False, fund: str = "0", show: bool = False) -> list[dict]:
        """`avalanche-net admit`: Maison Aurel drafts the council Safe's transaction, three houses sign
        it, the last executes it; then the admission as the chain holds it (nothing sent again)."""
        admit = ("avalanche-net", "admit", "--dir", str(self.folder), *addresses, "--fund", fund,
                 *(["--deployer"] if deployer else []), "--json")
        job = json.loads(run(*admit, quiet=True))[0]["drafted"]
        if job:
            for house in COUNCIL_SIGNERS:
                run("safe", "sign", job, who=COUNCIL[house], quiet=not show)
            run("safe", "exec", job, who=COUNCIL[COUNCIL_SIGNERS[-1]], quiet=not show)
        return json.loads(run(*admit, quiet=True))

    def _password_file(self, house: str) -> Path:
        return av_config.password_file(self.folder, house)


stage: Stage = AnvilStage()


def say(text: str) -> None:
    print("\n" + "\n".join(textwrap.wrap(text, 96)))


def run(*args: str, who: int | None = None, expect: int = 0, quiet: bool = False) -> str:
    """`luxpass ARGS`, as actor `who` (signing with its key, on its node) or, without one, as
    anyone reading the chain."""
    rpc_url, where = stage.node_of(who) if who is not None else (stage.rpc_url, "")
    signer = stage.signer_args(who) if who is not None else []
    shown = " ".join(a if " " not in a else repr(a) for a in (*args, *signer))
    print(f"  $ luxpass {shown}" + (f"    [{where}]" if where else ""))
    done = subprocess.run([sys.executable, "-m", "luxpass", *args, *signer], env=environment(rpc_url),
                          capture_output=True, text=True)
    out = (done.stdout + done.stderr).strip()
    if not quiet or done.returncode != expect:
        print(textwrap.indent(out, "    "))
    print(f"    (exit {done.returncode})")
    if done.returncode != expect:
        raise SystemExit(f"demo step failed: expected exit {expect}, got {done.returncode}")
    if expect and (sum(line.startswith("error:") for line in done.stderr.splitlines()) != 1 or "Traceback" in out):
        raise SystemExit("demo step failed: its refusal is not one `error:` line")
    return done.stdout


def environment(rpc_url: str) -> dict:
    return {**os.environ, "LUXPASS_HOME": str(stage.home), "ETH_RPC_URL": rpc_url}


def accredit(who: int, role: str, show: bool = False) -> None:
    """Maison Aurel proposes; Casa Vellutti and Atelier Nouveau vote yes: three of four members."""
    proposal = json.loads(run("accredit", addr(who), "--as", role, "--json", who=1, quiet=True))
    run("brand", "vote", str(proposal["proposal_id"]), "--yes", who=2, quiet=True)
    run("brand", "vote", str(proposal["proposal_id"]), "--yes", who=4, quiet=not show)


def addr(who: int) -> str:
    return stage.address(who)


def create_safe(officers: tuple[int, ...]) -> str:
    """The officers' 2-of-N Safe, made by the first of them through the Safe proxy factory."""
    made = json.loads(run("safe", "create", *(a for o in officers for a in ("--owner", addr(o))), "--threshold", "2",
                          "--json", who=officers[0], quiet=True))
    print(f"  Safe {made['safe']}: 2 of the {len(officers)} officers {', '.join(map(addr, officers))} sign"
          + (" (the Safe 1.4.1 contracts were deployed first: this chain had none)" if made["contracts_deployed"]
             else ""))
    if stage.allow_lists:
        say("The Safe is Horlogerie Brandt's council: the houses' council Safe admits it as the houses' accounts are "
            "(its votes may make the registry create a collection, which the deployer list checks).")
        stage.admit(made["safe"], deployer=True)
    return made["safe"]


def as_safe(safe: str, job: str, *command: str, signers: tuple[int, ...], show: bool = True) -> None:
    """A council command for a Safe: the first officer drafts it into a file with --safe, each of
    `signers` signs the file in turn and passes it on, the last one executes it."""
    path = str(stage.home / "safe" / f"{job}.json")
    run(*command, "--safe", safe, "--safe-out", path, who=signers[0], quiet=not show)
    for officer in signers:
        run("safe", "sign", path, who=officer, quiet=not show or officer != signers[0])
        if show and officer == signers[0]:
            say("One officer's signature is not enough: the Safe would refuse it, and luxpass says so before "
                "sending anything. The file goes to the second officer.")
            run("safe", "exec", path, who=officer, expect=2)
    run("safe", "exec", path, who=signers[-1])


def main() -> None:
    global stage
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--net", action="store_true", help="run on the four-node consortium network (needs geth)")
    where.add_argument("--avalanche", action="store_true", help="run on the consortium's L1 on four avalanchego "
                       "validators (needs `make avalanche`)")
    where.add_argument("--rpc-url", metavar="URL", help="run on this development node (chain id 31337, Anvil's "
                       "development accounts funded) instead of starting Anvil")
    parser.add_argument("--home", metavar="DIR", type=Path, help="with --avalanche: a new or empty folder for the "
                        "demo's keys, network and files (default .demo-avalanche, emptied first)")
    args = parser.parse_args()
    if args.home and not args.avalanche:
        parser.error("--home goes with --avalanche")
    if args.home and args.home.exists() and any(args.home.iterdir()):
        parser.error(f"{args.home} is not empty; pass a new or empty folder (the demo never overwrites one)")
    stage = (NetStage() if args.net else AvalancheStage(args.home) if args.avalanche else
             AttachedStage(args.rpc_url) if args.rpc_url else AnvilStage())
    if not args.home:
        shutil.rmtree(stage.home, ignore_errors=True)
    began = time.monotonic()
    stage.start()
    try:
        story()
    finally:
        stage.stop()
    print(f"\nThe story took {time.monotonic() - began:.0f} s.")


def story() -> None:
    say("Horlogerie Brandt's council is not one key but a Safe multisig wallet of its three officers, two of "
        "whom must sign each of its acts.")
    brandt = create_safe(BRANDT_OFFICERS)
    say("Three founding houses deploy the consortium registry. Each house's council votes; no single key "
        "controls membership.")
    councils = {"Maison Aurel": addr(1), "Casa Vellutti": addr(2), "Horlogerie Brandt": brandt}
    run("deploy", *(f"--founder={n}:{n[:3].upper()}:{c}" for n, c in councils.items()), who=OPERATOR, quiet=True)
    run("brand", "list")

    say("Maison Aurel proposes admitting an independent house, Atelier Nouveau. Horlogerie Brandt votes yes "
        "through its Safe: an officer drafts the vote into a file with --safe and signs it, a second officer "
        "signs the same file and executes it. That makes a majority of the three: the registry itself creates "
        "Atelier Nouveau's collection, and Casa Vellutti's vote comes too late.")
    run("brand", "propose", "admit", "Atelier Nouveau", "--symbol", "ATN", "--council", addr(4), who=1)
    as_safe(brandt, "admit-atelier-nouveau", "brand", "vote", "1", "--yes", signers=BRANDT_OFFICERS[:2])
    run("brand", "vote", "1", "--yes", who=2, expect=1)
    run("brand", "list")
    say("The proposals say who voted, and for the Safe's vote, which officers signed it (read from the Safe's "
        "own events, whose signatures the Safe checked):")
    run("brand", "proposals")

    say("Maison Aurel's admin grants its own roles: a factory that mints, a boutique that sells.")
    run("role", "grant", "minter", addr(FACTORY), "--brand", "Maison Aurel", who=1)
    run("role", "grant", "retailer", addr(BOUTIQUE), "--brand", "Maison Aurel", who=1)

    say("Atelier Nouveau mints one product from a JSON record. The chain sees only a salted commitment; "
        "the record and salt go into the owner certificate.")
    run("role", "grant", "minter", addr(4), "--brand", "Atelier Nouveau", who=4, quiet=True)
    record = stage.home / "atelier-record.json"
    record.write_text(json.dumps({"serial": "ATN-0001", "model": "Collier Lune", "material": "18k gold"}))
    run("mint", "--brand", "Atelier Nouveau", "--record", str(record), "--certificate",
        str(stage.home / "atelier-0001.json"), who=4)

    say("Maison Aurel's factory mints 1,000 products in bulk from its product system's CSV export, "
        "in batches; the result folder holds each row's passport and owner certificate.")
    out = stage.home / "aurel-batch"
    csv = str(ROOT / "data" / "sample-products.csv")
    run("mint", "--brand", "Maison Aurel", "--csv", csv, "--out", str(out), who=FACTORY)
    say("Run again (as after an interruption): nothing is minted twice, nothing is skipped.")
    run("mint", "--brand", "Maison Aurel", "--csv", csv, "--out", str(out), who=FACTORY)

    certs = sorted((out / "certificates").iterdir())
    tote, stolen = str(certs[0]), str(certs[1])
    say("The factory and the boutique record the product's story: only salted hashes of the details.")
    for kind, who, details in [("manufactured", FACTORY, "workshop Scandicci, bench 4"),
                               ("quality-checked", FACTORY, "QC passed, inspector 17"),
                               ("shipped", FACTORY, "to Paris Saint-Honoré"),
                               ("received-in-store", BOUTIQUE, "Paris Saint-Honoré")]:
        run("event", tote, "--kind", kind, "--details", details, who=who, quiet=True)

    say("The first sale: the boutique sells to Alice. Then Alice sells privately to Bob.")
    run("transfer", tote, "--first-sale", "--to", addr(ALICE), who=BOUTIQUE)
    run("transfer", tote, "--to", addr(BOB), who=ALICE)
    run("history", tote)
    say("Anyone verifies Bob's bag with his owner certificate:")
    run("verify", tote)

    say("Bob resells the bag through Maison Seconde, a reseller the council accredits by vote: three "
        "of the four members now, since a majority must exceed half.")
    accredit(RESELLER, "reseller", show=True)
    say("Bob signs his consent offline with his key alone, no gas: EIP-712 typed data in the collection's "
        "own domain, with a salted hash of the terms, the passport's nonce and a deadline. He had also "
        "signed one for another platform earlier.")
    consent, earlier = stage.home / "consent-bob.json", stage.home / "consent-bob-earlier.json"
    run("consent", "sign", tote, "--any-reseller", "--terms", "EUR 2,900 via another platform", "--out", str(earlier),
        who=BOB, quiet=True)
    say("His consent names the reseller he chose: no other accredited reseller can submit it first.")
    run("consent", "sign", tote, "--reseller", addr(RESELLER), "--buyer", addr(DAVE), "--terms",
        "EUR 3,900, escrow 4471", "--out", str(consent), who=BOB)
    run("consent", "check", str(consent))
    say("The reseller records the resale to Dave; submitting it again is reported as already done.")
    run("transfer", "--consent", str(consent), who=RESELLER)
    run("transfer", "--consent", str(consent), who=RESELLER)
    say("The earlier consent is replayed: the passport has moved since, and the contract refuses it.")
    run("transfer", "--consent", str(earlier), "--to", addr(CAROL), who=RESELLER, expect=1)
    run("history", tote)
    run("resales", "--brand", "Maison Aurel")

    say("Carol buys another bag; it is stolen. She reports it, and from then on it cannot move.")
    run("transfer", stolen, "--first-sale", "--to", addr(CAROL), who=BOUTIQUE, quiet=True)
    run("report", "stolen", stolen, who=CAROL)
    run("transfer", stolen, "--to", addr(BOB), who=CAROL, expect=1)
    run("verify", stolen, expect=3)

    say(f"A counterfeiter {'tries to deploy' if stage.allow_lists else 'deploys'} the very same code as a registry of "
        "their own, with a collection named 'Maison Aurel', and mints a passport for a fake. Verification rejects it.")
    fake = counterfeit()
    run("verify", fake, expect=3)

    say("A forged certificate: a genuine one with the model changed to a dearer one.")
    forged = json.loads(Path(tote).read_text())
    forged["record"]["model"] = "Tote Grande Crocodile"
    forged_path = stage.home / "forged.json"
    forged_path.write_text(json.dumps(forged))
    run("verify", str(forged_path), expect=3)
    consumer_check()
    if stage.owner_story:
        relayer = [{"--dev-account": "--relayer-dev-account", "--account": "--relayer",
                    "--keystore": "--relayer-keystore"}.get(arg, arg) for arg in stage.signer_args(AUREL_RELAYER)]
        owner_story(stage.home, stage.node_of(AUREL_RELAYER)[0], run, say, addr, environment(stage.rpc_url),
                    factory=FACTORY, reseller=RESELLER, buyer=BOB, relayer=AUREL_RELAYER, admin=1,
                    chain_id=stage.chain_id, relayer_args=relayer,
                    admit=stage.admit if stage.allow_lists else None)
    vellutti_batch()
    brandt_rotation(brandt)
    screening_and_audit(out, tote, stolen, fake, forged_path)


def brandt_rotation(brandt: str) -> None:
    """Horlogerie Brandt's officers change: the house hands its council seat to a new Safe."""
    leaving, staying = BRANDT_OFFICERS[2], BRANDT_OFFICERS[:2]
    say("Horlogerie Brandt's third officer leaves the house. Its officers make a new 2-of-3 Safe with the two who "
        "stay and the one who joins, and the old Safe hands the seat to it: the registry's record and the "
        "collection's admin role move in one transaction (rotateCouncil), signed by two officers.")
    successor = create_safe((*staying, NEW_OFFICER))
    as_safe(brandt, "rotate-council", "brand", "rotate-council", successor, signers=staying, show=False)
    run("brand", "show", "Horlogerie Brandt")
    say("The old Safe has no power left: even with every signature, a proposal from it is refused before anyone "
        "signs.")
    run("brand", "propose", "suspend", "Casa Vellutti", "--safe", brandt, "--safe-out",
        str(stage.home / "safe" / "old-safe.json"), who=leaving, expect=1)


def vellutti_batch() -> None:
    """Casa Vellutti issues a production batch by its Merkle root; passports come at the first sale."""
    say("Casa Vellutti issues a whole production batch of 10,000 bags with one transaction: the Merkle root "
        "of their commitments, padded to 65,536 leaves so that nothing on chain tells the batch's size. No "
        "passport exists until a bag's first sale.")
    run("role", "grant", "minter", addr(VELLUTTI_FACTORY), "--brand", "Casa Vellutti", who=2, quiet=True)
    run("role", "grant", "retailer", addr(VELLUTTI_BOUTIQUE), "--brand", "Casa Vellutti", who=2,
        quiet=True)
    out = stage.home / "vellutti-batch"
    issued = json.loads(run("issue", "--brand", "Casa Vellutti", "--csv", str(vellutti_products(10_000)), "--out",
                            str(out), "--json", who=VELLUTTI_FACTORY, quiet=True))
    print(f"  root {issued['root']}: {issued['products']:,} products in one transaction of {issued['gas_used']:,} "
          f"gas; every proof has {issued['depth']} hashes")
    certs = [str(path) for path in sorted((out / "certificates").iterdir())[:3]]
    say("In the boutique, before the sale, the buyer checks the bag by its certificate: its proof leads to the "
        "committed root.")
    run("verify", certs[0])
    say("The boutique sells three bags: each sale claims the passport with the bag's proof, minted to the buyer.")
    for cert, buyer in zip(certs, (ALICE, BOB, CAROL)):
        run("transfer", cert, "--first-sale", "--to", addr(buyer), who=VELLUTTI_BOUTIQUE,
            quiet=cert != certs[0])
    run("transfer", certs[0], "--first-sale", "--to", addr(DAVE), who=VELLUTTI_BOUTIQUE, expect=1)
    run("verify", certs[0])
    say("Alice proves that her bag is made in Italy of calfskin, and keeps its serial and the rest to herself.")
    disclosure = str(stage.home / "made-in-italy.json")
    run("disclose", certs[0], "--field", "made_in", "--field", "material", "--out", disclosure)
    run("verify", disclosure)


def vellutti_products(count: int) -> Path:
    """Casa Vellutti's product system export, the same on every run."""
    path = stage.home / "vellutti-products.csv"
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
    listings = stage.home / "listings.csv"
    rows = ["listing,collection,passport_id,seller,certificate"]
    for row in list(csv.DictReader(open(batch / "passports.csv")))[2:]:
        rows.append(f"L-{row['row']},{json.loads((batch / row['certificate']).read_text())['collection']},"
                    f"{row['passport_id']},{addr(FACTORY)},")
    for name, path, seller in (("bob-bag", tote, DAVE), ("carol-bag", stolen, CAROL), ("fake", fake, FORGER),
                               ("forged", str(forged), BOB)):
        rows.append(f"{name},,,{addr(seller)},{path}")
    listings.write_text("\n".join(rows) + "\n")
    run("screen", str(listings), "--out", str(stage.home / "verdicts.csv"))
    verdicts = list(csv.DictReader(open(stage.home / "verdicts.csv")))
    print(f"  {sum(v['verdict'] == 'authentic' for v in verdicts)} authentic; not authentic: " + ", ".join(
        f"{v['listing']} ({v['reason']})" for v in verdicts if v["verdict"] != "authentic"))
    say("It files a case against the counterfeit listing; Maison Aurel's council rules it a counterfeit. "
        "Only hashes of the listing and the evidence go on chain.")
    run("cases", "file", "--brand", "Maison Aurel", "--listing", "market.example/item/991",
        "--evidence", "photos 991-1..6", who=MARKETPLACE, quiet=True)
    run("cases", "rule", "1", "counterfeit", "--reason", "stitching, logo", who=1, quiet=True)
    run("cases", "list")
    say("An accredited auditor indexes every collection's logs, re-derives every passport's history head, "
        "compares it with the chain, signs the report and anchors its digest on chain.")
    accredit(AUDITOR, "auditor")
    report = stage.home / "audit"
    run("audit", "--all", "--out", str(report), who=AUDITOR)
    run("audit", "attest", f"{report}.json", who=AUDITOR, quiet=True)
    run("audit", "check", f"{report}.json")


def consumer_check() -> None:
    """The consumer's check: the QR code on a product leads to its verification page."""
    serve_url = "http://127.0.0.1:8646"
    say("The consumer's check. The factory mints a watch with its GTIN; the boutique sells it. Its QR code "
        "carries the GS1 Digital Link of the item with a proof of its serial and GTIN, never the salt.")
    watch = str(stage.home / "watch.json")
    run("mint", "--brand", "Maison Aurel", "--serial", "AUR-2026-W0001", "--field", "gtin=03760123450003",
        "--field", "model=Montre Lune", "--certificate", watch, who=FACTORY, quiet=True)
    run("transfer", watch, "--first-sale", "--to", addr(ALICE), who=BOUTIQUE, quiet=True)
    genuine = run("certificate", "qr", watch, "--resolver", serve_url).strip()
    forged = genuine.replace("/21/AUR-2026-W0001", "/21/AUR-2026-W0666")
    say("A counterfeiter copies that code onto a fake watch with a serial of its own.")
    print(f"  genuine product: {genuine}\n  forged product:  {forged}")
    say("`luxpass serve` answers both for a moment, as a phone scanning them would see it:")
    server = subprocess.Popen([sys.executable, "-m", "luxpass", "serve", "--port", serve_url.rsplit(":", 1)[1]],
                              env=environment(stage.rpc_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for name, uri in (("genuine", genuine), ("forged", forged)):
            check = _fetch_json(uri.replace(serve_url, serve_url + "/api/v1"))
            print(f"  {name}: {check['state'].replace('-', ' ').upper()}: {check['reason']}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _fetch_json(url: str, wait: float = 60) -> dict:
    """The page's JSON answer, once `luxpass serve` listens (within `wait` seconds: on a loaded
    machine its start alone can take ten)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            return json.load(exc)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"demo step failed: {url} did not answer within {wait:.0f} s")


def counterfeit() -> str:
    """The forger deploys the same, audited code: a registry of their own whose only founder
    is called 'Maison Aurel' (beside a second founder of their own, as the registry needs two),
    and mints from its collection."""
    chain = Chain(stage.node_of(FORGER)[0], stage.account(FORGER), log=lambda _: None)
    try:
        implementation, _ = chain.sender.deploy("BrandPassport", "0x" + "00" * 20)  # trusts no forwarder
    except LuxpassError as refused:
        if not stage.allow_lists:
            raise
        print(f"  refused: {refused.problem}")
        say("On the consortium's L1 the contract-deployer allow list refuses him: only accounts the consortium "
            "admitted deploy. He prints a certificate naming a collection address of his own, where no contract is.")
        cert = Certificate(stage.chain_id, chain.address, {"serial": "AUR-2026-00001-FAKE", "model": "Tote Grande"},
                           new_salt())
        path = stage.home / "counterfeit.json"
        cert.save(path)
        return str(path)
    registry, _ = chain.sender.deploy("ConsortiumRegistry", implementation, ["Maison Aurel", "Maison Forge"],
                               ["AUR", "FRG"], [chain.address, "0x000000000000000000000000000000000000dEaD"], 5000, 3600)
    address = chain.contract("ConsortiumRegistry", registry).functions.brand(1).call()[2]
    fake = chain.contract("BrandPassport", address)
    chain.sender.transact(fake.functions.grantRole(fake.functions.MINTER_ROLE().call(), chain.address))
    cert = Certificate(stage.chain_id, address, {"serial": "AUR-2026-00001-FAKE", "model": "Tote Grande"}, new_salt())
    chain.sender.transact(fake.functions.mint(chain.address, cert.commitment))
    path = stage.home / "counterfeit.json"
    cert.save(path)
    print(f"  (look-alike collection {address}, named {fake.functions.name().call()!r})")
    return str(path)


if __name__ == "__main__":
    main()
