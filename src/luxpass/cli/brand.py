"""A brand's side: its roles, minting and batch issue, lifecycle events, wallet recovery, chips
and its resale figures (`luxpass role`, `mint`, `issue`, `event`, `recovery`, `chip`, `resales`)."""
from pathlib import Path

import click

from ..checks.resales import PERIODS, resale_figures
from ..errors import InputError
from ..files import read_json
from ..jobs import bulk
from ..jobs.batch_issue import issue_csv
from ..local import certificates
from ..onchain import chip
from ..onchain.collection import Collection
from ..proofs.batch import DEFAULT_DEPTH, MAX_DEPTH
from ..spec import ROLES, EventKind
from .base import ProgressBar, Settings, cli, pass_settings
from .epcis import epcis_import_option
from .params import (
    ADDRESS,
    Address,
    EnumChoice,
    RecordField,
    account_options,
    collection_options,
    passport_command,
    passport_options,
    rpc_options,
    safe_options,
)

ROLE_NAMES = click.Choice(list(ROLES))


@cli.group()
def role():
    """The brand admin grants and revokes its own roles."""


def _role_command(name: str, grant: bool, help_text: str) -> None:
    @role.command(name, help=help_text)
    @click.argument("role_name", metavar="ROLE", type=ROLE_NAMES)
    @click.argument("account_address", metavar="ACCOUNT", type=ADDRESS)
    @collection_options
    @rpc_options
    @account_options
    @safe_options
    @pass_settings
    def command(settings: Settings, role_name, account_address, brand_ref, collection):
        settings.emit(settings.collection(brand_ref, collection).set_role(role_name, account_address, grant))


_role_command("grant", True, """Grant ROLE in your brand's collection to ACCOUNT; nothing is sent if it already holds it.

    Example: luxpass role grant minter 0x… --brand "Maison Aurel" --account aurel-admin""")
_role_command("revoke", False, "Revoke ROLE in your brand's collection from ACCOUNT; nothing is sent if it does not "
                               "hold it.")


@cli.command("mint")
@collection_options
@click.option("--serial", help="Serial number of one product.")
@click.option("--field", "fields", multiple=True, type=RecordField(),
              help="A field of the product record; a GTIN and a date (YYYY-MM-DD) are checked.")
@click.option("--record", type=click.Path(dir_okay=False), help="The product record as a JSON file.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), help="Mint in bulk from a product CSV.")
@click.option("--out", type=click.Path(file_okay=False), help="Result folder of a bulk mint (default CSV.passports).")
@click.option("--batch-size", type=click.IntRange(1), default=bulk.DEFAULT_BATCH_SIZE, show_default=True,
              help="Passports per transaction of a bulk mint.")
@click.option("--to", "to", type=Address("recipient"),
              help="Brand custody account to hold the passports (default: the signer).")
@click.option("--certificate", "certificate_out", type=click.Path(dir_okay=False),
              help="Where to write the owner certificate of a single mint, a new file "
                   "(default ~/.luxpass/certificates/CHAIN/PASSPORT.json, or under LUXPASS_HOME).")
@click.option("--reissue", metavar="REASON",
              help="Issue a passport for a serial that already has one, on purpose; the reason is recorded.")
@rpc_options
@account_options
@pass_settings
def mint(settings: Settings, brand_ref, collection, csv_file, **options):
    """Mint one product's passport, or many from --csv (resumable: run it again after a stop).
    A serial the brand already issued is refused unless --reissue says why.

    \b
    The CSV (UTF-8, comma-separated) names its columns in its first line:
    `serial` and any others, each a field of the record; a column may declare
    its type (text, date as YYYY-MM-DD, number, gtin) after its name:
      serial,model,made_on:date,price_eur:number,gtin
    Every bad line is named, up to 20, before anything is sent.

    Example: luxpass mint --brand "Maison Aurel" --serial AUR-1 --field gtin=03760123450003 --account factory"""
    target = settings.collection(brand_ref, collection)
    (_mint_csv if csv_file else _mint_one)(settings, target, csv_file=csv_file, **options)


def _mint_csv(settings: Settings, target: Collection, csv_file, serial, fields, record, out, batch_size, to,
              certificate_out, reissue) -> None:
    if serial or fields or record or certificate_out:
        raise click.UsageError("--csv takes no --serial, --field, --record or --certificate")
    out_dir = Path(out) if out else Path(csv_file).with_suffix(".passports")
    with ProgressBar(settings) as progress:
        result = bulk.mint_csv(target, Path(csv_file), out_dir, to, batch_size, progress, reissue)
    settings.emit(result)


def _mint_one(settings: Settings, target: Collection, serial, fields, record, to, certificate_out, reissue,
              **bulk_only) -> None:
    if record and (serial or fields):
        raise click.UsageError("pass either --record or --serial/--field")
    if record:
        product = read_json(record, "record")
    else:
        product = {"serial": serial} if serial else {}
        product.update(fields)
    minted = certificates.mint(target, product, to, Path(certificate_out) if certificate_out else None, reissue)
    click.echo(f"owner certificate written to {minted.certificate_file}", err=True)
    settings.emit(minted)


@cli.command("issue")
@collection_options
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), required=True, help="The batch's product CSV.")
@click.option("--out", type=click.Path(file_okay=False), help="Result folder (default CSV.batch).")
@click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=DEFAULT_DEPTH, show_default=True,
              help="Pad the batch to 2**DEPTH products, so that no proof tells its size.")
