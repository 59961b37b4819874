"""The consortium's Avalanche network on one machine: `up` makes it (keys, genesis, nodes, the L1)
or finishes what a stopped `up` left, `down` stops it, `status` says what each node sees.

The L1 is made by three P-chain transactions, issued by luxpass-l1 on avalanchego's wallet, one at a
time, each ID written to net.json before the next is issued, so that `up` run again never issues one
twice: CreateSubnetTx, CreateChainTx (subnet-evm, its genesis below), ConvertSubnetToL1Tx (the houses'
nodes as the L1's validators, each with its BLS key's proof of possession)."""
import base64
import json
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from web3 import Web3

from ..chain import rpc
from ..chain.connection import EVM_PROBES, Chain
from ..errors import LuxpassError
from . import council, node
from .config import (DB_TYPE, EVM_CHAIN_ID, FUNDS, GAS_LIMIT, L1_CHAIN_NAME, MIN_BASE_FEE, NETWORK_ID, P_FUNDS,
                     LOCAL_HOST, STAKE, STAKE_DURATION, VALIDATOR_BALANCE, VALIDATOR_WEIGHT, AvalancheNet, House,
                     check_new, check_resumed, house_account, house_dir, load, new_account, ports, require, save,
                     slug)
from .tools import Tools

BOOTSTRAP_TIMEOUT = 240
L1_STEPS = (("subnet", "subnet_id"), ("chain", "chain_id"), ("convert", "conversion_tx"))


def subnet_evm_genesis(config: AvalancheNet) -> dict:
    """The L1's genesis: its chain id, low fees (no block gas cost, so no tip is needed), every
    house's account funded, the CREATE2 deployer the council Safe is made by (council.py) and the allow lists: only
    enabled accounts (the houses') send transactions and deploy contracts, and only the allow lists'
    admins (by default the houses' council Safe, at its predicted address) change who is enabled."""
    accounts = [house.account for house in config.houses]
    allow_list = {"blockTimestamp": 0, "adminAddresses": config.allow_list_admins,
                  "enabledAddresses": [a for a in accounts if a not in config.allow_list_admins]}
    forks = ("homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock", "constantinopleBlock",
             "petersburgBlock", "istanbulBlock", "muirGlacierBlock")
    return {
        "config": {"chainId": config.evm_chain_id, **{fork: 0 for fork in forks},
                   "feeConfig": {"gasLimit": GAS_LIMIT, "targetBlockRate": 1, "minBaseFee": MIN_BASE_FEE,
                                 "targetGas": 4 * GAS_LIMIT, "baseFeeChangeDenominator": 48, "minBlockGasCost": 0,
                                 "maxBlockGasCost": 0, "blockGasCostStep": 0},
                   "txAllowListConfig": allow_list, "contractDeployerAllowListConfig": allow_list},
        "alloc": {**council.genesis_alloc(), **{account[2:].lower(): {"balance": hex(FUNDS)} for account in accounts}},
        # Its own time, not 0: the upgrades that bring the Shanghai and Cancun opcodes (Durango, Etna)
        # are timed, and a genesis before them would leave block 0 (what a fresh chain calls on) without.
        "nonce": "0x0", "timestamp": hex(int(time.time())), "extraData": "0x", "gasLimit": hex(GAS_LIMIT), "difficulty": "0x0",
        "mixHash": "0x" + "00" * 32, "coinbase": "0x" + "00" * 20, "number": "0x0", "gasUsed": "0x0",
        "parentHash": "0x" + "00" * 32,
    }


def new_config(houses: list[House], admins: list[str] | None) -> AvalancheNet:
    """A new network of `houses`, whose allow lists' admins are `admins` or, by default, the
    houses' council Safe alone (a majority of the houses sign)."""
    if admins:
        return AvalancheNet(NETWORK_ID, EVM_CHAIN_ID, houses, admins, db_type=DB_TYPE)
    board = council.predicted([h.account for h in houses])
    return AvalancheNet(NETWORK_ID, EVM_CHAIN_ID, houses, [board.address], council=board.as_json(), db_type=DB_TYPE)


