"""The `luxpass` command line: parses, calls the library, prints. Results go to stdout,
progress and transaction hashes to stderr; `--json` prints only JSON."""
import json
import sys
from dataclasses import dataclass, field
from functools import cached_property, wraps
from pathlib import Path

import click
import requests
from web3.exceptions import MismatchedABI, Web3ValidationError

from ..chain import accounts, node
from ..chain.connection import DEFAULT_RPC_URL, Chain
from ..checks import audit as audits
from ..checks import screen as screening
from ..checks.index import Index
from ..checks.resales import PERIODS, resale_figures
from ..checks.verify import history, verify
from ..errors import InputError, LuxpassError
from ..files import read_json, write_json_new
from ..jobs import bulk
from ..jobs.batch_issue import issue_csv
from ..onchain import chip, consent
from ..onchain.cases import RULINGS, CaseBook
from ..onchain.collection import Collection
from ..onchain.registry import DEFAULT_QUORUM_BPS, DEFAULT_VOTING_PERIOD, Consortium, Founder, deploy
from ..proofs.batch import DEFAULT_DEPTH, MAX_DEPTH
from ..proofs.certificate import Certificate
from ..proofs.disclosure import Disclosure, check_disclosure, disclose, is_disclosure
from ..proofs.disclosure import save as save_disclosure
from ..results import (
    Accreditation,
    EventKind,
    ProposalKind,
    Status,
    cli_name,
    from_cli_name,
    to_jsonable,
    utc,
)
from ..values import parse_address, parse_passport_id


@dataclass
class Settings:
    """Options shared by the commands, collected once per invocation."""

    rpc_url: str = DEFAULT_RPC_URL
    json: bool = False
    confirmations: int | None = None
    account: str | None = None
    keystore: str | None = None
    password_file: str | None = None
    dev_account: int | None = None
    extra: dict = field(default_factory=dict)

    @cached_property
    def chain(self) -> Chain:
        return Chain(self.rpc_url, account=self._signer, confirmations=self.confirmations)

    @cached_property
    def consortium(self) -> Consortium:
        return Consortium.open(self.chain)

    def collection(self, brand: str | None, collection: str | None) -> Collection:
        if collection:
            return Collection(self.chain, collection)
        if not brand:
            raise InputError("no collection given", "pass --brand NAME|ID or --collection ADDRESS")
        return Collection(self.chain, self.consortium.brand(brand).collection)

    def _signer(self, chain_id: int):
        chosen = [o for o in (self.account, self.keystore, self.dev_account) if o is not None]
        if len(chosen) > 1:
            raise InputError("more than one account given", "pass only one of --account, --keystore, --dev-account")
        if self.dev_account is not None:
            return accounts.dev_account(self.dev_account, chain_id)
        if self.account or self.keystore:
            path = Path(self.keystore) if self.keystore else accounts.find_keystore(self.account)
            prompt = (lambda: click.prompt(f"Password for {path.name}", hide_input=True, err=True)) \
                if sys.stdin.isatty() else None
            return accounts.unlock(path, self.password_file, prompt)
        return None

    def emit(self, result, text: str | None = None) -> None:
        if self.json:
            click.echo(json.dumps(to_jsonable(result), indent=2))
        else:
            click.echo(text if text is not None else _as_text(to_jsonable(result)))


