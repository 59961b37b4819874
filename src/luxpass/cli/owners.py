"""The owner's side on the brand's server: its options on `luxpass serve` (the relayer, the
data folder, the brand served, the club's content), the brand's notices (`luxpass notice`) and
the claim links of first sales (`luxpass claim-link`)."""
import sys
from pathlib import Path

import click

from ..chain import accounts
from ..chain.connection import Chain
from ..owners.relay import Caps
from ..owners.store import FILE_NAME, default_data_dir
from .base import cli


def owner_side_options(fn):
    """--relayer ACCOUNT (or --relayer-keystore FILE, --relayer-dev-account N) with --password-file,
    --data-dir, --serve-brand, --club-content and the relayer's caps."""
    options = [
        click.option("--relayer", "relayer_account", metavar="NAME",
                     help="Keystore (by name) of the relayer that pays for owners' requests; without it, no relaying."),
        click.option("--relayer-keystore", type=click.Path(dir_okay=False), help="The relayer's keystore file (v3 JSON)."),
        click.option("--relayer-dev-account", type=int, metavar="N",
                     help="Anvil's public development key N as the relayer (chain 31337 only)."),
        click.option("--password-file", type=click.Path(dir_okay=False),
                     help=f"File holding the relayer keystore's password (or set {accounts.PASSWORD_ENV})."),
        click.option("--data-dir", type=click.Path(file_okay=False),
                     help=f"The server's data folder, holding {FILE_NAME} (default {default_data_dir()})."),
        click.option("--serve-brand", metavar="NAME|ID",
                     help="The brand this server is for: its club, notices and claim links; the relayer pays for "
                          "its passports only (default: every active brand's)."),
        click.option("--club-content", type=click.Path(dir_okay=False, exists=True),
                     help="JSON file of the owners' club's content, shown to signed-in holders."),
        click.option("--cap-per-passport", type=click.IntRange(1), default=Caps.per_passport_per_day,
                     show_default=True, help="Requests the relayer pays for per passport per UTC day."),
        click.option("--cap-wei-per-day", type=click.IntRange(1), default=Caps.wei_per_day, show_default=True,
                     help="Wei the relayer spends at most per UTC day."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def owner_options(rpc_url: str, relayer_account=None, relayer_keystore=None, relayer_dev_account=None,
                  password_file=None, data_dir=None, serve_brand=None, club_content=None,
                  cap_per_passport=Caps.per_passport_per_day, cap_wei_per_day=Caps.wei_per_day):
    """The OwnerOptions of `serve`/`relay`: the relayer's key unlocked now, never printed."""
    from ..web.owner import OwnerOptions

    chosen = [o for o in (relayer_account, relayer_keystore, relayer_dev_account) if o is not None]
    if len(chosen) > 1:
        raise click.UsageError("pass only one of --relayer, --relayer-keystore, --relayer-dev-account")
    relayer = None
    if relayer_dev_account is not None:
        relayer = accounts.dev_account(relayer_dev_account, Chain(rpc_url, log=lambda _: None).chain_id)
    elif relayer_account or relayer_keystore:
        path = Path(relayer_keystore) if relayer_keystore else accounts.find_keystore(relayer_account)
        prompt = (lambda: click.prompt(f"Password for {path.name}", hide_input=True, err=True)) \
            if sys.stdin.isatty() else None
        relayer = accounts.unlock(path, password_file, prompt)
    elif password_file:
        raise click.UsageError("--password-file is for the relayer's keystore: pass --relayer or --relayer-keystore")
    return OwnerOptions(rpc_url, Path(data_dir) if data_dir else None, relayer, serve_brand,
                        Path(club_content) if club_content else None, Caps(cap_per_passport, cap_wei_per_day))
