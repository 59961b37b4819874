"""What a consortium network is: its houses, each with a signer, a node key and ports, the chain id,
the genesis, all kept in the network folder's net.json. Every check of an operator's input comes
here, before anything is created or started.

Clique lets a signer seal at most one of any floor(N/2)+1 consecutive blocks, so only a majority of
the houses can extend the chain; a block with floor(N/2) descendants has been built on by a majority
of distinct signers, and undoing it would take that majority signing a second chain. That is the
number of confirmations `consortium_confirmations` gives (3 of 4).

geth v1.13.15 is the last release that seals Clique; its Clique refuses Shanghai, so the genesis
stops at London (Paris EVM rules without PUSH0): the contracts must be built for paris."""
import errno
import json
import os
import re
import secrets
import socket
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eth_account import Account
from eth_keys import keys
from web3 import Web3

from ..chain.accounts import encrypt_key, home
from ..chain.connection import clique_majority
from ..errors import InputError
from ..files import read_own_record
from ..values import check_node_addresses
from ..writes import write_json_atomic

HOUSES = ("Maison Aurel", "Casa Vellutti", "Horlogerie Brandt", "Atelier Nouveau")
CHAIN_ID = 7531
BASE_HTTP_PORT = 8600
BASE_P2P_PORT = 30400
BASE_AUTH_PORT = 8700
PERIOD = 1  # seconds between blocks
GAS_LIMIT = 30_000_000
FUNDS = 10**6 * 10**18  # wei for each house's signer
GETH_VERSION = "1.13.15"
LOCAL_HOST = "127.0.0.1"
# Seconds from the network's creation to its block 1: every node is started and peered by then, so
# that block 1 is sealed by a network, not by the first node alone.
START_ALLOWANCE = 8
# The network's own passwords are 144 random bits: no work factor adds to that, and geth unlocks the
# key at every start. geth's --lightkdf uses the same.
GENERATED_PASSWORD_SCRYPT_N = 4096
PORT_ROLES = {"http_port": "RPC", "p2p_port": "P2P", "auth_port": "engine API"}


def consortium_confirmations(signers: int) -> int:
    """Blocks after which a Clique block is final against a minority: floor(N/2)+1 in all."""
    return clique_majority(signers)


@dataclass
class NodeConfig:
    """One house's node: its signer, its keystore, the key that names it to its peers, its ports."""

    house: str
    slug: str
    signer: str
    keystore: str
    enode: str
    http_port: int
    p2p_port: int
    auth_port: int
    host: str = LOCAL_HOST

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"


@dataclass
class NetworkConfig:
    chain_id: int
    period: int
    nodes: list[NodeConfig]
    funded: list[str] = field(default_factory=list)
    geth: str = GETH_VERSION

    @property
    def signers(self) -> list[str]:
        return [node.signer for node in self.nodes]

    def node(self, house: str) -> NodeConfig:
        for node in self.nodes:
            if house in (node.house, node.slug):
                return node
        raise InputError(f"no house {house!r} in this network",
                         f"name one of: {', '.join(node.house for node in self.nodes)}")

    def peers_of(self, node: NodeConfig) -> list[str]:
        return [other.enode for other in self.nodes if other.slug != node.slug]

    @classmethod
    def from_json(cls, data: dict) -> "NetworkConfig":
        return cls(data["chain_id"], data["period"], [NodeConfig(**node) for node in data["nodes"]],
                   data.get("funded", []), data.get("geth", GETH_VERSION))


def net_dir(path: str | None = None) -> Path:
    return Path(path) if path else home() / "consortium-net"