def _as_text(data, indent: str = "") -> str:
    if isinstance(data, dict):
        lines = []
        for key, value in data.items():
            if value is None:
                continue
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{indent}{key}:")
                lines.append(_as_text(value, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {value}")
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(_as_text(item, indent) if not isinstance(item, dict) else
                         _as_text(item, indent + "  ").replace(indent + "  ", indent + "- ", 1) for item in data)
    return f"{indent}{data}"


def _store(name):
    def callback(ctx, _param, value):
        settings = ctx.ensure_object(Settings)
        if value is not None and value != ():
            setattr(settings, name, value)
        return value
    return callback


def rpc_options(fn):
    fn = click.option("--rpc-url", envvar="ETH_RPC_URL", default=DEFAULT_RPC_URL, show_default=True,
                      expose_value=False, callback=_store("rpc_url"), help="JSON-RPC endpoint of the chain.")(fn)
    fn = click.option("--json", "json_", is_flag=True, default=None, expose_value=False, callback=_store("json"),
                      help="Print the result as JSON only.")(fn)
    fn = click.option("--confirmations", type=click.IntRange(0), expose_value=False, callback=_store("confirmations"),
                      help="Blocks to wait for each transaction (default 1 on a development chain, 3 elsewhere).")(fn)
    return fn


def account_options(fn):
    fn = click.option("--account", metavar="NAME", expose_value=False, callback=_store("account"),
                      help="Keystore by name (luxpass, brownie and foundry keystore folders).")(fn)
    fn = click.option("--keystore", type=click.Path(dir_okay=False), expose_value=False, callback=_store("keystore"),
                      help="Keystore file (v3 JSON).")(fn)
    fn = click.option("--password-file", type=click.Path(dir_okay=False), expose_value=False,
                      callback=_store("password_file"),
                      help=f"File holding the keystore password (or set {accounts.PASSWORD_ENV}).")(fn)
    fn = click.option("--dev-account", type=int, metavar="N", expose_value=False, callback=_store("dev_account"),
                      help="Anvil's public development key N (chain 31337 only).")(fn)
    return fn


def passport_options(fn):
    @click.argument("certificate", required=False, type=click.Path(dir_okay=False))
    @click.option("--brand", help="Brand name, id or collection address.")
    @click.option("--collection", help="Collection address.")
    @click.option("--id", "passport_id", help="Passport id (0x… or decimal).")
    @wraps(fn)
    def wrapper(*args, certificate, brand, collection, passport_id, **kwargs):
        settings = click.get_current_context().ensure_object(Settings)
        return fn(*args, ref=_passport_ref(settings, certificate, brand, collection, passport_id), **kwargs)
    return wrapper


def _passport_ref(settings, certificate, brand, collection, passport_id) -> dict:
    """A passport named by an owner certificate, or by --brand/--collection with --id."""
    if certificate:
        if passport_id or collection or brand:
            raise click.UsageError("pass either a certificate file or --brand/--collection with --id, not both")
        data = read_json(certificate, "certificate")
        if is_disclosure(data):
            shown = Disclosure.from_dict(data)
            return {"collection": shown.collection, "passport_id": shown.passport_id, "certificate": None,
                    "disclosure": shown}
        cert = Certificate.from_dict(data)
        return {"collection": cert.collection, "passport_id": cert.claimed_passport_id or cert.passport_id,
                "certificate": cert}
    if not passport_id:
        raise click.UsageError("pass a certificate file, or --brand/--collection with --id")
    if collection:
        address = parse_address(collection, "collection")
    elif brand:
        address = settings.consortium.brand(brand).collection
    else:
        raise click.UsageError("pass --brand or --collection with --id")
    return {"collection": address, "passport_id": parse_passport_id(passport_id), "certificate": None}


pass_settings = click.make_pass_decorator(Settings, ensure=True)


class CommandError(click.ClickException):
    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class LuxpassGroup(click.Group):
    """Turns library errors into one line on stderr and their exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LuxpassError as exc:
            raise CommandError(str(exc), exc.exit_code) from None
        except requests.exceptions.RequestException as exc:
            raise CommandError(f"lost the connection to the node ({type(exc).__name__}); check it and run the "
                               "same command again", 1) from None
        except (MismatchedABI, Web3ValidationError):
            raise CommandError("a value does not fit the contract's argument types (a number above 2**256 - 1?); "
                               "check the values given", 2) from None


@click.group(cls=LuxpassGroup)
@click.version_option(package_name="luxpass")
def cli():
    """Digital product passports for luxury goods, on a consortium chain."""


# --- node -------------------------------------------------------------------------------

@cli.group(cls=LuxpassGroup)
def node_group():
    """A local Anvil node whose chain survives restarts."""


cli.add_command(node_group, "node")

data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False),
                               help="Folder of the node's state (default $LUXPASS_HOME/node).")


@node_group.command("start")
@data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), default=8545, show_default=True,
              help="Port the node listens on (127.0.0.1 only).")
@click.option("--block-time", type=float, help="Mine a block every N seconds instead of on each transaction.")
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")
def node_start(data_dir, port, block_time, json_):
    """Start the node (or report the one already running)."""
    _emit_node(node.start(node.data_dir(data_dir), port, block_time), json_)


@node_group.command("stop")
@data_dir_option
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")
def node_stop(data_dir, json_):
    """Stop the node cleanly, writing its state."""
    _emit_node(node.stop(node.data_dir(data_dir)), json_)


@node_group.command("status")
@data_dir_option
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")
def node_status(data_dir, json_):
    """Whether the node runs, its RPC URL, chain id and block."""
    _emit_node(node.status(node.data_dir(data_dir)), json_)


def _emit_node(status, json_):
    Settings(json=json_).emit(status)


# --- accounts ---------------------------------------------------------------------------

@cli.group(cls=LuxpassGroup)
def account():
    """Keystores (v3 JSON, readable by brownie, ape and cast)."""


@account.command("new")
@click.argument("name")
@click.option("--password-file", type=click.Path(dir_okay=False),
              help=f"File holding the new keystore's password (or set {accounts.PASSWORD_ENV}; else a prompt).")
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")
def account_new(name, password_file, json_):
    """Create a keystore with a new random key."""
    prompt = (lambda: click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)) \
        if sys.stdin.isatty() else None
    address, path = accounts.create_keystore(name, accounts.read_password(password_file, prompt))
    Settings(json=json_).emit({"name": name, "address": address, "keystore": str(path)})


@account.command("list")
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")
def account_list(json_):
    """Keystores found in the luxpass, brownie and foundry folders."""
    found = [{"name": n, "address": a, "keystore": str(p)} for n, a, p in accounts.list_keystores()]
    Settings(json=json_).emit(found, "\n".join(f"{f['name']}  {f['address']}  {f['keystore']}" for f in found)
                              or "no keystores")


# --- consortium -------------------------------------------------------------------------

@cli.command("deploy")
@click.option("--founder", "founders", multiple=True, required=True, metavar="NAME:SYMBOL:COUNCIL",
              help="A founding brand and its council address; repeat for each.")
@click.option("--quorum-bps", type=int, default=DEFAULT_QUORUM_BPS, show_default=True,
              help="Share of active members, in basis points, that yes votes must exceed.")
@click.option("--voting-period", type=click.IntRange(1), default=DEFAULT_VOTING_PERIOD, show_default=True,
              help="Seconds a proposal stays open.")
@click.option("--force", is_flag=True,
              help="Deploy although this chain has a live registry; the old one stays recorded and verifiable.")
@rpc_options
@account_options
@pass_settings
def deploy_command(settings, founders, quorum_bps, voting_period, force):
    """Deploy the registry with its founding brands and record it for this chain. Refused when
    the chain already has a live registry, unless --force.

    Example: luxpass deploy --founder 'Maison Aurel:AUR:0x…' --founder 'Casa Vellutti:VEL:0x…' --account deployer"""
    parsed = []
    for text in founders:
        parts = text.rsplit(":", 2)
        if len(parts) != 3 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"--founder {text!r} is not NAME:SYMBOL:COUNCIL", "e.g. --founder 'Maison Aurel:AUR:0x…'")
        parsed.append(Founder(parts[0].strip(), parts[1].strip(), parse_address(parts[2], "council")))
    settings.emit(deploy(settings.chain, parsed, quorum_bps, voting_period, force))


@cli.group(cls=LuxpassGroup)
def brand():
    """Member brands and the council's votes."""


@brand.command("list")
@rpc_options
@pass_settings
def brand_list(settings):
    """Every brand with its status and collection."""
    brands = settings.consortium.brands()
    settings.emit(brands, "\n".join(f"{b.brand_id}  {b.name:<24} {cli_name(b.status):<10} {b.collection}  "
                                    f"council {b.council}" for b in brands))


@brand.command("show")
@click.argument("brand_ref", metavar="BRAND")
@rpc_options
@pass_settings
def brand_show(settings, brand_ref):
    """One brand by name, id or collection address."""
    settings.emit(settings.consortium.brand(brand_ref))


@brand.command("propose")
@click.argument("action", type=click.Choice(["admit", "suspend", "reinstate", "remove"]))
@click.argument("target", metavar="NAME|BRAND")
@click.option("--symbol", help="Token symbol of the brand to admit.")
@click.option("--council", help="Council (governance and admin) address of the brand to admit.")
@rpc_options
@account_options
@pass_settings
def brand_propose(settings, action, target, symbol, council):
    """Propose to admit a brand (NAME) or to suspend, reinstate or remove one (BRAND)."""
    if action == "admit":
        if not symbol or not council:
            raise click.UsageError("admit needs --symbol and --council")
        proposal = settings.consortium.propose_admission(target, symbol, council)
    else:
        if symbol or council:
            raise click.UsageError(f"{action} takes no --symbol or --council")
        proposal = settings.consortium.propose_brand_status(target, from_cli_name(ProposalKind, action))
    settings.emit(proposal)


@brand.command("vote")
@click.argument("proposal_id", type=click.IntRange(1))
@click.option("--yes/--no", "support", required=True, help="Vote for or against.")
@rpc_options
@account_options
@pass_settings
def brand_vote(settings, proposal_id, support):
    """Cast your brand's vote; the proposal executes when it passes the quorum."""
    settings.emit(settings.consortium.vote(proposal_id, support))


@brand.command("proposals")
@rpc_options
@pass_settings
def brand_proposals(settings):
    """Every proposal with its state and votes."""
    proposals = settings.consortium.proposals()
    settings.emit(proposals, "\n".join(
        f"{p.proposal_id}  {cli_name(p.kind):<10} {cli_name(p.state):<9} yes {p.yes} no {p.no}  "
        f"{p.name or p.account or 'brand ' + str(p.brand_id)}" for p in proposals) or "no proposals")


@cli.command("accredit")
@click.argument("account_address", metavar="ACCOUNT")
@click.option("--as", "as_", type=click.Choice(["reseller", "marketplace", "auditor"]), required=True,
              help="The accreditation proposed.")
@click.option("--revoke", is_flag=True, help="Propose to revoke the accreditation instead.")
@rpc_options
@account_options
@pass_settings
def accredit(settings, account_address, as_, revoke):
    """Propose to accredit (or revoke) a reseller, marketplace or auditor; members vote on it."""
    settings.emit(settings.consortium.propose_accreditation(account_address, from_cli_name(Accreditation, as_),
                                                             not revoke))


# --- a brand's collection ---------------------------------------------------------------

collection_options = [
    click.option("--brand", "brand_ref", help="Brand name, id or collection address."),
    click.option("--collection", help="Collection address."),
]


def with_collection(fn):
    for option in reversed(collection_options):
        fn = option(fn)
    return fn


@cli.group(cls=LuxpassGroup)
def role():
    """The brand admin grants and revokes its own roles."""


@role.command("grant")
@click.argument("role_name", metavar="ROLE", type=click.Choice(["minter", "retailer", "service", "admin"]))
@click.argument("account_address", metavar="ACCOUNT")
@with_collection
@rpc_options
@account_options
@pass_settings
def role_grant(settings, role_name, account_address, brand_ref, collection):
    """Grant ROLE in your brand's collection to ACCOUNT; nothing is sent if it already holds it.

    Example: luxpass role grant minter 0x… --brand "Maison Aurel" --account aurel-admin"""
    tx = settings.collection(brand_ref, collection).set_role(role_name, account_address, True)
    settings.emit({"role": role_name, "account": account_address, "granted": True, "tx": tx,
                   "unchanged": tx is None})


@role.command("revoke")
@click.argument("role_name", metavar="ROLE", type=click.Choice(["minter", "retailer", "service", "admin"]))
@click.argument("account_address", metavar="ACCOUNT")
@with_collection
@rpc_options
@account_options
@pass_settings
def role_revoke(settings, role_name, account_address, brand_ref, collection):
    """Revoke ROLE in your brand's collection from ACCOUNT; nothing is sent if it does not hold it."""
    tx = settings.collection(brand_ref, collection).set_role(role_name, account_address, False)
    settings.emit({"role": role_name, "account": account_address, "granted": False, "tx": tx,
                   "unchanged": tx is None})


@cli.command("mint")
@with_collection
@click.option("--serial", help="Serial number of one product.")
@click.option("--field", "fields", multiple=True, metavar="NAME=VALUE", help="A field of the product record.")
@click.option("--record", type=click.Path(dir_okay=False), help="The product record as a JSON file.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), help="Mint in bulk from a product CSV.")
@click.option("--out", type=click.Path(file_okay=False), help="Result folder of a bulk mint (default CSV.passports).")
@click.option("--batch-size", type=click.IntRange(1), default=bulk.DEFAULT_BATCH_SIZE, show_default=True,
              help="Passports per transaction of a bulk mint.")
@click.option("--to", "to", help="Brand custody account to hold the passports (default: the signer).")
@click.option("--certificate", "certificate_out", type=click.Path(dir_okay=False),
              help="Where to write the owner certificate of a single mint, a new file "
                   "(default $LUXPASS_HOME/certificates/CHAIN/PASSPORT.json).")
@click.option("--reissue", metavar="REASON",
              help="Issue a passport for a serial that already has one, on purpose; the reason is recorded.")
@rpc_options
@account_options
@pass_settings
def mint(settings, brand_ref, collection, serial, fields, record, csv_file, out, batch_size, to, certificate_out,
         reissue):
    """Mint one product's passport, or many from --csv (resumable: run it again after a stop).
    A serial the brand already issued is refused unless --reissue says why.

    Example: luxpass mint --brand "Maison Aurel" --serial AUR-1 --field gtin=03012345678906 --account factory"""
    target = settings.collection(brand_ref, collection)
    if csv_file:
        if serial or fields or record or certificate_out:
            raise click.UsageError("--csv takes no --serial, --field, --record or --certificate")
        out_dir = Path(out) if out else Path(csv_file).with_suffix(".passports")
        with _progress(settings) as progress:
            result = bulk.mint_csv(target, Path(csv_file), out_dir, to, batch_size, progress, reissue)
        settings.emit(result)
        return
    if record and (serial or fields):
        raise click.UsageError("pass either --record or --serial/--field")
    if record:
        product = read_json(record, "record")
    else:
        product = {"serial": serial} if serial else {}
        for item in fields:
            name, sep, value = item.partition("=")
            if not sep:
                raise InputError(f"--field {item!r} is not NAME=VALUE", "e.g. --field model=Tote")
            product[name] = value
    minted = target.mint(product, to, Path(certificate_out) if certificate_out else None, reissue)
    click.echo(f"owner certificate written to {minted.certificate_file}", err=True)
    settings.emit(minted)


@cli.command("issue")
@with_collection
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), required=True, help="The batch's product CSV.")
@click.option("--out", type=click.Path(file_okay=False), help="Result folder (default CSV.batch).")
@click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=DEFAULT_DEPTH, show_default=True,
              help="Pad the batch to 2**DEPTH products, so that no proof tells its size.")
