"""What a consortium network on Avalanche is: its network id, its houses (each with a staking key
and certificate, a BLS signer key, ports and an EVM account in a keystore of its own), the IDs of
its L1 (subnet, chain, conversion), all kept in the network folder's net.json. Every check of an
operator's input comes here, before anything is created or started.

Snowman accepts a block after `beta` successive polls of `k` samples (drawn by stake) in which at
least `alpha` answered for it; a block accepted is final: no node ever accepts another at its
height. With four houses of equal weight and the default k=20, alpha=15, one house down leaves
exactly 75% of the weight: a poll succeeds only when at most 5 of its 20 samples fall on that house.
"""
import errno
import os
import re
import secrets
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..chain.accounts import create_keystore, home, load_keystore
from ..errors import InputError
from ..files import read_own_record
from ..values import check_node_addresses
from ..writes import write_json_atomic

HOUSES = ("Maison Aurel", "Casa Vellutti", "Horlogerie Brandt", "Atelier Nouveau")
NETWORK_ID = 7531  # the P-chain's network, a custom one (its addresses read custom1…)
EVM_CHAIN_ID = 7533  # the L1's EVM chain id
BASE_HTTP_PORT = 9700
LOCAL_HOST = "127.0.0.1"
NAVAX = 10**9  # nAVAX in one AVAX
STAKE = 4 * 2_000 * NAVAX  # staked by the genesis validators, in all
P_FUNDS = 1_000 * NAVAX  # the consortium's P-chain funds: the L1's transactions and validator balances
VALIDATOR_BALANCE = 100 * NAVAX  # each L1 validator's balance, which its continuous fee draws on
VALIDATOR_WEIGHT = 100  # each house's weight on the L1
STAKE_DURATION = 365 * 24 * 3600
FUNDS = 10**6 * 10**18  # wei for each house's account on the L1
GAS_LIMIT = 30_000_000
MIN_BASE_FEE = 10**9  # 1 gwei: low fees, paid from the houses' genesis funds
L1_CHAIN_NAME = "luxpass"
DB_TYPE = "pebbledb"  # a new network's avalanchego database


def confirmations() -> int:
    """Blocks are final once accepted: one confirmation is all there is."""
    return 1


@dataclass
class House:
    house: str
    slug: str
    node_id: str
    signer: dict  # the BLS public key and its proof of possession
    account: str  # the house's EVM account on the L1
    keystore: str
    http_port: int
    staking_port: int
    host: str = LOCAL_HOST

    @property
    def uri(self) -> str:
        return f"http://{self.host}:{self.http_port}"


@dataclass
class AvalancheNet:
    network_id: int
    evm_chain_id: int
    houses: list[House]
    allow_list_admins: list[str]
    # The houses' council Safe (council.Council's fields) when it is the lists' admin; none when
    # `up --allow-list-admin` named the admins, and none on a network made before luxpass made one.
    council: dict = field(default_factory=dict)
    subnet_id: str = ""
    chain_id: str = ""  # the L1's blockchain ID: its RPC is /ext/bc/<chain_id>/rpc
    conversion_tx: str = ""
    timings: dict = field(default_factory=dict)
    # avalanchego's own database (the P-chain's, the proposervm's): pebbledb syncs every write, leveldb
    # none. A node's data cannot move to another type: a network made before luxpass chose pebbledb (no
    # db_type in its net.json) keeps leveldb.
    db_type: str = "leveldb"

    def rpc_url(self, house: "House") -> str:
        return f"{house.uri}/ext/bc/{self.chain_id}/rpc"

    def house(self, name: str) -> House:
        for house in self.houses:
            if name in (house.house, house.slug):
                return house
        raise InputError(f"no house {name!r} in this network",
                         f"name one of: {', '.join(house.house for house in self.houses)}")

    @classmethod
    def from_json(cls, data: dict) -> "AvalancheNet":
        return cls(**{**data, "houses": [House(**house) for house in data["houses"]]})


def net_dir(path: str | None = None) -> Path:
    return Path(path) if path else home() / "avalanche-net"


def slug(house: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", house.lower()).strip("-")


def house_dir(folder: Path, house: House) -> Path:
    return folder / house.slug


def password_file(folder: Path, house: str) -> Path:
    return folder / f"{slug(house)}.password"


def load(folder: Path) -> AvalancheNet | None:
    data = read_own_record(folder / "net.json")
    if data is None:
        return None
    return AvalancheNet.from_json(data)


def require(folder: Path) -> AvalancheNet:
    config = load(folder)
    if config is None:
        raise InputError(f"no Avalanche network in {folder}", "create one with `luxpass avalanche-net up`")
    return config


def save(folder: Path, config: AvalancheNet) -> None:
    write_json_atomic(folder / "net.json", asdict(config))


def ports(base_port: int, index: int) -> dict[str, int]:
    """The `index`-th node's HTTP port and its staking (peer) port beside it."""
    return {"http_port": base_port + 2 * index, "staking_port": base_port + 2 * index + 1}


def check_new(folder: Path, houses: tuple[str, ...], base_port: int, hosts: tuple[str, ...] = ()) -> None:
    """Refuse, before anything is made: too few houses, twin names, addresses that are not one IPv4
    address per house, a folder in use, busy ports."""
    if len(houses) < 1:
        raise InputError("a network needs at least one house", "pass --house NAME once per house")
    check_node_addresses(hosts, len(houses))
    slugs = [slug(h) for h in houses]
    if any(not s for s in slugs) or len(set(slugs)) != len(slugs):
        raise InputError(f"house names {', '.join(houses)} are empty or name one folder twice",
                         "give each house a name of its own, with letters or digits")
    if folder.exists() and any(folder.iterdir()):
        raise InputError(f"{folder} is not empty", "pass an empty or new --dir: a network's keys are never overwritten")
    last = base_port + 2 * len(houses) - 1
    if not 1024 <= base_port or last > 65535:
        raise InputError(f"ports {base_port}-{last} are out of range", "pass --base-port between 1024 and 65000")
    for index in range(len(houses)):
        for role, port in ports(base_port, index).items():
            if busy(port, hosts[index] if hosts else LOCAL_HOST):
                raise InputError(f"port {port} ({role.split('_')[0]} of {houses[index]}) is in use",
                                 "stop what listens there or pass another --base-port")


def busy(port: int, host: str = LOCAL_HOST) -> bool:
    """Something listens on `port` at `host`. An address this machine does not have (a node in a
    network namespace or on a host of its own) is not checked: its avalanchego says so if it is taken."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.errno != errno.EADDRNOTAVAIL
    return False


def check_resumed(folder: Path, config: AvalancheNet, hosts: tuple[str, ...]) -> None:
    """`--address` given again to a network that exists must be its own."""
    own = tuple(house.host for house in config.houses)
    if hosts and tuple(hosts) != own:
        raise InputError(f"--address applies when a network is created, and the one in {folder} has {', '.join(own)}",
                         "leave --address out to resume it, or create a new network with another --dir")


def house_account(folder: Path, house: House):
    """The house's account, unlocked from its keystore with its password file."""
    return load_keystore(Path(house.keystore), password_file(folder, house.house).read_text())


def new_account(folder: Path, house: str) -> tuple[str, Path]:
    """The house's EVM account on the L1, in a keystore under a generated password file."""
    password = secrets.token_urlsafe(24)
    secret = password_file(folder, house)
    secret.write_text(password)
    os.chmod(secret, 0o600)
    return create_keystore(slug(house), password, folder / "keystores")
