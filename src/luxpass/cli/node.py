"""The machine's side: the local Anvil node, the consortium's own network of geth nodes, and
keystores (`luxpass node`, `luxpass consortium-net`, `luxpass account`)."""
import sys
import time
from pathlib import Path

import click

from ..chain import accounts, node, rpc
from ..consortium import config as net_config
from ..consortium import health, network
from ..consortium import house as house_node
from ..consortium import node as net_node
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
    """Whether the node runs, its RPC URL, chain id and block (or, with --rpc-url, each node's head and
    lag, whether it is on another head and seals, and whether the chain grows, and if not why)."""
    if not rpc_urls:
        settings.emit(node.status(node.data_dir(data_dir)))
        return
    urls = rpc.split_urls(rpc_urls)
    heads = rpc.FailoverProvider(urls, log=lambda _: None, attempts=1).heads()
    lines = [f"{h.rpc_url}  " + (f"chain {h.chain_id}  block {h.block}  lag {h.lag}" if h.reachable else
                                 f"unreachable ({h.reason})") for h in heads]
    seen = health.assess(*health.members(urls))
    places = {node.rpc_url: node for node in seen.nodes}
    lines = [line + (f"  ({places[h.rpc_url].place}, {'sealing' if places[h.rpc_url].sealing else 'not sealing'})"
                     if h.reachable and places[h.rpc_url].answers else "") for line, h in zip(lines, heads)]
    settings.emit({"nodes": heads, "health": seen}, "\n".join(lines + [seen.summary()]))


@cli.group("consortium-net")
def consortium_net():
    """One geth node per house, sealing Clique blocks; each house's signer in its own keystore."""


net_dir_option = click.option("--dir", "folder", type=click.Path(file_okay=False),
                              help="Folder of the network (default ~/.luxpass/consortium-net, or under LUXPASS_HOME).")
geth_option = click.option("--geth", "geth", type=click.Path(dir_okay=False),
                           help="The geth v1.13.15 binary (default $LUXPASS_GETH, else geth on the PATH).")


@consortium_net.command("up")
@net_dir_option
@click.option("--house", "houses", multiple=True, metavar="NAME",
              help=f"A member house, sealing blocks (repeat; default: {', '.join(net_config.HOUSES)}). First run only.")
@click.option("--chain-id", type=click.IntRange(1),
              help=f"Chain id of the network's genesis (default {net_config.CHAIN_ID}). First run only.")
@click.option("--period", type=click.IntRange(1, 60),
              help=f"Seconds between blocks (default {net_config.PERIOD}). First run only.")
@click.option("--base-port", type=click.IntRange(1024, 65000),
              help=f"RPC port of the first node, the others following (default {net_config.BASE_HTTP_PORT}). "
                   "First run only.")
@click.option("--fund", "funded", multiple=True, metavar="ADDRESS",
              help="An account the genesis funds beside the houses' signers (repeat). First run only.")
@click.option("--address", "hosts", multiple=True, metavar="IP",
              help="The IPv4 address of each house's node, in the order of the houses (repeat; default 127.0.0.1 "
                   "for all): its RPC, and where its peers reach it. First run only.")
@geth_option
@json_option
@pass_settings
def net_up(settings: Settings, folder, houses, chain_id, period, base_port, funded, hosts, geth):
    """Create the network on first use, else resume it; start every stopped node (each seals from
    its start), wait until all peer (run it after a partition too: it settles nodes stuck on forks
    of equal weight) and seal a block they all hold."""
    _emit_net(settings, network.up(net_config.net_dir(folder), lambda: net_node.geth_binary(geth), tuple(houses) or None,
                                   chain_id, period, base_port, funded=tuple(funded),
                                   log=lambda line: click.echo(line, err=True), hosts=tuple(hosts)))


@consortium_net.command("down")
@net_dir_option
@json_option
@pass_settings
def net_down(settings: Settings, folder):
    """Stop every node cleanly; `up` resumes the same chain."""
    _emit_net(settings, network.down(net_config.net_dir(folder)))


@consortium_net.command("status")
@net_dir_option
@json_option
@pass_settings
def net_status(settings: Settings, folder):
    """Each node's house, RPC URL, block, peers and whether it seals; whether the chain grows, and
    if not since which block and why; which nodes are behind or on another head."""
    folder = net_config.net_dir(folder)
    states = network.status(folder)
    config = net_config.require(folder)
    seen = health.assess(config.nodes, config.period)
    by_house = {node.house: node for node in seen.nodes}
    lines = [_node_line(s, by_house[s.house]) for s in states] + [seen.summary()]
    settings.emit({"nodes": states, "health": seen}, "\n".join(lines))