@click.option("--reissue", metavar="REASON",
              help="Issue products whose serials already have a passport, on purpose; the reason is recorded.")
@rpc_options
@account_options
@pass_settings
def issue(settings, brand_ref, collection, csv_file, out, depth, reissue):
    """Commit a whole production batch from --csv with one transaction, its Merkle root, and write
    each product's certificate with its proof; a retailer claims the passport at the first sale
    (`transfer --first-sale`). Resumable: run it again after a stop."""
    target = settings.collection(brand_ref, collection)
    out_dir = Path(out) if out else Path(csv_file).with_suffix(".batch")
    settings.emit(issue_csv(target, Path(csv_file), out_dir, depth, reissue))


class _progress:
    """A progress bar on stderr, silent with --json."""

    def __init__(self, settings):
        self.settings = settings

    def __enter__(self):
        from rich.progress import Progress

        self.bar = Progress(console=_stderr_console(), disable=self.settings.json or not sys.stderr.isatty())
        self.bar.start()
        self.task = None
        return self

    def __call__(self, advance: int, total: int):
        if self.task is None:
            self.task = self.bar.add_task("minting", total=total)
        self.bar.update(self.task, advance=advance)

    def __exit__(self, *exc):
        self.bar.stop()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@cli.command("event")
@passport_options
@click.option("--kind", required=True, type=click.Choice([cli_name(k) for k in EventKind]),
              help="The lifecycle event recorded.")
