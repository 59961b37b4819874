"""`luxpass consortium-net up|down|status`: the consortium's own proof-of-authority chain on
this machine, one geth node per member house."""
import click

from ..chain import network as net
from .app import LuxpassGroup, Settings

dir_option = click.option("--dir", "folder", type=click.Path(file_okay=False),
                          help="Folder of the network (default $LUXPASS_HOME/consortium-net).")
json_option = click.option("--json", "json_", is_flag=True, help="Print the result as JSON only.")


@click.group(cls=LuxpassGroup)
def consortium_net():
    """One geth node per house, sealing Clique blocks; each house's signer in its own keystore."""


@consortium_net.command("up")
@dir_option
@click.option("--house", "houses", multiple=True, metavar="NAME",
              help=f"A member house, sealing blocks (repeat; default: {', '.join(net.HOUSES)}). First run only.")
@click.option("--chain-id", type=click.IntRange(1), default=net.CHAIN_ID, show_default=True,
              help="Chain id of the network's genesis (a new network only).")
@click.option("--period", type=click.IntRange(1, 60), default=net.PERIOD, show_default=True,
              help="Seconds between blocks.")
@click.option("--base-port", type=click.IntRange(1024, 65000), default=net.BASE_HTTP_PORT, show_default=True,
              help="RPC port of the first node; the others follow.")
@json_option
def up(folder, houses, chain_id, period, base_port, json_):
    """Create the network on first use, else resume it; start every stopped node and connect all."""
    _emit(net.up(net.net_dir(folder), tuple(houses) or net.HOUSES, chain_id, period, base_port), json_)


@consortium_net.command("down")
@dir_option
@json_option
def down(folder, json_):
    """Stop every node cleanly; `up` resumes the same chain."""
    _emit(net.down(net.net_dir(folder)), json_)


@consortium_net.command("status")
@dir_option
@json_option
def status(folder, json_):
    """Each node's house, signer, RPC URL, block and peers."""
    _emit(net.status(net.net_dir(folder)), json_)


def _emit(states, json_):
    lines = [f"{s.house:<20} {s.rpc_url}  {'running' if s.running else 'stopped':<8} block {s.block}  "
             f"peers {s.peers}  signer {s.signer}  keystore {s.keystore}" for s in states]
    Settings(json=json_).emit(net.as_dicts(states), "\n".join(lines))
