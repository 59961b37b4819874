"""Where wallets and marketplaces read a collection's ERC-721 metadata (`luxpass metadata`)."""
import click

from ..gs1 import check_resolver
from .base import Settings, cli, pass_settings
from .params import account_options, collection_options, rpc_options, safe_options


@cli.group()
def metadata():
    """The ERC-721 metadata of a brand's passports, served by `luxpass serve`."""


@metadata.command("set-base-uri")
@collection_options
@click.option("--resolver", envvar="LUXPASS_RESOLVER", required=True,
              help="Public base URL of `luxpass serve` (or set LUXPASS_RESOLVER).")
@rpc_options
@account_options
@safe_options
@pass_settings
def set_base_uri(settings: Settings, brand_ref, collection, resolver):
    """The brand admin points the collection's tokenURI at `luxpass serve`'s metadata.

    \b
        luxpass metadata set-base-uri --brand "Maison Aurel" --resolver https://id.maison-aurel.com --account aurel-council
    """
    passports = settings.collection(brand_ref, collection)
    settings.emit(passports.set_base_uri(f"{check_resolver(resolver)}/metadata/{passports.address}/"))