@click.option("--details", help="The event's off-chain details; only a salted hash goes on chain.")
@click.option("--details-file", type=click.Path(dir_okay=False), help="Read the details from a file.")
@rpc_options
@account_options
@pass_settings
def event(settings, ref, kind, details, details_file):
    """Record a lifecycle event of a passport."""
    if (details is None) == (details_file is None):
        raise click.UsageError("pass one of --details or --details-file")
    if details_file:
        try:
            details = Path(details_file).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {details_file}: {exc}", "check the path") from None
    target = Collection(settings.chain, ref["collection"])
    settings.emit(target.record_event(ref["passport_id"], from_cli_name(EventKind, kind), details))


@cli.command("transfer")
@click.argument("certificate", required=False, type=click.Path(dir_okay=False))
@click.option("--brand", help="Brand name, id or collection address.")
@click.option("--collection", help="Collection address.")
@click.option("--id", "passport_id", help="Passport id (0x… or decimal).")
@click.option("--to", "to", help="The new owner's address (optional with a consent that names the buyer).")
@click.option("--first-sale", is_flag=True,
              help="A retailer's first sale out of brand custody; with a batch certificate, claims the passport.")
@click.option("--consent", "consent_file", type=click.Path(dir_okay=False),
              help="An accredited reseller records a resale with the seller's signed consent.")
