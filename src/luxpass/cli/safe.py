"""`luxpass safe sign|exec|show`, and `--safe ADDRESS` on the council's commands: a council held
by a Safe drafts the transaction into a job file, its owners sign it, one of them executes it."""
from functools import wraps

import click

from ..chain.accounts import require_signer
from ..onchain import safe as safes
from .base import Settings, cli, pass_settings
from .params import account_options, rpc_options

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