def slug(house: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", house.lower()).strip("-")


def password_file(folder: Path, house: str) -> Path:
    return folder / f"{slug(house)}.password"


def data_dir(folder: Path, node: NodeConfig) -> Path:
    return folder / node.slug


def load(folder: Path) -> NetworkConfig | None:
    data = read_own_record(folder / "net.json")
    if data is None:
        return None
    if any("enode" not in node for node in data.get("nodes", [])):
        raise InputError(f"the network in {folder} was made by an older luxpass (its nodes have no node keys)",
                         "stop it with that luxpass's `consortium-net down`, then create a new one with another --dir")
    return NetworkConfig.from_json(data)


def require(folder: Path) -> NetworkConfig:
    config = load(folder)
    if config is None:
        raise InputError(f"no consortium network in {folder}", "create one with `luxpass consortium-net up`")
    return config


def save(folder: Path, config: NetworkConfig) -> None:
    write_json_atomic(folder / "net.json", asdict(config))


# --- checks before anything is created or started ----------------------------------------

def ports(base_port: int, index: int) -> dict[str, int]:
    """The ports of the network's `index`-th node: RPC from `base_port` on, P2P and engine API beside."""
    shift = base_port - BASE_HTTP_PORT
    return {"http_port": base_port + index, "p2p_port": BASE_P2P_PORT + shift + index,
            "auth_port": BASE_AUTH_PORT + shift + index}


def check_new(folder: Path, houses: tuple[str, ...], base_port: int, hosts: tuple[str, ...] = ()) -> None:
    if len(houses) < 2 or len(set(map(slug, houses))) != len(houses) or not all(map(slug, houses)):
        raise InputError(f"a consortium network needs at least two houses with distinct names, not {list(houses)}",
                         "repeat --house NAME, once per house, each name its own (letters or digits)")
    check_node_addresses(hosts, len(houses))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(f"{folder} is not an empty folder and holds no network (net.json is missing)",
                         "pass an empty or new --dir")
    for i, house in enumerate(houses):
        for key, port in ports(base_port, i).items():
            if port > 65535:
                raise InputError(f"--base-port {base_port} puts the {PORT_ROLES[key]} port of {house}'s node at "
                                 f"{port}, above 65535", f"pass a --base-port of at most {base_port - (port - 65535)}")
            check_port_free(hosts[i] if hosts else LOCAL_HOST, port, PORT_ROLES[key], house,
                            "stop that program, or pick other ports with --base-port")


def check_resumed(folder: Path, config: NetworkConfig, houses, chain_id, period, base_port, funded, hosts=()) -> None:
    """The creation's options, given again to a network that exists, must be its own."""
    held = {"--house": (tuple(houses) if houses else None, tuple(n.house for n in config.nodes)),
            "--address": (tuple(hosts) if hosts else None, tuple(n.host for n in config.nodes)),
            "--chain-id": (chain_id, config.chain_id), "--period": (period, config.period),
            "--base-port": (base_port, config.nodes[0].http_port if config.nodes else None)}
    for option, (given, own) in held.items():
        if given is not None and given != own:
            shown = ", ".join(own) if option in ("--house", "--address") else own
            raise InputError(f"{option} applies when a network is created, and the one in {folder} has {shown}",
                             f"leave {option} out to resume it, or create a new network with another --dir")
    if not set(funded) <= set(config.funded):
        raise InputError(f"--fund applies when a network is created, and {folder} holds one already",
                         "send funds from a house's account, or create a new network with another --dir")


def check_port_free(host: str, port: int, role: str, house: str, fix: str) -> None:
    """The port is free on `host`. An address this host does not have (a node in a network namespace
    of its own, say) is not checked: its geth says so if the port is taken there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as geth's own listeners: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                return
            raise InputError(f"port {port} ({role} of {house}'s node) is in use by another program", fix) from None


def address(text: str) -> str:
    if not Web3.is_address(text):
        raise InputError(f"{text!r} is not an address", "pass a 0x-prefixed 20-byte address to --fund")
    return Web3.to_checksum_address(text)


# --- creation -----------------------------------------------------------------------------

def new_house(folder: Path, house: str, index_ports: dict[str, int], host: str = LOCAL_HOST) -> NodeConfig:
    """A house of a network being created: its keys in its data dir, under a fresh password file."""
    name = slug(house)
    password = secrets.token_urlsafe(24)
    secret = password_file(folder, house)
    secret.write_text(password)
    os.chmod(secret, 0o600)
    signer, keystore, public = new_keys(folder / name, name, password, GENERATED_PASSWORD_SCRYPT_N)
    return NodeConfig(house, name, signer, str(keystore), enode(public, host, index_ports["p2p_port"]), host=host,
                      **index_ports)


def new_keys(data: Path, name: str, password: str, scrypt_n: int | None = None) -> tuple[str, Path, str]:
    """A house's signer key in a keystore under `password`, and its node key where geth reads it (so
    that every peer knows its enode before it first starts): the signer, the keystore, the node's
    public key."""
    account = Account.create()
    keystore = data / "keystore" / f"{name}.json"
    keystore.parent.mkdir(parents=True)
    keystore.write_text(json.dumps(encrypt_key(account.key, password, scrypt_n)))
    os.chmod(keystore, 0o600)
    node_key = secrets.token_bytes(32)
    key_file = data / "geth" / "nodekey"
    key_file.parent.mkdir(parents=True)
    key_file.write_text(node_key.hex())
    os.chmod(key_file, 0o600)
    return account.address, keystore, keys.PrivateKey(node_key).public_key.to_hex()[2:]


def enode(public: str, host: str, p2p_port: int) -> str:
    return f"enode://{public}@{host}:{p2p_port}"


def genesis(chain_id: int, period: int, signers: list[str], funded: list[str], start: int | None = None) -> dict:
    sealers = "".join(s[2:].lower() for s in sorted(signers, key=str.lower))
    forks = {f"{name}Block": 0 for name in ("homestead", "eip150", "eip155", "eip158", "byzantium",
                                            "constantinople", "petersburg", "istanbul", "berlin", "london")}
    return {
        "config": {"chainId": chain_id, **forks, "clique": {"period": period, "epoch": 30_000}},
        "difficulty": "0x1",
        "gasLimit": hex(GAS_LIMIT),
        "timestamp": hex(start if start is not None else int(time.time()) + START_ALLOWANCE),
        "extradata": "0x" + "00" * 32 + sealers + "00" * 65,
        "alloc": {a[2:].lower(): {"balance": hex(FUNDS)} for a in signers + funded},
    }