@click.option("--permit", "permit_file", type=click.Path(dir_okay=False),
              help="The spender uses the owner's ERC-4494 permit and moves the passport.")
@rpc_options
@account_options
@pass_settings
def transfer(settings, certificate, brand, collection, passport_id, to, first_sale, consent_file, permit_file):
    """Transfer a passport: a retailer's first sale, the owner's private transfer, a resale
    with the seller's consent, or a move under a permit."""
    if sum(map(bool, (first_sale, consent_file, permit_file))) > 1:
        raise click.UsageError("pass only one of --first-sale, --consent, --permit")
    if consent_file or permit_file:
        if certificate or brand or passport_id:
            raise click.UsageError("the signed file names the passport; pass no certificate, --brand or --id")
        signed = consent.Signed.load(consent_file or permit_file)
        target = Collection(settings.chain, collection or signed.message.get("collection")
                            or signed.typed_data["domain"]["verifyingContract"])
        if consent_file:
            settings.emit(consent.submit_resale(target, signed, to))
        else:
            if not to:
                raise click.UsageError("--permit needs --to BUYER")
            settings.emit(consent.submit_permit(target, signed, to))
        return
    if not to:
        raise click.UsageError("pass --to NEW_OWNER")
    ref = _passport_ref(settings, certificate, brand, collection, passport_id)
    target = Collection(settings.chain, ref["collection"])
    if first_sale and ref["certificate"] is not None and ref["certificate"].batch is not None:
        settings.emit(target.claim(ref["certificate"], to))
    elif first_sale:
        settings.emit(target.first_sale(ref["passport_id"], to))
    else:
        settings.emit(target.transfer(ref["passport_id"], to))


@cli.group(cls=LuxpassGroup, invoke_without_command=False)
def report():
    """Lost, stolen, found, destroyed: the passport's status."""


def _report_command(what: str, help_text: str):
    @report.command(what, help=help_text)
    @passport_options
    @rpc_options
    @account_options
    @pass_settings
    def command(settings, ref):
        status = Status.ACTIVE if what == "found" else from_cli_name(Status, what)
        settings.emit(Collection(settings.chain, ref["collection"]).report(ref["passport_id"], status))
    return command


_report_command("lost", "The owner reports the passport lost; it cannot move until found.")
_report_command("stolen", "The owner reports the passport stolen; it cannot move until found.")
_report_command("found", "The owner who reported it reports it found.")
_report_command("destroyed", "Final: the owner, or the brand admin while it is in brand custody.")


@report.command("request-clear")
@passport_options
@click.option("--deadline", default="7d", show_default=True, help="How long the request stays valid.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the signed request.")
@rpc_options
@account_options
@pass_settings
def report_request_clear(settings, ref, deadline, out):
    """The reporting owner signs a request that the brand clear the report (no gas)."""
    target = Collection(settings.chain, ref["collection"])
    signed = consent.sign_clear_request(target, ref["passport_id"], consent.deadline_on(target, deadline))
    write_json_new(Path(out), signed.to_dict(), "signed file")
    settings.emit({"request": out, "signer": signed.signer})


@report.command("clear")
@click.argument("request", type=click.Path(dir_okay=False))
@rpc_options
@account_options
@pass_settings
def report_clear(settings, request):
    """The brand admin clears a lost or stolen report with the reporting owner's signed request."""
    signed = consent.Signed.load(request)
    target = Collection(settings.chain, signed.typed_data["domain"]["verifyingContract"])
    settings.emit(consent.submit_clear_request(target, signed))


