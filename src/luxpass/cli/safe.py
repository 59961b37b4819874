"""`luxpass safe create|sign|exec|show`, and `--safe ADDRESS` on the council's commands: a council held
by a Safe drafts the transaction into a job file, its owners sign it, one of them executes it."""
from functools import wraps

import click

from ..chain.accounts import require_signer
from ..onchain import safe as safes
from .base import Settings, cli, pass_settings
from .params import Address, account_options, rpc_options

# The commands a council sends as one transaction, which can therefore act for a Safe.
COUNCIL_COMMANDS = (("brand", "propose"), ("brand", "vote"), ("brand", "rotate-council"), ("brand", "replace-council"),
                    ("accredit",), ("role", "grant"), ("role", "revoke"))


def _store_safe(ctx, param, value):
    settings = ctx.ensure_object(Settings)
    if value is not None:
        settings.extra.setdefault("safe", {})[param.name] = value
    return value


def _drafting(command):
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except safes.SafeDrafted as drafted:
            job = drafted.job
            settings = click.get_current_context().ensure_object(Settings)
            threshold = safes.Safe(settings.chain, job.safe).threshold()
            settings.emit({"drafted": job.description, "safe": job.safe, "safeTxHash": "0x" + job.digest.hex(),
                           "nonce": job.tx.nonce, "threshold": threshold, "file": str(drafted.path),
                           "next": f"luxpass safe sign {drafted.path} --account OWNER ({threshold} owners), "
                                   f"then luxpass safe exec {drafted.path}"})
    return wrapper


def add_safe_option() -> None:
    """Give each council command `--safe ADDRESS` and `--safe-out FILE`."""
    for names in COUNCIL_COMMANDS:
        command = cli
        for name in names:
            command = command.commands[name]
        command.params += [
            click.Option(["--safe", "address"], metavar="ADDRESS", expose_value=False, callback=_store_safe,
                         help="Act for this Safe (the council): write the Safe transaction for its owners to sign "
                              "instead of sending."),
            click.Option(["--safe-out", "out"], type=click.Path(dir_okay=False), expose_value=False,
                         callback=_store_safe,
                         help="Where --safe writes the Safe transaction (default ~/.luxpass/safe/CHAIN/…); "
                              "never over an existing file."),
        ]
        command.callback = _drafting(command.callback)


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
    settings.emit(safes.create(settings.chain, list(owners), threshold, salt))


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
    safes.sign(job, settings.chain, require_signer(settings.chain.account))
    settings.emit(safes.status(job, settings.chain))


@safe.command("exec")
@job_argument
@rpc_options
@account_options
@pass_settings
def execute(settings, job):
    """Execute the Safe transaction in FILE once enough owners signed it (any account pays the gas)."""
    done = safes.execute(job, settings.chain)
    settings.emit({"executed": done.description, "safe": done.safe, "tx": done.executed, "signers": done.signers()})


@safe.command("show")
@job_argument
@rpc_options
@pass_settings
def show(settings, job):
    """What the Safe transaction in FILE does, who signed it, and how many signatures it still needs."""
    settings.emit(safes.status(job, settings.chain))
