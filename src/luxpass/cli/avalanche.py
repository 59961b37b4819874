"""The consortium's network on Avalanche (`luxpass avalanche-net`): one avalanchego node per house,
validators of a private network, and the consortium's L1 running subnet-evm, whose blocks are final."""
from decimal import Decimal, InvalidOperation

import click

from ..avalanche import allow_list as av_allow_list
from ..avalanche import config as av_config
from ..avalanche import network as av_network
from ..avalanche import tools as av_tools
from ..chain.connection import Chain
from .base import Settings, cli, pass_settings
from .params import Address, json_option


@cli.group("avalanche-net")
def avalanche_net():
    """Four houses as validators of the consortium's Avalanche L1 (subnet-evm, final blocks)."""


dir_option = click.option("--dir", "folder", type=click.Path(file_okay=False),
                          help="Folder of the network (default $LUXPASS_HOME/avalanche-net).")


@avalanche_net.command("up")
@dir_option
@click.option("--house", "houses", multiple=True, metavar="NAME",
              help=f"A member house, validator of the L1 (repeat; default: {', '.join(av_config.HOUSES)}). First run only.")
@click.option("--base-port", type=click.IntRange(1024, 65000), default=av_config.BASE_HTTP_PORT, show_default=True,
              help="HTTP port of the first node; each node's staking port follows its HTTP port. First run only.")
@click.option("--allow-list-admin", "admins", multiple=True, type=Address(),
              help="Admin of the L1's allow lists, e.g. a Safe of the consortium's choosing (repeat; default: the "
                   "houses' council Safe, a majority of them signing). First run only.")
@click.option("--address", "hosts", multiple=True, metavar="IP",
              help="The IPv4 address of each house's node, in the order of the houses (repeat; default 127.0.0.1 "
                   "for all): its HTTP API and L1 RPC, and where the other nodes reach it. First run only.")
@click.option("--tools", "tools_dir", type=click.Path(file_okay=False),
              help=f"Folder of the binaries `make avalanche` builds (default ${av_tools.TOOLS_ENV} or ./.tools/avalanche).")
@json_option
@pass_settings
def up(settings: Settings, folder, houses, base_port, admins, hosts, tools_dir):
    """Create the network and its L1 on first use, else start its stopped nodes and finish what an
    earlier `up` left undone (no P-chain transaction is ever issued twice)."""
    config = av_network.up(av_config.net_dir(folder), av_tools.find(tools_dir), tuple(houses) or av_config.HOUSES,
                           base_port, list(admins) or None, log=lambda line: click.echo(line, err=True),
                           hosts=tuple(hosts))
    _emit(settings, av_network.status(av_config.net_dir(folder)), config)


@avalanche_net.command("down")
@dir_option
@json_option
@pass_settings
def down(settings: Settings, folder):
    """Stop every node; `up` starts the same chain again."""
    stopped = av_network.down(av_config.net_dir(folder))
    settings.emit({"stopped": stopped}, f"stopped: {', '.join(stopped) or 'no node was running'}")


@avalanche_net.command("status")
@dir_option
@json_option
@pass_settings
def status(settings: Settings, folder):
    """Each node's house, whether it runs, its L1 RPC URL and the L1's height it sees."""
    _emit(settings, av_network.status(av_config.net_dir(folder)), av_config.require(av_config.net_dir(folder)))


def _coins(ctx, param, value: str) -> int:
    try:
        wei = Decimal(value) * 10**18
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number of coins; write e.g. 10 or 0.5") from None
    if wei < 0 or wei != wei.to_integral_value():
        raise click.BadParameter(f"{value} is negative or finer than 1 wei; write e.g. 10 or 0.5")
    return int(wei)


@avalanche_net.command("admit")
@dir_option
@click.argument("addresses", nargs=-1, required=True, type=Address())
@click.option("--house", "house_name", metavar="NAME",
              help="The house whose account signs: the admin's calls when it is an allow-list admin, else it "
                   "drafts them for the council Safe's owners; the payments (default: the first house).")
@click.option("--deployer", is_flag=True, help="Let them deploy contracts too (a house's staff who create Safes "
              "or the registry: subnet-evm checks every contract created against the transaction's origin).")
@click.option("--fund", "balance_wei", default="0", metavar="COINS", show_default=True, callback=_coins,
              help="Top each balance up to this many of the L1's coins (18 decimals), for gas; never pays twice.")
@json_option
@pass_settings
def admit(settings: Settings, folder, addresses, house_name, deployer, balance_wei):
    """Admit ADDRESSES to the L1: an allow-list admin's call to the precompile enables each to send
    (and with --deployer, to deploy), then a payment tops its balance up. When the admin is a Safe
    (by default the houses' council), each call is drafted as a Safe transaction into a job file that
    a majority of the houses sign (`luxpass safe sign FILE`) and one executes (`luxpass safe exec
    FILE`). What the chain already holds is not sent or drafted again.

    \b
        luxpass avalanche-net admit 0xRESELLER 0xMARKETPLACE --fund 10"""
    folder = av_config.net_dir(folder)
    config = av_config.require(folder)
    house = config.house(house_name) if house_name else config.houses[0]
    if not config.chain_id:
        raise click.UsageError("the network has no L1 yet; finish it with `luxpass avalanche-net up`")
    chain = Chain(config.rpc_url(house), av_config.house_account(folder, house),
                  log=lambda line: click.echo(line, err=True))
    admitted = av_allow_list.admit(chain, list(dict.fromkeys(addresses)), deployer, balance_wei,
                                   tuple(config.allow_list_admins))
    drafted = list(dict.fromkeys(a.drafted for a in admitted if a.drafted))
    settings.emit([a.as_json() for a in admitted], "\n".join(
        [f"{a.address}  sends: {a.sends}  deploys: {a.deploys}  balance {a.balance_wei / 10**18:g}  "
         f"({len(a.transactions)} transaction(s) now)" for a in admitted]
        + [f"drafted for the council Safe: {f}" for f in drafted]
        + ([f"next: `luxpass safe sign FILE` by {config.council.get('threshold', 'enough')} of its owners, then "
            "`luxpass safe exec FILE`"] if drafted else [])))


def _emit(settings: Settings, states, config) -> None:
    lines = [f"L1 chain {config.chain_id or '(not created yet)'}  EVM chain id {config.evm_chain_id}  "
             f"blocks are final once accepted: luxpass waits for {av_config.confirmations()} confirmation",
             f"allow lists' admin: {', '.join(config.allow_list_admins)}"
             + (f" (the houses' council Safe, {config.council['threshold']} of {len(config.council['owners'])} sign)"
                if config.council else "")]
    lines += [f"{s.house:<20} {'running' if s.running else 'stopped':<8} block {s.height}  {s.rpc_url}" for s in states]
    settings.emit({"chain_id": config.chain_id, "subnet_id": config.subnet_id, "evm_chain_id": config.evm_chain_id,
                   "allow_list_admins": config.allow_list_admins, "council": config.council or None,
                   "nodes": av_network.as_json(states)}, "\n".join(lines))