@cli.group(cls=LuxpassGroup)
def consent_group():
    """Sign a resale consent or a permit with the owner's key, and check one."""


cli.add_command(consent_group, "consent")


@consent_group.command("sign")
@passport_options
@click.option("--reseller", help="The accredited reseller you chose: the only account that may submit the consent.")
@click.option("--any-reseller", is_flag=True, help="Let any accredited reseller submit it (instead of --reseller).")
@click.option("--buyer", help="The buyer's address (default: any buyer the reseller names).")
@click.option("--terms", required=True, help="The sale terms (price, currency…); only a salted hash is signed.")
@click.option("--deadline", default="7d", show_default=True, help="How long the consent stays valid.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the signed consent.")
@rpc_options
@account_options
@pass_settings
def consent_sign(settings, ref, reseller, any_reseller, buyer, terms, deadline, out):
    """The seller consents to a resale through the accredited reseller they chose (no gas)."""
    if bool(reseller) == any_reseller:
        raise click.UsageError("name the reseller with --reseller ADDRESS (or allow any with --any-reseller)")
    target = Collection(settings.chain, ref["collection"])
    signed = consent.sign_resale_consent(target, ref["passport_id"], buyer, terms, consent.deadline_on(target, deadline),
                                         reseller)
    write_json_new(Path(out), signed.to_dict(), "signed file")
    settings.emit({"consent": out, "signer": signed.signer, "digest": "0x" + signed.digest.hex()})


@consent_group.command("permit")
@passport_options
@click.option("--spender", required=True, help="Who may move the passport (e.g. a marketplace).")
@click.option("--deadline", default="7d", show_default=True, help="How long the permit stays valid.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the signed permit (a new file).")
@rpc_options
@account_options
@pass_settings
def consent_permit(settings, ref, spender, deadline, out):
    """The owner signs an ERC-4494 permit: list on a marketplace without handing over custody."""
    target = Collection(settings.chain, ref["collection"])
    signed = consent.sign_permit(target, ref["passport_id"], spender, consent.deadline_on(target, deadline))
    write_json_new(Path(out), signed.to_dict(), "signed file")
    settings.emit({"permit": out, "signer": signed.signer, "digest": "0x" + signed.digest.hex()})


@consent_group.command("revoke")
@passport_options
@rpc_options
@account_options
@pass_settings
def consent_revoke(settings, ref):
    """The owner withdraws every consent, permit and rebind request signed for the passport."""
    settings.emit(consent.revoke_signatures(Collection(settings.chain, ref["collection"]), ref["passport_id"]))


@consent_group.command("check")
@click.argument("consent_file", metavar="CONSENT", type=click.Path(dir_okay=False))
@rpc_options
@pass_settings
def consent_check(settings, consent_file):
    """Check a resale consent against the chain exactly as the contract would."""
    signed = consent.Signed.load(consent_file)
    target = Collection(settings.chain, signed.typed_data["domain"]["verifyingContract"])
    verdict, reason = consent.check_consent(target, signed)
    settings.emit({"valid": verdict == "ok", "error": None if verdict == "ok" else verdict, "reason": reason})
    if verdict != "ok":
        click.get_current_context().exit(3)


@cli.group(cls=LuxpassGroup)
def recovery():
    """Move a passport to a new address for an owner who lost their wallet (with a delay)."""


@recovery.command("request")
@passport_options
@click.option("--to", "to", required=True, help="The owner's new address.")
@rpc_options
@account_options
@pass_settings
def recovery_request(settings, ref, to):
    """The brand admin starts a recovery; the old address can cancel it during the delay."""
    settings.emit(Collection(settings.chain, ref["collection"]).request_recovery(ref["passport_id"], to))


@recovery.command("cancel")
@passport_options
@rpc_options
@account_options
@pass_settings
def recovery_cancel(settings, ref):
    """The current owner (or the brand admin) cancels a pending recovery."""
    settings.emit(Collection(settings.chain, ref["collection"]).cancel_recovery(ref["passport_id"]))


@recovery.command("complete")
@passport_options
@rpc_options
@account_options
@pass_settings
def recovery_complete(settings, ref):
    """Anyone completes a recovery once its delay has passed."""
    settings.emit(Collection(settings.chain, ref["collection"]).complete_recovery(ref["passport_id"]))


@recovery.command("show")
@passport_options
@rpc_options
@pass_settings
def recovery_show(settings, ref):
    """The pending recovery of a passport, if any."""
    settings.emit(Collection(settings.chain, ref["collection"]).recovery_of(ref["passport_id"]))


@cli.command("resales")
@click.option("--brand", "brand_ref", required=True, help="Your brand: name, id or collection address.")
@click.option("--period", type=click.Choice(list(PERIODS)), default="month", show_default=True,
              help="Group the resales by this period.")
@rpc_options
@pass_settings
def resales(settings, brand_ref, period):
    """Your collection's second-hand market: resales per period and reseller, time to resale."""
    settings.emit(resale_figures(settings.consortium, brand_ref, period))