def create(folder: Path, tools: Tools, houses: tuple[str, ...], base_port: int, admins: list[str] | None,
           log: Callable[[str], None], hosts: tuple[str, ...] = ()) -> AvalancheNet:
    """The network's keys and genesis files; nothing is started. `hosts`: the address of each house's
    node (its HTTP API, and where the others reach its staking port), else 127.0.0.1 for all."""
    check_new(folder, houses, base_port, hosts)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    made = []
    for index, name in enumerate(houses):
        data = folder / slug(name)
        data.mkdir()
        keys = tools.run("keys", "-dir", str(data))
        account, keystore = new_account(folder, name)
        made.append(House(name, slug(name), keys["nodeID"], keys["signer"], account, str(keystore),
                          **ports(base_port, index), host=hosts[index] if hosts else LOCAL_HOST))
        log(f"up: {name}: node {keys['nodeID']}, account {account}")
    config = new_config(made, admins)
    if config.council:
        log(f"up: the allow lists' admin is the houses' council Safe {config.council['address']} "
            f"({config.council['threshold']} of {len(made)} houses sign)")
    genesis_input = {"networkID": config.network_id, "stakeKey": str(folder / "stake.key"),
                     "fundKey": str(folder / "fund.key"), "stake": STAKE, "funds": P_FUNDS,
                     "stakeDuration": STAKE_DURATION, "message": "luxpass consortium",
                     "validators": [{"nodeID": h.node_id, "signer": h.signer} for h in made]}
    (folder / "genesis-input.json").write_text(json.dumps(genesis_input))
    tools.run("genesis", "-in", str(folder / "genesis-input.json"), "-out", str(folder / "genesis.json"))
    (folder / "l1-genesis.json").write_text(json.dumps(subnet_evm_genesis(config)))
    (folder / "chain-configs").mkdir()
    save(folder, config)
    return config


def up(folder: Path, tools: Tools, houses: tuple[str, ...], base_port: int, admins: list[str] | None,
       log: Callable[[str], None], hosts: tuple[str, ...] = ()) -> AvalancheNet:
    """Make and start the network and its L1, or finish what an earlier `up` left undone."""
    config = load(folder)
    if config is None:
        config = create(folder, tools, houses, base_port, admins, log, hosts)
    else:
        check_resumed(folder, config, hosts)
    started = time.monotonic()
    start_all(folder, tools, config, log)
    for house in config.houses:
        node.wait_for(f"{house.house}'s node did not bootstrap its P-chain", lambda: node.bootstrapped(house, "P"),
                      BOOTSTRAP_TIMEOUT, f"read {house_dir(folder, house) / 'node.log'}")
    config.timings["p_chain_ready_s"] = round(time.monotonic() - started, 1)
    log(f"up: the P-chain runs on {len(config.houses)} validators ({config.timings['p_chain_ready_s']} s)")
    tracking = bool(config.subnet_id)
    for step, attribute in L1_STEPS:
        if getattr(config, attribute):
            continue
        answer = tools.run("create-l1", "-in", str(_l1_input(folder, config)), "-step", step)
        setattr(config, attribute, answer["id"])
        config.timings[f"{step}_tx_s"] = float(answer["seconds"])
        save(folder, config)
        log(f"up: {step}: {answer['id']} ({answer['seconds']} s)")
    chain_config(folder, config)
    if not tracking:  # the nodes learn the subnet they validate at start
        stop_all(folder, config)
        start_all(folder, tools, config, log)
    started = time.monotonic()
    for house in config.houses:
        node.wait_for(f"the L1's RPC on {house.house}'s node did not answer",
                      lambda: node.evm_height(config.rpc_url(house)) is not None, BOOTSTRAP_TIMEOUT,
                      f"read {house_dir(folder, house) / 'node.log'}")
    config.timings["l1_ready_s"] = round(time.monotonic() - started, 1)
    save(folder, config)
    log(f"up: the L1 {config.chain_id} answers on every node ({config.timings['l1_ready_s']} s after start)")
    if config.council:
        first = config.houses[0]
        chain = Chain(config.rpc_url(first), house_account(folder, first), log=log)
        if council.create(chain, council.Council(**config.council)):
            log(f"up: {first.house} created the council Safe {config.council['address']}, the allow lists' admin")
    return config


