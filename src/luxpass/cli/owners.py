"""The owner's side on the brand's server: its options on `luxpass serve` (the relayer, the
data folder, the brand served, the club's content), the brand's notices (`luxpass notice`) and
the claim links of first sales (`luxpass claim-link`)."""
import sys
from pathlib import Path

import click

from ..chain import accounts
from ..chain.connection import Chain
from ..onchain.consent import parse_deadline
from ..owners.claims import create_link
from ..owners.club import NOTICE_KINDS, post_notice
from ..owners.relay import Caps
from ..owners.store import FILE_NAME, OwnerStore, default_data_dir
from ..proofs.link import is_local
from ..results import utc
from ..values import passport_hex
from .base import Settings, cli, pass_settings
from .params import PASSPORT_ID, passport_options, rpc_options


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
        click.option("--site", metavar="HOST[:PORT]",
                     help="The public host the owner pages are reached at, which a club sign-in must name "
                          "(default: a loopback host only)."),
        click.option("--cap-per-passport", type=click.IntRange(1), default=Caps.per_passport_per_day,
                     show_default=True, help="Requests the relayer pays for per passport per UTC day."),
        click.option("--cap-wei-per-day", type=click.IntRange(1), default=Caps.wei_per_day, show_default=True,
                     help="Wei the relayer spends at most per UTC day."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def owner_options(rpc_url: str, relayer_account=None, relayer_keystore=None, relayer_dev_account=None,
                  password_file=None, data_dir=None, serve_brand=None, club_content=None, site=None,
                  cap_per_passport=Caps.per_passport_per_day, cap_wei_per_day=Caps.wei_per_day):
    """The OwnerOptions of `serve`: the relayer's key unlocked now, never printed."""
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
                        Path(club_content) if club_content else None, Caps(cap_per_passport, cap_wei_per_day),
                        site)


data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False),
                               help=f"The brand server's data folder, holding {FILE_NAME} (default {default_data_dir()}).")


@cli.group()
def notice():
    """The brand's notices to the holders of its passports (kept on the brand's server, never on chain)."""


@notice.command("post")
@click.option("--brand", "brand_ref", required=True, help="The brand posting (name, id or collection address).")
@click.option("--title", required=True, help="The notice's title.")
@click.option("--body", required=True, help="The notice's text.")
@click.option("--kind", type=click.Choice(NOTICE_KINDS), default="news", show_default=True,
              help="What the notice is: a recall, a service reminder, an invitation or news.")
@click.option("--id", "passport_id", type=PASSPORT_ID, help="Only for the holder of this passport (default: every holder).")
@data_dir_option
@rpc_options
@pass_settings
def notice_post(settings: Settings, brand_ref, title, body, kind, passport_id, data_dir):
    """Post a notice: its holders from now on read it in the owners' club.

    \b
        luxpass notice post --brand "Maison Aurel" --kind service --title "Care day" --body "…"
    """
    brand = settings.consortium.brand(brand_ref)
    store = OwnerStore(data_dir)
    block = settings.chain.w3.eth.block_number
    notice_id = post_notice(store, brand.collection, block, title, body, kind, passport_id)
    settings.emit({"id": notice_id, "brand": brand.name, "kind": kind, "block": block, "store": str(store.path),
                   "passport_id": passport_hex(passport_id) if passport_id else None},
                  f"notice {notice_id} posted for {'the holder of ' + passport_hex(passport_id)[:12] + '…' if passport_id else 'every holder'} "
                  f"of {brand.name} (from block {block}; {store.path})")


@cli.group("claim-link")
def claim_link():
    """One-use, expiring links by which a buyer takes her passport at the first sale, paying nothing."""


@claim_link.command("create")
@passport_options
@click.option("--resolver", envvar="LUXPASS_RESOLVER", required=True,
              help="Public base URL of the brand's server (`luxpass serve --relayer …`), or set LUXPASS_RESOLVER.")
@click.option("--valid-for", default="2h", show_default=True, help="How long the link works: e.g. 30m, 2h, 1d.")
@click.option("--out", type=click.Path(dir_okay=False), help="Where to write OUT.svg and OUT.png (the link's QR code).")
@data_dir_option
@rpc_options
@pass_settings
def claim_link_create(settings: Settings, ref, resolver, valid_for, out, data_dir):
    """Create the claim link (and its QR code) of a passport in store, for its buyer. The server
    whose relayer holds the retailer role makes the sale when she claims it.

    \b
        luxpass claim-link create --brand "Maison Aurel" --id 0x… --resolver https://aurel.example --out bag
    """
    seconds = parse_deadline(valid_for, 0)
    link = create_link(OwnerStore(data_dir), ref.passports, ref.passport_id, resolver,
                       seconds, Path(out) if out else None)
    if is_local(resolver):
        click.echo(f"warning: the resolver {resolver} is local: the buyer's phone cannot open it", err=True)
    settings.emit(link, f"{link.url}\n(one use, until {utc(link.expires)}" +
                  (f"; QR code in {link.qrSvg} and {link.qrPng})" if link.qrSvg else ")"))
