"""Parsing belongs here: click types for the values the commands take, and the option bundles
the commands share. A bad value ends as one `error:` line naming it and the fix (exit 2)."""
from dataclasses import dataclass, field
from functools import cached_property, wraps

import click

from ..chain import accounts
from ..chain.connection import DEFAULT_RPC_URL
from ..errors import InputError
from ..files import read_json
from ..local import signed_files
from ..onchain.collection import Collection
from ..onchain.consent import Signed
from ..onchain.registry import Founder
from ..proofs.certificate import Certificate
from ..proofs.disclosure import Disclosure, is_disclosure
from ..results import cli_name, from_cli_name
from ..values import check_new_record, parse_address, parse_passport_id
from .base import DEFAULT_TIMEOUT, Settings, pass_settings


class Address(click.ParamType):
    """An account or contract address: 0x and 40 hex digits, EIP-55 checksum if mixed case."""

    name = "address"

    def __init__(self, what: str = "address"):
        self.what = what

    def convert(self, value, param, ctx):
        try:
            return parse_address(value, self.what)
        except InputError as exc:
            self.fail(f"{exc.problem}; {self.fix(value) or exc.fix}", param, ctx)

    def fix(self, value: str) -> str | None:
        return None


class CollectionAddress(Address):
    """A brand's collection, by its address (a brand's name or id goes in --brand)."""

    name = "collection address"

    def __init__(self):
        super().__init__("collection")

    def fix(self, value: str) -> str | None:
        if not str(value).strip().startswith("0x"):
            return f"--collection takes an address; to name a brand by name or id, pass --brand {value!r}"
        return None


class PassportId(click.ParamType):
    """A passport (token) id: 0x and up to 64 hex digits, or its decimal value."""

    name = "passport id"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return parse_passport_id(value)
        except InputError as exc:
            self.fail(f"{exc.problem}; {exc.fix}", param, ctx)


class FounderSpec(click.ParamType):
    """A founding brand: NAME:SYMBOL:COUNCIL."""

    name = "NAME:SYMBOL:COUNCIL"

    def convert(self, value, param, ctx):
        if isinstance(value, Founder):
            return value
        parts = value.rsplit(":", 2)
        if len(parts) != 3 or not parts[0].strip() or not parts[1].strip():
            self.fail(f"{value!r} is not NAME:SYMBOL:COUNCIL; e.g. --founder 'Maison Aurel:AUR:0x…'", param, ctx)
        return Founder(parts[0].strip(), parts[1].strip(), Address("council").convert(parts[2], param, ctx))


class RecordField(click.ParamType):
    """A field of a product record, NAME=VALUE; a value of a known format (a GTIN, a date) is
    checked here, before anything else is done."""

    name = "NAME=VALUE"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        name, sep, text = str(value).partition("=")
        if not sep or not name.strip():
            self.fail(f"{value!r} is not NAME=VALUE; e.g. --field model=Tote", param, ctx)
        try:
            check_new_record({name.strip(): text.strip()})
        except InputError as exc:
            self.fail(f"{exc.problem}; {exc.fix}", param, ctx)
        return name.strip(), text


class EnumChoice(click.Choice):
    """One member of a contract enum, by its name on the command line (`quality-checked`)."""

    def __init__(self, enum_type, members=None):
        self.enum_type = enum_type
        super().__init__([cli_name(m) for m in (members or enum_type)])

    def convert(self, value, param, ctx):
        if isinstance(value, self.enum_type):
            return value
        return from_cli_name(self.enum_type, super().convert(value, param, ctx))


ADDRESS = Address()
COLLECTION = CollectionAddress()
PASSPORT_ID = PassportId()


def _store(name):
    def callback(ctx, _param, value):
        settings = ctx.ensure_object(Settings)
        if value is not None and value != ():
            setattr(settings, name, value)
        return value
    return callback


json_option = click.option("--json", "json_", is_flag=True, default=None, expose_value=False, callback=_store("json"),
                           help="Print the result as JSON only.")


def rpc_options(fn):
    fn = click.option("--rpc-url", envvar="ETH_RPC_URL", default=DEFAULT_RPC_URL, show_default=True,
                      expose_value=False, callback=_store("rpc_url"), help="JSON-RPC endpoint of the chain; several nodes of one chain as URL1,URL2 (asked in turn when one "
                           "is down or trails).")(fn)
    fn = json_option(fn)
    return fn