# The L1's chain state is in a pebble database of subnet-evm's own (chainData/<chain>/db), which
# subnet-evm opens with `sync: false`. Pebble then keeps unsynced writes in its WAL's 32 KiB block in
# the process's memory until the block fills: a quiet chain's last accepted blocks (measured: up to 5)
# are lost when the node is killed, while avalanchego's proposervm, in its own database, has written
# them. At restart the proposervm rolls back to the chain's height ("repairing accepted chain by
# height"), and with every node killed at once the network accepts other blocks there: a mint
# reported final was gone. `sync: true` writes and syncs each batch before subnet-evm goes on.
# Archive mode (no pruning, each block's state committed) keeps the state the audit's pinned reads need.
L1_CHAIN_CONFIG = {
    "pruning-enabled": False, "commit-interval": 1,
    "database-config": base64.b64encode(json.dumps({"sync": True}).encode()).decode(),
}


def chain_config(folder: Path, config: AvalancheNet) -> None:
    """The L1 chain's subnet-evm config, read by each node when it starts the chain."""
    path = folder / "chain-configs" / config.chain_id / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(L1_CHAIN_CONFIG))


def _l1_input(folder: Path, config: AvalancheNet) -> Path:
    first = config.houses[0]
    path = folder / "l1-input.json"
    # The validator manager: the address whose Warp messages may change the L1's validators later. No
    # contract is there yet: until the consortium deploys one, the four houses stay its validators.
    path.write_text(json.dumps({
        "uri": first.uri, "fundKey": str(folder / "fund.key"), "chainName": L1_CHAIN_NAME,
        "genesis": str(folder / "l1-genesis.json"), "managerAddress": config.allow_list_admins[0],
        "weight": VALIDATOR_WEIGHT, "balance": VALIDATOR_BALANCE, "subnetID": config.subnet_id,
        "chainID": config.chain_id,
        "validators": [{"nodeID": h.node_id, "signer": h.signer} for h in config.houses]}))
    return path


def start_all(folder: Path, tools: Tools, config: AvalancheNet, log: Callable[[str], None]) -> None:
    for house in config.houses:
        if node.running(folder, house) is None:
            pid = node.start(tools, folder, config, house)
            log(f"up: {house.house}'s node started (pid {pid}), {house.uri}")


def stop_all(folder: Path, config: AvalancheNet, sig: int = signal.SIGTERM) -> list[str]:
    return [house.house for house in config.houses if node.stop(folder, house, sig)]


def down(folder: Path) -> list[str]:
    return stop_all(folder, require(folder))


@dataclass
class NodeStatus:
    house: str
    running: bool
    rpc_url: str
    height: int | None


def status(folder: Path) -> list[NodeStatus]:
    config = require(folder)
    return [NodeStatus(h.house, node.running(folder, h) is not None, config.rpc_url(h),
                       node.evm_height(config.rpc_url(h)) if config.chain_id else None) for h in config.houses]


def as_json(statuses: list[NodeStatus]) -> list[dict]:
    return [asdict(s) for s in statuses]


def evm_target(url: str, sender: str) -> str:
    """The newest EVM target whose opcodes the L1 runs, probed by a creation-code eth_call of each
    target's newest opcode (connection.EVM_PROBES), not assumed from subnet-evm's version. The call
    comes from `sender`, an account the allow lists admit: the L1 refuses any other's."""
    w3 = Web3(rpc.RetryingProvider(url, log=lambda _: None))
    runs = "paris"
    for target, code in EVM_PROBES:
        try:
            rpc.call(w3, None, code, gas=100_000, sender=sender)
        except rpc.NodeUnavailable:
            raise  # a node that does not answer says nothing of its opcodes
        except LuxpassError:
            break
        runs = target
    return runs


def rpc_urls(config: AvalancheNet) -> str:
    """Every house's L1 RPC, comma-separated: luxpass's --rpc-url fails over between them."""
    if not config.chain_id:
        raise LuxpassError("the network has no L1 yet", "finish it with `luxpass avalanche-net up`")
    return ",".join(config.rpc_url(h) for h in config.houses)
