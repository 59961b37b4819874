"""An owner's side, and the sale's: transfers (first sale, private, resale, permit), status
reports, signed consents and permits, disclosures (`luxpass transfer`, `report`, `consent`,
`disclose`)."""
from pathlib import Path

import click

from ..local import signed_files
from ..onchain import consent
from ..proofs.certificate import Certificate
from ..proofs.disclosure import disclose
from ..proofs.disclosure import save as save_disclosure
from ..spec import Status
from .base import Settings, cli, pass_settings
from .params import (
    PASSPORT_ID,
    Address,
    PassportRef,
    account_options,
    collection_options,
    json_option,
    passport_command,
    passport_options,
    passport_ref,
    rpc_options,
    signed_ref,
)


def _named_by_passport(settings: Settings, to, certificate, brand_ref, collection, passport_id,
                       signed_file) -> PassportRef:
    if not to:
        raise click.UsageError("pass --to NEW_OWNER")
    return passport_ref(settings, certificate, brand_ref, collection, passport_id)


def _named_by_signed_file(settings: Settings, to, certificate, brand_ref, collection, passport_id,
                          signed_file) -> PassportRef:
    if certificate or brand_ref or passport_id:
        raise click.UsageError("the signed file names the passport; pass no certificate, --brand or --id")
    return signed_ref(settings, signed_file, collection)


def _first_sale(ref: PassportRef, to: str):
    """A retailer's first sale: a batch certificate's passport is claimed, any other leaves brand custody."""
    if ref.certificate is not None and ref.certificate.batch is not None:
        return ref.passports.claim(ref.certificate, to)
    return ref.passports.first_sale(ref.passport_id, to)


def _under_permit(ref: PassportRef, to: str | None):
    if not to:
        raise click.UsageError("--permit needs --to BUYER")
    return consent.submit_permit(ref.passports, ref.signed, to)


# Each way a passport is transferred, by the flag that asks for it: how the command finds the
# passport, and what it sends.
TRANSFERS = {
    "--first-sale": (_named_by_passport, _first_sale),
    "--consent": (_named_by_signed_file, lambda ref, to: consent.submit_resale(ref.passports, ref.signed, to)),
    "--permit": (_named_by_signed_file, _under_permit),
    None: (_named_by_passport, lambda ref, to: ref.passports.transfer(ref.passport_id, to)),
}


@cli.command("transfer")
@click.argument("certificate", required=False, type=click.Path(dir_okay=False))
@collection_options
@click.option("--id", "passport_id", type=PASSPORT_ID, help="Passport id (0x… or decimal).")
@click.option("--to", "to", type=Address("recipient"),
              help="The new owner's address (optional with a consent that names the buyer).")
@click.option("--first-sale", is_flag=True,
              help="A retailer's first sale out of brand custody; with a batch certificate, claims the passport.")
@click.option("--consent", "consent_file", type=click.Path(dir_okay=False),
              help="An accredited reseller records a resale with the seller's signed consent.")
@click.option("--permit", "permit_file", type=click.Path(dir_okay=False),
              help="The spender uses the owner's ERC-4494 permit and moves the passport.")
@rpc_options
@account_options
@pass_settings
def transfer(settings: Settings, certificate, brand_ref, collection, passport_id, to, first_sale, consent_file,
             permit_file):
    """Transfer a passport: a retailer's first sale, the owner's private transfer, a resale
    with the seller's consent, or a move under a permit."""
    flags = [flag for flag, given in (("--first-sale", first_sale), ("--consent", consent_file),
                                      ("--permit", permit_file)) if given]
    if len(flags) > 1:
        raise click.UsageError("pass only one of --first-sale, --consent, --permit")
    find, send = TRANSFERS[flags[0] if flags else None]
    ref = find(settings, to, certificate, brand_ref, collection, passport_id, consent_file or permit_file)
    settings.emit(send(ref, to))


@cli.group()
def report():
    """Lost, stolen, found, destroyed: the passport's status."""


def _report(status: Status):
    return lambda collection, passport_id: collection.report(passport_id, status)


passport_command(report, "lost", "The owner reports the passport lost; it cannot move until found.",
                 _report(Status.LOST))
passport_command(report, "stolen", "The owner reports the passport stolen; it cannot move until found.",
                 _report(Status.STOLEN))
passport_command(report, "found", "The owner who reported it reports it found.", _report(Status.ACTIVE))
passport_command(report, "destroyed", "Final: the owner, or the brand admin while it is in brand custody.",
                 _report(Status.DESTROYED))