@cli.command("verify")
@passport_options
@rpc_options
@pass_settings
def verify_command(settings, ref):
    """Check a passport by owner certificate, by collection and id, or a holder's disclosure of
    chosen fields (showing only those). Exit 0 when authentic, 3 when not, with the reason."""
    if "disclosure" in ref:
        _verify_disclosure(settings, ref["disclosure"])
        return
    verdict = verify(settings.consortium, ref["collection"], ref["passport_id"], ref["certificate"])
    if settings.json:
        settings.emit(verdict)
    else:
        head = "AUTHENTIC" if verdict.authentic else "NOT AUTHENTIC"
        lines = [f"{head}: {verdict.reason}", f"collection: {verdict.collection}",
                 f"passport: {verdict.passport_id}"]
        if verdict.brand:
            lines.append(f"brand: {verdict.brand} ({verdict.brand_status})")
        if verdict.exists:
            lines += [f"status: {verdict.status}", f"owner: {verdict.owner}"]
        if verdict.batch_root:
            lines.append(f"batch: {verdict.batch_root}")
        lines += [f"warning: {w}" for w in verdict.warnings]
        settings.emit(verdict, "\n".join(lines))
    if not verdict.authentic:
        click.get_current_context().exit(3)


def _verify_disclosure(settings, disclosure: Disclosure) -> None:
    check = check_disclosure(settings.consortium, disclosure)
    lines = [f"{'AUTHENTIC' if check.authentic else 'NOT AUTHENTIC'}: {check.reason}"]
    if check.verdict and check.verdict.brand:
        lines.append(f"brand: {check.verdict.brand} ({check.verdict.brand_status})")
    lines += [f"{name}: {value}" for name, value in check.fields.items()]
    settings.emit(check, "\n".join(lines))
    if not check.authentic:
        click.get_current_context().exit(3)


@cli.command("disclose")
@click.argument("certificate", type=click.Path(dir_okay=False))
@click.option("--field", "fields", multiple=True, required=True, metavar="NAME",
              help="A field of the record to disclose; repeat for each. Every other field stays hidden.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the disclosure.")
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")
def disclose_command(certificate, fields, out, json_):
    """Prove chosen fields of your product ("made in Italy, calfskin") without revealing the
    rest; anyone checks the file with `luxpass verify`."""
    disclosure = disclose(Certificate.load(certificate), list(fields))
    save_disclosure(disclosure, Path(out), Path(certificate))
    Settings(json=json_).emit({"disclosure": out, "fields": list(disclosure.fields)})


@cli.command("history")
@passport_options
@rpc_options
@pass_settings
def history_command(settings, ref):
    """A passport's whole story, lifecycle and owners, read from the chain."""
    story = history(settings.consortium, ref["collection"], ref["passport_id"], Index(settings.consortium))
    if settings.json:
        settings.emit(story)
        return
    lines = [f"{story.brand} passport {story.passport_id}",
             f"status {story.status}, owner {story.owner}, {story.owners} owner(s) after the brand, "
             f"{story.resales} resale(s)",
             f"history head {story.head} ({'verified against the logs' if story.head_verified else 'MISMATCH'})"]
    for e in story.entries:
        when = utc(e.timestamp)
        if e.record == "ownership":
            what = f"{e.kind}: {e.from_} -> {e.to}" + (" via reseller" if e.kind == "resale" else "")
        elif e.record == "lifecycle":
            what = f"{e.kind} (details {e.details_hash[:18]}…)"
        else:
            what = f"status {e.kind}"
        lines.append(f"  {when}  block {e.block:<6} {what}  by {e.by}")
    settings.emit(story, "\n".join(lines))


