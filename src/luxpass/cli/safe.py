"""`luxpass safe create|sign|exec|show`: a council held by a Safe drafts a transaction into a job
file (`--safe ADDRESS` on the council's commands, `params.safe_options`), its owners sign it, one of
them executes it."""
import click

from ..chain.accounts import require_signer
from ..local import safe_jobs
from .base import cli, pass_settings
from .params import Address, account_options, rpc_options

@cli.group()
def safe():
    """Safe transactions drafted with --safe: owners sign them, then one executes."""


@safe.command("create")
@click.option("--owner", "owners", type=Address("Safe owner"), multiple=True, required=True,
              help="An owner of the new Safe; repeat for each.")
@click.option("--threshold", type=click.IntRange(1), required=True, help="How many owners must sign each transaction.")
@click.option("--salt", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Another salt makes another Safe of the same owners and threshold.")
@rpc_options
@account_options
@pass_settings
def create(settings, owners, threshold, salt):
    """Create a Safe 1.4.1 of the owners given, through the chain's Safe proxy factory (on a chain
    with none recorded, the Safe contracts are deployed from the package first). Your account pays.

    \b
        luxpass safe create --owner 0x… --owner 0x… --owner 0x… --threshold 2 --account aurel-cfo"""
    settings.emit(safe_jobs.create(settings.chain, list(owners), threshold, salt))


job_argument = click.argument("job", metavar="FILE", type=click.Path(exists=True, dir_okay=False))


@safe.command("sign")
@job_argument
@rpc_options
@account_options
@pass_settings
def sign(settings, job):
    """Add your signature (a Safe owner's) to the Safe transaction in FILE.

    \b
        luxpass safe sign ~/.luxpass/safe/31337/0x…-3-1a2b3c4d.json --account aurel-cfo"""
    safe_jobs.sign(job, settings.chain, require_signer(settings.chain.account))
    settings.emit(safe_jobs.status(job, settings.chain))


@safe.command("exec")
@job_argument
@rpc_options
@account_options
@pass_settings
def execute(settings, job):
    """Execute the Safe transaction in FILE once enough owners signed it (any account pays the gas);
    one executed already is reported done."""
    settings.emit(safe_jobs.execute(job, settings.chain))


@safe.command("show")
@job_argument
@rpc_options
@pass_settings
def show(settings, job):
    """What the Safe transaction in FILE does, who signed it, and how many signatures it still needs."""
    settings.emit(safe_jobs.status(job, settings.chain))
