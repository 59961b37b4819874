"""The houses' council on the consortium's L1: a Safe 1.4.1 whose owners are the houses' accounts,
a majority of whom must sign, and by default the only admin of the L1's allow lists, so that no
house alone can take another off them (and stop its transactions, its votes included).

Its address is known before the L1 exists. The genesis holds the deterministic deployment proxy
(the 69-byte CREATE2 factory at the address every EVM chain knows it by): the Safe contracts it
creates from the package's code land at addresses fixed by that code alone, and the council's
proxy address is the CREATE2 address their proxy factory gives the houses' owners, threshold and
salt. The genesis names that address admin; `avalanche-net up` creates the contracts and the
proxy there once the L1 runs (any house may: houses deploy). The Safe contracts themselves do not
fit the genesis: subnet-evm's genesis travels in a P-chain transaction of at most 64 KiB."""
from dataclasses import asdict, dataclass
from functools import cache

from eth_utils import keccak, to_checksum_address

from ..chain.artifacts import safe_artifact
from ..chain.connection import Chain
from ..chain.sender import RawCall
from ..errors import LuxpassError
from ..onchain.safe import SAFE_CONTRACTS, SafeDeployment, create_safe, predicted_proxy_address, setup_data

CREATE2_DEPLOYER = to_checksum_address("0x4e59b44847b379578588920ca78fbf26c0b4956c")
CREATE2_DEPLOYER_CODE = ("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe036016000816020823780358282"
                         "34f58015156039578182fd5b8082525050506014600cf3")
CONTRACT_SALT = bytes(32)
# Safe's MultiSendCallOnly besides: one council transaction admits many accounts (a delegatecall to
# it, which `luxpass safe sign` signs to no other contract).
CONTRACTS = (*SAFE_CONTRACTS, "MultiSendCallOnly")
SALT = 0  # the council proxy's


@dataclass(frozen=True)
class Council:
    address: str
    owners: list
    threshold: int
    salt: int = SALT

    def as_json(self) -> dict:
        return asdict(self)


def _creation_code(name: str) -> bytes:
    return bytes.fromhex(safe_artifact(name)["bytecode"].removeprefix("0x"))


@cache
def address_of(name: str) -> str:
    """Where the deterministic deployment proxy creates the package's `name`."""
    return to_checksum_address(keccak(b"\xff" + bytes.fromhex(CREATE2_DEPLOYER[2:]) + CONTRACT_SALT
                                      + keccak(_creation_code(name)))[12:])


def safe_deployment() -> SafeDeployment:
    return SafeDeployment(*(address_of(name) for name in SAFE_CONTRACTS))


def multi_send() -> str:
    return address_of("MultiSendCallOnly")


def majority(houses: int) -> int:
    return houses // 2 + 1


def predicted(owners: list[str], threshold: int | None = None, salt: int = SALT) -> Council:
    """The council Safe of `owners` (by default a majority of them signs)."""
    threshold = majority(len(owners)) if threshold is None else threshold
    owners = [to_checksum_address(o) for o in owners]
    contracts = safe_deployment()
    address = predicted_proxy_address(contracts.factory, contracts.singleton,
                                      setup_data(owners, threshold, contracts.fallback_handler), salt)
    return Council(address, owners, threshold, salt)


def genesis_alloc() -> dict:
    """The deterministic deployment proxy, for the L1 genesis' `alloc`."""
    return {CREATE2_DEPLOYER[2:].lower(): {"balance": "0x0", "code": CREATE2_DEPLOYER_CODE}}


def create(chain: Chain, council: Council) -> bool:
    """Create the Safe contracts and the council's proxy at their predicted addresses, signed by
    `chain`'s account; False when the council is there already."""
    if chain.w3.eth.get_code(council.address):
        return False
    for name in CONTRACTS:
        if not chain.w3.eth.get_code(address_of(name)):
            chain.sender.transact(RawCall(CREATE2_DEPLOYER, CONTRACT_SALT + _creation_code(name)),
                                  f"deploy Safe {name} at {address_of(name)}")
        if bytes(chain.w3.eth.get_code(address_of(name))).hex() != safe_artifact(name)["deployedBytecode"][2:].lower():
            raise LuxpassError(f"{address_of(name)} holds no Safe {name}", "make the network again")
    made = create_safe(chain, safe_deployment(), council.owners, council.threshold, council.salt)
    if made != council.address:  # the genesis names an admin no one holds: the lists could never change
        raise LuxpassError(f"the council Safe was created at {made}, not at {council.address}, the allow lists' "
                           "admin the genesis names", "make the network again")
    return True