@cli.command("screen")
@click.argument("listings", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Write the verdicts as CSV (default: stdout).")
@click.option("--chunk", type=click.IntRange(1), default=screening.CHUNK, show_default=True,
              help="Passports per call, to stay under the node's call gas limit.")
@rpc_options
@pass_settings
def screen_command(settings, listings, out, chunk):
    """Screen a marketplace's listings (CSV) against the registry, one verdict per row."""
    results = screening.screen(settings.consortium, screening.read_listings(Path(listings)), chunk)
    bad = sum(not r.authentic for r in results)
    click.echo(f"{len(results)} listings screened: {len(results) - bad} authentic, {bad} not", err=True)
    if settings.json:
        settings.emit(results)
    elif out:
        screening.write_results(results, Path(out))
        click.echo(f"verdicts written to {out}", err=True)
    else:
        click.echo("listing,collection,passport_id,seller,verdict,reason")
        for r in results:
            click.echo(f"{r.listing},{r.collection},{r.passport_id},{r.seller or ''},"
                       f"{'authentic' if r.authentic else 'not-authentic'},{r.reason}")


@cli.group(cls=LuxpassGroup)
def cases():
    """Counterfeit cases: marketplaces file, brands rule."""


@cases.command("file")
@click.option("--brand", "brand_ref", required=True, help="The brand the listing claims to be.")
@click.option("--listing", required=True, help="The listing's reference (only its hash goes on chain).")
@click.option("--evidence", required=True, help="The evidence, or a reference to it (only its hash goes on chain).")
@click.option("--collection", help="The collection of the passport the listing claims, if any.")
@click.option("--id", "passport_id", help="The passport the listing claims, if any.")
@rpc_options
@account_options
@pass_settings
def cases_file(settings, brand_ref, listing, evidence, collection, passport_id):
    """An accredited marketplace files a case against a listing."""
    pid = parse_passport_id(passport_id) if passport_id else None
    settings.emit(CaseBook(settings.consortium).file(brand_ref, listing, evidence, collection, pid))


@cases.command("list")
@click.option("--brand", "brand_ref", help="Only this brand's cases.")
@click.option("--marketplace", help="Only the cases this marketplace filed.")
@rpc_options
@pass_settings
def cases_list(settings, brand_ref, marketplace):
    """Cases with their rulings."""
    found = CaseBook(settings.consortium).cases(brand_ref, marketplace)
    settings.emit(found, "\n".join(f"{c.case_id}  brand {c.brand_id}  {c.ruling:<11} listing {c.listing_ref[:18]}…  "
                                   f"by {c.marketplace}" for c in found) or "no cases")


@cases.command("rule")
@click.argument("case_id", type=click.IntRange(1))
@click.argument("ruling", type=click.Choice(RULINGS[1:]))
@click.option("--reason", required=True, help="The reason (only its hash goes on chain).")
@rpc_options
@account_options
@pass_settings
def cases_rule(settings, case_id, ruling, reason):
    """The brand's council rules on a case, once."""
    settings.emit(CaseBook(settings.consortium).rule(case_id, ruling, reason))


@cli.group(cls=LuxpassGroup, invoke_without_command=True)
@click.option("--collection", "brand_refs", multiple=True, help="A brand (name, id or collection); repeat.")
@click.option("--all", "all_", is_flag=True, help="Every collection of the consortium.")
@click.option("--out", type=click.Path(dir_okay=False), help="Report path without extension (writes .json and .csv).")
@rpc_options
@account_options
@click.pass_context
def audit(ctx, brand_refs, all_, out):
    """Re-derive every passport's history head from the logs and compare it with the chain;
    write a signed report (JSON and CSV)."""
    if ctx.invoked_subcommand:
        return
    settings = ctx.ensure_object(Settings)
    if bool(brand_refs) == all_:
        raise click.UsageError("pass --collection BRAND (repeatable) or --all")
    index = Index(settings.consortium)
    with _progress(settings) as progress:
        index.sync(progress=progress)
    result = audits.audit(settings.consortium, index, list(brand_refs) or None)
    report = result.report
    if settings.chain.account is not None:
        report = result.report = audits.sign_report(report, settings.chain.account)
    stem = Path(out) if out else Path(f"audit-{settings.chain.chain_id}-{report['block']['number']}")
    json_path, csv_path = audits.write_report(result, stem)
    summary = {"report": str(json_path), "csv": str(csv_path), "block": report["block"]["number"],
               "passports": report["totals"]["passports"], "discrepancies": report["totals"]["discrepancies"],
               "signed_by": report.get("auditor")}
    settings.emit(summary)
    if report["discrepancies"]:
        for d in report["discrepancies"][:20]:
            click.echo(f"discrepancy: passport {d['passport_id']} record {d['record']}: {d['problem']}", err=True)
        ctx.exit(3)


@audit.command("check")
@click.argument("report", type=click.Path(dir_okay=False))
@click.option("--offline", is_flag=True, help="Check digest and signature only, without a node.")
@rpc_options
@pass_settings
def audit_check(settings, report, offline):
    """Verify a report's digest and signature (and, online, the auditor's accreditation and anchor)."""
    check = audits.check_report(Path(report), None if offline else settings.consortium)
    settings.emit(check)
    if not check.valid:
        click.get_current_context().exit(3)


@audit.command("attest")
@click.argument("report", type=click.Path(dir_okay=False))
@rpc_options
@account_options
@pass_settings
def audit_attest(settings, report):
    """An accredited auditor anchors the report's digest on chain."""
    settings.emit({"report": report, "tx": audits.attest(settings.consortium, Path(report))})


@cli.command("index")
@rpc_options
@pass_settings
def index_command(settings):
    """Bring the local index of every collection's records up to date."""
    index = Index(settings.consortium)
    with _progress(settings) as progress:
        settings.emit(index.sync(progress=progress))


@cli.group(cls=LuxpassGroup, name="chip")
def chip_group():
    """The NFC chip set in a product."""


@chip_group.command("bind")
@passport_options
@click.option("--chip", "chip_address", required=True, help="The chip's public address.")
@rpc_options
@account_options
@pass_settings
def chip_bind(settings, ref, chip_address):
    """Bind a passport to its product's chip (brand minter or service centre)."""
    settings.emit(chip.bind_chip(Collection(settings.chain, ref["collection"]), ref["passport_id"], chip_address))


def main() -> None:
    cli(prog_name="luxpass")


from .web import certificate, serve  # noqa: E402 (they import this module)

cli.add_command(certificate)
cli.add_command(serve)

from .net import consortium_net  # noqa: E402 (it imports this module)

cli.add_command(consortium_net, "consortium-net")