@report.command("request-clear")
@passport_options
@click.option("--deadline", default="7d", show_default=True, help="How long the request stays valid.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the signed request.")
@rpc_options
@account_options
@pass_settings
def report_request_clear(settings: Settings, ref, deadline, out):
    """The reporting owner signs a request that the brand clear the report (no gas)."""
    signed = consent.sign_clear_request(ref.passports, ref.passport_id, consent.deadline_on(ref.passports, deadline))
    _save_signed(settings, signed, out, "request")


@report.command("clear")
@click.argument("request", type=click.Path(dir_okay=False))
@rpc_options
@account_options
@pass_settings
def report_clear(settings: Settings, request):
    """The brand admin clears a lost or stolen report with the reporting owner's signed request."""
    ref = signed_ref(settings, request)
    settings.emit(consent.submit_clear_request(ref.passports, ref.signed))


@cli.group("consent")
def consent_group():
    """Sign a resale consent or a permit with the owner's key, and check one."""


@consent_group.command("sign")
@passport_options
@click.option("--reseller", type=Address("reseller"),
              help="The accredited reseller you chose: the only account that may submit the consent.")
@click.option("--any-reseller", is_flag=True, help="Let any accredited reseller submit it (instead of --reseller).")
@click.option("--buyer", type=Address("buyer"), help="The buyer's address (default: any buyer the reseller names).")
@click.option("--terms", required=True, help="The sale terms (price, currency…); only a salted hash is signed.")
@click.option("--deadline", default="7d", show_default=True, help="How long the consent stays valid.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the signed consent.")
@rpc_options
@account_options
@pass_settings
def consent_sign(settings: Settings, ref, reseller, any_reseller, buyer, terms, deadline, out):
    """The seller consents to a resale through the accredited reseller they chose (no gas)."""
    if bool(reseller) == any_reseller:
        raise click.UsageError("name the reseller with --reseller ADDRESS (or allow any with --any-reseller)")
    signed = consent.sign_resale_consent(ref.passports, ref.passport_id, buyer, terms,
                                         consent.deadline_on(ref.passports, deadline), reseller)
    _save_signed(settings, signed, out, "consent", digest=True)


@consent_group.command("permit")
@passport_options
@click.option("--spender", type=Address("spender"), required=True,
              help="Who may move the passport (e.g. a marketplace).")
@click.option("--deadline", default="7d", show_default=True, help="How long the permit stays valid.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the signed permit (a new file).")
@rpc_options
@account_options
@pass_settings
def consent_permit(settings: Settings, ref, spender, deadline, out):
    """The owner signs an ERC-4494 permit: list on a marketplace without handing over custody."""
    signed = consent.sign_permit(ref.passports, ref.passport_id, spender, consent.deadline_on(ref.passports, deadline))
    _save_signed(settings, signed, out, "permit", digest=True)


passport_command(consent_group, "revoke",
                 "The owner withdraws every consent, permit and rebind request signed for the passport.",
                 consent.revoke_signatures)


def _save_signed(settings: Settings, signed: consent.Signed, out: str, what: str, digest: bool = False) -> None:
    """Write a signed message to a new file and print where, and who signed it."""
    signed_files.save(signed, out)
    settings.emit({what: out, "signer": signed.signer, **({"digest": "0x" + signed.digest.hex()} if digest else {})})


@consent_group.command("check")
@click.argument("consent_file", metavar="CONSENT", type=click.Path(dir_okay=False))
@rpc_options
@pass_settings
def consent_check(settings: Settings, consent_file):
    """Check a resale consent against the chain exactly as the contract would. Exit 0 when it
    would be accepted, 3 when not, with the reason."""
    ref = signed_ref(settings, consent_file)
    check = consent.check_consent(ref.passports, ref.signed)
    settings.emit_check(check, check.valid, f"the consent would be refused ({check.error}: {check.reason})")


@cli.command("disclose")
@click.argument("certificate", type=click.Path(dir_okay=False))
@click.option("--field", "fields", multiple=True, required=True, metavar="NAME",
              help="A field of the record to disclose; repeat for each. Every other field stays hidden.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the disclosure.")
@json_option
@pass_settings
def disclose_command(settings: Settings, certificate, fields, out):
    """Prove chosen fields of your product ("made in Italy, calfskin") without revealing the
    rest; anyone checks the file with `luxpass verify`."""
    disclosure = disclose(Certificate.load(certificate), list(fields))
    save_disclosure(disclosure, Path(out), Path(certificate))
    settings.emit({"disclosure": out, "fields": list(disclosure.fields)})
