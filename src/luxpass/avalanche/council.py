"""The houses' council on the consortium's L1: a Safe 1.4.1 whose owners are the houses' accounts,
a majority of whom must sign, and by default the only admin of the L1's allow lists, so that no
house alone can take another off them (and stop its transactions, its votes included).

Its address is known before the L1 exists: the Safe contracts' runtime code sits in the L1's
genesis at fixed addresses (the singleton with the state its constructor leaves, threshold 1, so
no one can set it up), and the council's proxy address is the CREATE2 address the proxy factory
gives its owners, threshold and salt. The genesis names that address admin; `avalanche-net up`
creates the proxy there once the L1 runs (any house may: houses deploy)."""
from dataclasses import asdict, dataclass

from eth_utils import to_checksum_address

from ..chain.artifacts import safe_artifact
from ..chain.connection import Chain
from ..errors import LuxpassError
from ..onchain.safe import SAFE_CONTRACTS, SafeDeployment, create_safe, predicted_proxy_address, setup_data

# Where the genesis puts the Safe contracts: addresses of no key, the same on every luxpass L1.
GENESIS_SAFE = SafeDeployment(singleton=to_checksum_address("0x5afe00000000000000000000000000000000a001"),
                              factory=to_checksum_address("0x5afe00000000000000000000000000000000a002"),
                              fallback_handler=to_checksum_address("0x5afe00000000000000000000000000000000a003"))
SALT = 0
_THRESHOLD_SLOT = "0x" + "00" * 31 + "04"  # Safe 1.4.1's `threshold` (after singleton, modules, owners, ownerCount)


@dataclass(frozen=True)
class Council:
    address: str
    owners: list
    threshold: int
    salt: int = SALT

    def as_json(self) -> dict:
        return asdict(self)


def majority(houses: int) -> int:
    return houses // 2 + 1


def predicted(owners: list[str], threshold: int | None = None, salt: int = SALT) -> Council:
    """The council Safe of `owners` (by default a majority of them signs), as the genesis' factory makes it."""
    threshold = majority(len(owners)) if threshold is None else threshold
    owners = [to_checksum_address(o) for o in owners]
    address = predicted_proxy_address(GENESIS_SAFE.factory, GENESIS_SAFE.singleton,
                                      setup_data(owners, threshold, GENESIS_SAFE.fallback_handler), salt)
    return Council(address, owners, threshold, salt)


def genesis_alloc() -> dict:
    """The Safe contracts' runtime code, for the L1 genesis' `alloc`."""
    alloc = {}
    for name, address in zip(SAFE_CONTRACTS, (GENESIS_SAFE.singleton, GENESIS_SAFE.factory,
                                              GENESIS_SAFE.fallback_handler)):
        alloc[address[2:].lower()] = {"balance": "0x0", "code": safe_artifact(name)["deployedBytecode"]}
    alloc[GENESIS_SAFE.singleton[2:].lower()]["storage"] = {_THRESHOLD_SLOT: "0x" + "00" * 31 + "01"}
    return alloc


def create(chain: Chain, council: Council) -> bool:
    """Create the council's proxy at its predicted address, signed by `chain`'s account; False when it is there already."""
    if chain.w3.eth.get_code(council.address):
        return False
    made = create_safe(chain, GENESIS_SAFE, council.owners, council.threshold, council.salt)
    if made != council.address:  # the genesis names an admin no one holds: the lists could never change
        raise LuxpassError(f"the council Safe was created at {made}, not at {council.address}, the allow lists' "
                           "admin the genesis names", "make the network again: its genesis' Safe contracts are not "
                           "the package's")
    return True
