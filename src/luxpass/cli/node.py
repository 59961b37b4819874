"""The machine's side: the local Anvil node, the consortium's own network of geth nodes, and
keystores (`luxpass node`, `luxpass consortium-net`, `luxpass account`)."""
import sys

import click

from ..chain import accounts, node
from ..chain import network as net
from ..chain import rpc
from .base import Settings, cli, pass_settings
from .params import json_option


@cli.group("node")
def node_group():
    """A local Anvil node whose chain survives restarts."""


data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False),
                               help="Folder of the node's state (default ~/.luxpass/node, or under LUXPASS_HOME).")


@node_group.command("start")
@data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), default=8545, show_default=True,
              help="Port the node listens on (127.0.0.1 only).")
@click.option("--block-time", type=float, help="Mine a block every N seconds instead of on each transaction.")
@json_option
@pass_settings
def node_start(settings: Settings, data_dir, port, block_time):
    """Start the node (or report the one already running)."""
    settings.emit(node.start(node.data_dir(data_dir), port, block_time))


def _node_command(name: str, act, help_text: str) -> None:
    @node_group.command(name, help=help_text)
    @data_dir_option
    @json_option
    @pass_settings
    def command(settings: Settings, data_dir):
        settings.emit(act(node.data_dir(data_dir)))


_node_command("stop", node.stop, "Stop the node cleanly, writing its state.")


@node_group.command("status")
@data_dir_option
@click.option("--rpc-url", "rpc_urls", metavar="URL1,URL2",
              help="Instead of the local node: each of these nodes of one chain, whether it answers, its "
                   "chain id, head block and how many blocks it trails the best one.")
@json_option
@pass_settings
def node_status(settings: Settings, data_dir, rpc_urls):
    """Whether the node runs, its RPC URL, chain id and block (or, with --rpc-url, each node's head and lag)."""
    if not rpc_urls:
        settings.emit(node.status(node.data_dir(data_dir)))
        return
    heads = rpc.FailoverProvider(rpc.split_urls(rpc_urls), log=lambda _: None, attempts=1).heads()
    lines = [f"{h.rpc_url}  " + (f"chain {h.chain_id}  block {h.block}  lag {h.lag}" if h.reachable else
                                 f"unreachable ({h.reason})") for h in heads]
    settings.emit(heads, "\n".join(lines))


@cli.group("consortium-net")
def consortium_net():
    """One geth node per house, sealing Clique blocks; each house's signer in its own keystore."""


net_dir_option = click.option("--dir", "folder", type=click.Path(file_okay=False),
                              help="Folder of the network (default ~/.luxpass/consortium-net, or under LUXPASS_HOME).")


@consortium_net.command("up")
@net_dir_option
@click.option("--house", "houses", multiple=True, metavar="NAME",
              help=f"A member house, sealing blocks (repeat; default: {', '.join(net.HOUSES)}). First run only.")
@click.option("--chain-id", type=click.IntRange(1),
              help=f"Chain id of the network's genesis (default {net.CHAIN_ID}). First run only.")
@click.option("--period", type=click.IntRange(1, 60),
              help=f"Seconds between blocks (default {net.PERIOD}). First run only.")
@click.option("--base-port", type=click.IntRange(1024, 65000),
              help=f"RPC port of the first node, the others following (default {net.BASE_HTTP_PORT}). First run only.")
@click.option("--fund", "funded", multiple=True, metavar="ADDRESS",
              help="An account the genesis funds beside the houses' signers (repeat). First run only.")
@json_option
@pass_settings
def net_up(settings: Settings, folder, houses, chain_id, period, base_port, funded):
    """Create the network on first use, else resume it; start every stopped node, connect all
    (run it after a partition too: it settles nodes stuck on forks of equal weight), then seal."""
    _emit_net(settings, net.up(net.net_dir(folder), tuple(houses) or None, chain_id, period, base_port,
                               funded=tuple(funded), log=lambda line: click.echo(line, err=True)))


@consortium_net.command("down")
@net_dir_option
@json_option
@pass_settings
def net_down(settings: Settings, folder):
    """Stop every node cleanly; `up` resumes the same chain."""
    _emit_net(settings, net.down(net.net_dir(folder)))


@consortium_net.command("status")
@net_dir_option
@json_option
@pass_settings
def net_status(settings: Settings, folder):
    """Each node's house, signer, RPC URL, block and peers."""
    _emit_net(settings, net.status(net.net_dir(folder)))


def _emit_net(settings: Settings, states) -> None:
    lines = [f"{s.house:<20} {s.rpc_url}  {'running' if s.running else 'stopped':<8} block {s.block}  "
             f"peers {s.peers}  signer {s.signer}  keystore {s.keystore}" for s in states]
    settings.emit(net.as_dicts(states), "\n".join(lines))


@cli.group()
def account():
    """Keystores (v3 JSON, readable by brownie, ape and cast)."""


@account.command("new")
@click.argument("name")
@click.option("--password-file", type=click.Path(dir_okay=False),
              help=f"File holding the new keystore's password (or set {accounts.PASSWORD_ENV}; else a prompt).")
@json_option
@pass_settings
def account_new(settings: Settings, name, password_file):
    """Create a keystore with a new random key."""
    prompt = (lambda: click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)) \
        if sys.stdin.isatty() else None
    address, path = accounts.create_keystore(name, accounts.read_password(password_file, prompt))
    settings.emit({"name": name, "address": address, "keystore": str(path)})


@account.command("list")
@json_option
@pass_settings
def account_list(settings: Settings):
    """Keystores found in the luxpass, brownie and foundry folders."""
    found = [{"name": n, "address": a, "keystore": str(p)} for n, a, p in accounts.list_keystores()]
    settings.emit(found, "\n".join(f"{f['name']}  {f['address']}  {f['keystore']}" for f in found) or "no keystores")