def account_options(fn):
    """The signer, and for what it sends, the confirmations to wait for (read-only commands take neither)."""
    fn = click.option("--confirmations", type=click.IntRange(0), expose_value=False, callback=_store("confirmations"),
                      help="Blocks to wait for each transaction (default 1 on a development chain, 3 elsewhere).")(fn)
    fn = click.option("--account", metavar="NAME", expose_value=False, callback=_store("account"),
                      help="Keystore by name (luxpass, brownie and foundry keystore folders).")(fn)
    fn = click.option("--keystore", type=click.Path(dir_okay=False), expose_value=False, callback=_store("keystore"),
                      help="Keystore file (v3 JSON).")(fn)
    fn = click.option("--password-file", type=click.Path(dir_okay=False), expose_value=False,
                      callback=_store("password_file"),
                      help=f"File holding the keystore password (or set {accounts.PASSWORD_ENV}).")(fn)
    fn = click.option("--dev-account", type=int, metavar="N", expose_value=False, callback=_store("dev_account"),
                      help="Anvil's public development key N (chain 31337 only).")(fn)
    fn = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), envvar="LUXPASS_TX_TIMEOUT",
                      expose_value=False, callback=_store("timeout"), metavar="SECONDS",
                      help=f"How long to wait for the transaction to be mined, and again for its confirmations "
                           f"(default {DEFAULT_TIMEOUT}); a rerun finishes a transaction that timed out.")(fn)
    return fn


def safe_options(fn):
    """--safe ADDRESS and --safe-out FILE: a council held by a Safe drafts the command's
    transaction for the Safe's owners to sign instead of sending it."""
    fn = click.option("--safe", metavar="ADDRESS", type=Address("Safe"), expose_value=False, callback=_store("safe"),
                      help="Act for this Safe (the council): write the Safe transaction for its owners to sign "
                           "instead of sending.")(fn)
    fn = click.option("--safe-out", type=click.Path(dir_okay=False), expose_value=False, callback=_store("safe_out"),
                      help="Where --safe writes the Safe transaction (default ~/.luxpass/safe/CHAIN/…); "
                           "never over an existing file.")(fn)
    return fn


def collection_options(fn):
    """--brand NAME|ID|ADDRESS or --collection ADDRESS, passed on as `brand_ref` and `collection`."""
    fn = click.option("--collection", type=COLLECTION, help="Collection address.")(fn)
    fn = click.option("--brand", "brand_ref", help="Brand name, id or collection address.")(fn)
    return fn


@dataclass(frozen=True)
class PassportRef:
    """A passport named on the command line, built once per command: its collection's address and
    its id, the certificate, disclosure or signed message that named it, and `passports`, the
    collection to act on."""

    settings: Settings = field(repr=False, compare=False)
    collection: str
    passport_id: int
    certificate: Certificate | None = None
    disclosure: Disclosure | None = None
    signed: Signed | None = None

    @cached_property
    def passports(self) -> Collection:
        """The passport's collection, acted on through the command's sender; built on first use, so
        that naming a passport reaches no node."""
        return self.settings.collection(None, self.collection)


def passport_options(fn):
    """A passport by owner certificate (CERTIFICATE) or by --brand/--collection with --id, passed
    on as `ref`, a PassportRef."""
    @click.argument("certificate", required=False, type=click.Path(dir_okay=False))
    @collection_options
    @click.option("--id", "passport_id", type=PASSPORT_ID, help="Passport id (0x… or decimal).")
    @wraps(fn)
    def wrapper(*args, certificate, brand_ref, collection, passport_id, **kwargs):
        settings = click.get_current_context().ensure_object(Settings)
        return fn(*args, ref=passport_ref(settings, certificate, brand_ref, collection, passport_id), **kwargs)
    return wrapper


def passport_command(group: click.Group, name: str, help_text: str, act, signs: bool = True):
    """A command of `group` that names one passport and prints `act(collection, passport_id)`;
    one that `signs` takes the account options."""
    def command(settings: Settings, ref: PassportRef):
        settings.emit(act(ref.passports, ref.passport_id))
    command = pass_settings(command)
    if signs:
        command = account_options(command)
    return group.command(name, help=help_text)(passport_options(rpc_options(command)))


def passport_ref(settings: Settings, certificate, brand, collection, passport_id) -> PassportRef:
    """A passport named by an owner certificate (or a disclosure), or by --brand/--collection with --id."""
    if certificate:
        if passport_id or collection or brand:
            raise click.UsageError("pass either a certificate file or --brand/--collection with --id, not both")
        data = read_json(certificate, "certificate")
        if is_disclosure(data):
            shown = Disclosure.from_dict(data)
            return PassportRef(settings, shown.collection, shown.passport_id, disclosure=shown)
        cert = Certificate.from_dict(data)
        return PassportRef(settings, cert.collection, cert.claimed_passport_id or cert.passport_id, cert)
    if not passport_id:
        raise click.UsageError("pass a certificate file, or --brand/--collection with --id")
    if collection:
        return PassportRef(settings, collection, passport_id)
    if brand:
        return PassportRef(settings, settings.consortium.brand(brand).collection, passport_id)
    raise click.UsageError("pass --brand or --collection with --id")


def signed_ref(settings: Settings, signed_file, collection: str | None = None) -> PassportRef:
    """The passport a signed consent, permit or clear request names, in `collection` if given,
    else in the collection the signed message names."""
    signed = signed_files.load(signed_file)
    return PassportRef(settings, collection or signed.collection, parse_passport_id(signed.message["tokenId"]),
                       signed=signed)