def _node_line(state, seen) -> str:
    if not state.running:
        return f"{state.house:<20} {state.rpc_url}  stopped  signer {state.signer}"
    sealing = "sealing" if state.sealing else "NOT sealing"
    last = f", last sealed #{seen.last_sealed}" if seen.last_sealed is not None else ""
    return (f"{state.house:<20} {state.rpc_url}  running  block {state.block} ({seen.place})  peers {state.peers}  "
            f"{sealing}{last}  signer {state.signer}")


@consortium_net.command("watch")
@net_dir_option
@click.option("--interval", type=click.FloatRange(0.2, 60), default=1.0, show_default=True,
              help="Seconds between two looks at the nodes.")
@click.option("--for", "duration", type=click.FloatRange(0), help="Stop after so many seconds (default: never).")
@pass_settings
def net_watch(settings: Settings, folder, interval, duration):
    """Heal the network as it runs: settle a deadlock between forks of equal weight, peer again a
    node that lacks a block its peers hold; one line on stderr for each thing done."""
    config = net_config.require(net_config.net_dir(folder))
    until = time.monotonic() + duration if duration is not None else None
    health.Watcher(config, lambda line: click.echo(line, err=True)).watch(interval, until)


@consortium_net.command("house")
@net_dir_option
@click.argument("house")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="New folder for the house's node.")
@geth_option
@json_option
@pass_settings
def net_house(settings: Settings, folder, house, out, geth):
    """Write HOUSE's node as it runs on a machine of its own: genesis, peers (bootnodes), keystore
    and password file by reference, and a systemd unit; `consortium-net run --house-dir OUT` runs it."""
    made = house_node.export(net_config.net_dir(folder), house, Path(out), lambda: net_node.geth_binary(geth))
    settings.emit(made, _house_text(made, Path(out)))


@consortium_net.command("join")
@click.argument("house")
@click.option("--from", "source", type=click.Path(file_okay=False, exists=True), required=True,
              help="A member house's folder (from `consortium-net house`): its genesis and peers.")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="New folder for the new house's node.")
@click.option("--base-port", type=click.IntRange(1024, 65000), default=net_config.BASE_HTTP_PORT, show_default=True,
              help="RPC port of the new node (P2P and engine API ports follow as for `up`).")
@click.option("--host", default=net_config.LOCAL_HOST, show_default=True,
              help="The address the node listens on and the others reach it at.")
@click.option("--password-file", type=click.Path(dir_okay=False),
              help=f"File holding the new signer keystore's password (or set {accounts.PASSWORD_ENV}; else a prompt).")
@geth_option
@json_option
@pass_settings
def net_join(settings: Settings, house, source, out, base_port, host, password_file, geth):
    """Make a new house's node for an existing network: a new signer keystore and node key, the
    network's genesis and peers. It syncs the chain once running (`consortium-net run`); it seals
    once a majority of the sealers vote it in (clique.propose)."""
    prompt = (lambda: click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)) \
        if sys.stdin.isatty() else None
    made = house_node.join(Path(source), house, Path(out), accounts.read_password(password_file, prompt), base_port,
                           host, lambda: net_node.geth_binary(geth))
    settings.emit(made, _house_text(made, Path(out)))


def _house_text(made, out) -> str:
    return (f"{made.node.house}'s node in {out}: signer {made.node.signer}, RPC {made.node.rpc_url}, "
            f"{len(made.peers)} peer(s)\nrun it: luxpass consortium-net run --house-dir {out}\n"
            f"or with systemd: {out / f'luxpass-node-{made.node.slug}.service'}")


@consortium_net.command("run")
@click.option("--house-dir", type=click.Path(file_okay=False, exists=True), required=True,
              help="The house's folder (from `consortium-net house` or `consortium-net join`).")
@geth_option
@pass_settings
def net_run(settings: Settings, house_dir, geth):
    """Run one house's node and start it again whenever it exits; SIGTERM or Ctrl-C stops it cleanly."""
    house_node.run(Path(house_dir), lambda: net_node.geth_binary(geth), lambda line: click.echo(line, err=True))


def _emit_net(settings: Settings, states) -> None:
    lines = [f"{s.house:<20} {s.rpc_url}  running  block {s.block}  peers {s.peers}  "
             f"{'sealing' if s.sealing else 'not sealing'}  signer {s.signer}  keystore {s.keystore}" if s.running else
             f"{s.house:<20} {s.rpc_url}  stopped  signer {s.signer}  keystore {s.keystore}"
             for s in states]
    settings.emit(states, "\n".join(lines))


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
