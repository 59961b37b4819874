"""Admitting an account to the consortium's L1: an allow-list admin's calls to subnet-evm's
precompiles, `setEnabled` on the transaction allow list (it may send) and, for a house's staff who
deploy (a Safe, the registry), on the contract-deployer allow list, then a payment that tops its
balance up to what it needs for gas. Each step is made only when the chain lacks it, so `admit` run
again sends nothing and never pays twice.

subnet-evm checks the deployer list against the transaction's origin for every contract created,
inside a call too: an officer who creates a Safe through its proxy factory, or whose vote makes the
registry create a brand's collection, deploys."""
from dataclasses import asdict, dataclass

from web3 import Web3

from ..chain import rpc
from ..chain.connection import Chain
from ..chain.sender import RawCall
from ..errors import LuxpassError

TX_ALLOW_LIST = "0x0200000000000000000000000000000000000002"
DEPLOYER_ALLOW_LIST = "0x0200000000000000000000000000000000000000"
ROLES = ("none", "enabled", "admin", "manager")  # readAllowList's answer, by its number
_READ = Web3.keccak(text="readAllowList(address)")[:4]
_SET_ENABLED = Web3.keccak(text="setEnabled(address)")[:4]


@dataclass
class Admitted:
    address: str
    sends: str  # its role on the transaction allow list
    deploys: str  # its role on the contract-deployer allow list
    balance_wei: int
    transactions: list[str]  # what this run sent for it (none when the chain had it all)

    def as_json(self) -> dict:
        return asdict(self)


def _word(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(Web3.to_checksum_address(address)[2:])


def role(chain: Chain, allow_list: str, address: str) -> str:
    """`address`'s role on `allow_list`, asked by the chain's own (admitted) account."""
    answer = rpc.call(chain.w3, allow_list, _READ + _word(address), sender=chain.address,
                      what=f"the allow list's role of {address}")
    return ROLES[int.from_bytes(answer, "big")] if int.from_bytes(answer, "big") < len(ROLES) else "unknown"


def admit(chain: Chain, addresses: list[str], deployer: bool = False, balance_wei: int = 0) -> list[Admitted]:
    """Enable each of `addresses` to send (and with `deployer`, to deploy), and top its balance up
    to `balance_wei`, signed by `chain`'s account, an admin of both lists. Every transaction is
    sent before the first is waited for: a block each of them is final."""
    admin = chain.address
    for allow_list in (TX_ALLOW_LIST, *((DEPLOYER_ALLOW_LIST,) if deployer else ())):
        if role(chain, allow_list, admin) not in ("admin", "manager"):
            which = "transaction" if allow_list == TX_ALLOW_LIST else "contract-deployer"
            raise LuxpassError(f"{admin} is not an admin of the L1's {which} allow list",
                               "sign with an admin's key: a house named by `avalanche-net up --allow-list-admin` "
                               "(by default every house), e.g. --house \"Maison Aurel\"")
    sent: dict[str, list[bytes]] = {}
    for address in addresses:
        hashes = sent.setdefault(address, [])
        for allow_list in (TX_ALLOW_LIST, *((DEPLOYER_ALLOW_LIST,) if deployer else ())):
            if role(chain, allow_list, address) == "none":
                hashes.append(chain.sender.send(RawCall(allow_list, _SET_ENABLED + _word(address)),
                                                f"admit {address} ({'deploys' if allow_list != TX_ALLOW_LIST else 'sends'})"))
        missing = balance_wei - chain.w3.eth.get_balance(address)
        if missing > 0:
            hashes.append(chain.sender.send(RawCall(address, b"", missing), f"fund {address} with {missing} wei"))
    for hashes in sent.values():
        for tx_hash in hashes:
            chain.sender.wait(tx_hash)
    return [Admitted(address, role(chain, TX_ALLOW_LIST, address), role(chain, DEPLOYER_ALLOW_LIST, address),
                     chain.w3.eth.get_balance(address), ["0x" + bytes(h).hex() for h in sent[address]])
            for address in addresses]