@click.option("--reissue", metavar="REASON",
              help="Issue products whose serials already have a passport, on purpose; the reason is recorded.")
@rpc_options
@account_options
@pass_settings
def issue(settings: Settings, brand_ref, collection, csv_file, out, depth, reissue):
    """Commit a whole production batch from --csv with one transaction, its Merkle root, and write
    each product's certificate with its proof; a retailer claims the passport at the first sale
    (`transfer --first-sale`). Resumable: run it again after a stop. The CSV is that of `mint --csv`."""
    target = settings.collection(brand_ref, collection)
    out_dir = Path(out) if out else Path(csv_file).with_suffix(".batch")
    settings.emit(issue_csv(target, Path(csv_file), out_dir, depth, reissue))


@cli.command("event")
@epcis_import_option
@passport_options
@click.option("--kind", type=EnumChoice(EventKind), help="The lifecycle event recorded.")
@click.option("--details", help="The event's off-chain details; only a salted hash goes on chain.")
@click.option("--details-file", type=click.Path(dir_okay=False), help="Read the details from a file.")
@rpc_options
@account_options
@pass_settings
def event(settings: Settings, ref, kind, details, details_file):
    """Record a lifecycle event of a passport, or each event of an EPCIS 2.0 document (--epcis)."""
    if kind is None:
        raise click.UsageError("pass --kind, or --epcis FILE")
    if (details is None) == (details_file is None):
        raise click.UsageError("pass one of --details or --details-file")
    if details_file:
        try:
            details = Path(details_file).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {details_file}: {exc}", "check the path") from None
    settings.emit(ref.passports.record_event(ref.passport_id, kind, details))


@cli.group()
def recovery():
    """Move a passport to a new address for an owner who lost their wallet (with a delay)."""


@recovery.command("request")
@passport_options
@click.option("--to", "to", type=Address("new owner"), required=True, help="The owner's new address.")
@rpc_options
@account_options
@pass_settings
def recovery_request(settings: Settings, ref, to):
    """The brand admin starts a recovery; the old address can cancel it during the delay."""
    settings.emit(ref.passports.request_recovery(ref.passport_id, to))


passport_command(recovery, "cancel", "The current owner (or the brand admin) cancels a pending recovery.",
                 Collection.cancel_recovery)
passport_command(recovery, "complete", "Anyone completes a recovery once its delay has passed.",
                 Collection.complete_recovery)
passport_command(recovery, "show", "The pending recovery of a passport, if any.", Collection.recovery_of, signs=False)


@cli.group("chip")
def chip_group():
    """The NFC chip set in a product."""


@chip_group.command("bind")
@passport_options
@click.option("--chip", "chip_address", type=Address("chip"), required=True, help="The chip's public address.")
@rpc_options
@account_options
@pass_settings
def chip_bind(settings: Settings, ref, chip_address):
    """Bind a passport to its product's chip (brand minter or service centre)."""
    settings.emit(chip.bind_chip(ref.passports, ref.passport_id, chip_address))


@cli.command("resales")
@click.option("--brand", "brand_ref", required=True, help="Your brand: name, id or collection address.")
@click.option("--period", type=click.Choice(list(PERIODS)), default="month", show_default=True,
              help="Group the resales by this period.")
@rpc_options
@pass_settings
def resales(settings: Settings, brand_ref, period):
    """Your collection's second-hand market: resales per period and reseller, time to resale."""
    settings.emit(resale_figures(settings.consortium, brand_ref, period))
