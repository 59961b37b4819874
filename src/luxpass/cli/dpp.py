"""The EU's Digital Product Passport as a W3C Verifiable Credential: the brand's council (or a
minter of its collection) issues it, anyone verifies it (`luxpass dpp issue`, `luxpass dpp verify`)."""
from pathlib import Path

import click

from ..checks.dpp import issue_dpp, verify_dpp
from ..proofs.certificate import Certificate
from ..proofs.credential import read_token
from .base import Settings, cli, pass_settings
from .params import account_options, rpc_options


@cli.group()
def dpp():
    """The product's Digital Product Passport (W3C Verifiable Credential, UNTP DPP)."""


@dpp.command("issue")
@click.argument("certificate", type=click.Path(dir_okay=False))
@click.option("--field", "fields", multiple=True, metavar="NAME",
              help="A record field the public DPP shows; repeat for each. Every other field stays hidden.")
@click.option("--restricted-field", "restricted", multiple=True, metavar="NAME",
              help="A field only accredited parties read, in a second, restricted DPP; repeat for each.")
@click.option("--out", type=click.Path(file_okay=False),
              help="Folder of the credentials (default $LUXPASS_HOME/dpp, where `luxpass serve` finds them).")
@rpc_options
@account_options
@pass_settings
def dpp_issue(settings: Settings, certificate, fields, restricted, out):
    """Sign the DPP of a product with the brand council's key, or a minter's (a Safe council grants
    an issuing key the minter role): the public credential of --field, and with --restricted-field a
    restricted one of both.

    \b
        luxpass dpp issue aur-1.json --field model --field made_in --restricted-field supplier --account aurel-council
    """
    issued = issue_dpp(settings.consortium, settings.chain.account, Certificate.load(certificate), list(fields),
                       list(restricted), Path(out) if out else None)
    settings.emit(issued)


@dpp.command("verify")
@click.argument("credential_file", metavar="CREDENTIAL", type=click.Path(dir_okay=False))
@rpc_options
@pass_settings
def dpp_verify(settings: Settings, credential_file):
    """Check a DPP credential: its signature, that its issuer is the brand's council in the
    registry or a minter of its collection today, and each field against the passport on chain. Exit 3 when anything does not hold."""
    checked = verify_dpp(settings.consortium, read_token(credential_file))
    lines = [f"VALID: {checked.reason}", f"brand: {checked.brand} (issuer {checked.issuer})",
             f"passport: {checked.passport_id} in {checked.collection}", f"audience: {checked.audience}"]
    settings.emit(checked, "\n".join(lines + [f"{name}: {value}" for name, value in checked.fields.items()]))
