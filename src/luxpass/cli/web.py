"""What goes on the product and what its QR code opens: the GS1 Digital Link's QR code and the
verification page server (`luxpass certificate qr`, `luxpass serve`)."""
import socket
from pathlib import Path

import click

from ..chain.connection import DEFAULT_RPC_URL
from ..errors import LuxpassError
from ..proofs.certificate import Certificate
from ..proofs.link import PNG_SCALE, SVG_SCALE, is_local, link_for, write_qr
from .base import Settings, cli, pass_settings
from .owners import owner_options, owner_side_options
from .params import json_option

DEFAULT_RESOLVER = "http://127.0.0.1:8000"
DENSE_VERSION = 10  # 57x57 modules and up: the command says what shortens the link


@cli.group()
def certificate():
    """What goes on the product: the QR code of its GS1 Digital Link."""


@certificate.command("qr")
@click.argument("certificate_file", metavar="CERTIFICATE", type=click.Path(dir_okay=False))
@click.option("--resolver", envvar="LUXPASS_RESOLVER", default=DEFAULT_RESOLVER, show_default=True,
              help="Public base URL of the verification page (`luxpass serve`), or set LUXPASS_RESOLVER.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Where to write OUT.svg and OUT.png (an .svg or .png ending is taken as OUT's; default: "
                   "beside the certificate, NAME.qr.svg/.png).")
@json_option
@pass_settings
def certificate_qr(settings: Settings, certificate_file, resolver, out):
    """Write the QR code (SVG and PNG) of a certified product's GS1 Digital Link and print the
    link. It carries the serial and GTIN with their proof, never the certificate's salt."""
    link = link_for(Certificate.load(certificate_file), resolver)
    stem = Path(out) if out else Path(certificate_file).with_suffix(".qr")
    if stem.suffix.lower() in (".svg", ".png"):
        stem = stem.with_suffix("")
    qr = write_qr(link.uri, stem)
    if is_local(resolver):
        click.echo(f"warning: the resolver {resolver} is local: a phone that scans this code cannot open it; "
                   "pass --resolver with the verification page's public URL", err=True)
    if not settings.json:
        click.echo(f"QR code version {qr.version} ({qr.modules}x{qr.modules} modules; {SVG_SCALE} px per module in "
                   f"the SVG, {PNG_SCALE} in the PNG) written to {qr.svg} and {qr.png}", err=True)
        if qr.version >= DENSE_VERSION:
            click.echo(f"note: the link is {len(link.uri)} characters, a dense code for a small tag; a shorter "
                       "--resolver shortens it, and so does a record with fewer fields (the proof k carries a "
                       "32-byte hash for each doubling of their number)", err=True)
    settings.emit({"uri": link.uri, "gtin": link.gtin, "serial": link.serial, "svg": str(qr.svg),
                   "png": str(qr.png), "qr_version": qr.version, "modules": qr.modules,
                   "local_resolver": is_local(resolver)}, link.uri)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port the verification page listens on.")
@click.option("--rpc-url", envvar="ETH_RPC_URL", default=DEFAULT_RPC_URL, show_default=True,
              help="JSON-RPC endpoint of the chain.")
@click.option("--chip-reader-script", metavar="URL",
              help="Script of the chip reader, defining window.luxpassChipSigner, for pages of chipped products.")
@click.option("--dpp-dir", type=click.Path(file_okay=False),
              help="Folder of the DPP credentials `luxpass dpp issue` wrote (default $LUXPASS_HOME/dpp).")
@click.option("--wallet-rpc-url", metavar="URL",
              help="Public JSON-RPC endpoint the owner pages offer a wallet that lacks the chain (default: --rpc-url).")
@owner_side_options
def serve(host, port, rpc_url, chip_reader_script, dpp_dir, wallet_rpc_url, **owner_side):
    """Run the verification page that product QR codes lead to, with its JSON API, and the
    owner's API (docs/owner-side.md); with --relayer, the relayer that pays for owners' requests."""
    import uvicorn

    from ..web.app import Unavailable, create_app

    app = create_app(rpc_url, chip_reader_script, owner_options(rpc_url, **owner_side), wallet_rpc_url=wallet_rpc_url)
    app.state.dpp_dir = Path(dpp_dir) if dpp_dir else None
    try:
        consortium = app.state.registry.consortium()
        click.echo(f"checking passports of chain {consortium.chain.chain_id} (registry "
                   f"{consortium.registry.address}) through {rpc_url}", err=True)
    except Unavailable as exc:
        click.echo(f"warning: {exc}; pages say the registry cannot be reached until it answers", err=True)
    listener = _listen(host, port)
    click.echo(f"serving http://{host}:{port}/", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="info")).run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listener = socket.socket(info[0], socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(info[4])
    except OSError as exc:
        raise LuxpassError(f"cannot listen on {host}:{port} ({exc.strerror})",
                           "pass another --port, or stop what is using it") from None
    return listener
