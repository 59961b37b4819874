"""Admitting an account to the consortium's L1: an allow-list admin's calls to subnet-evm's
precompiles, `setEnabled` on the transaction allow list (it may send) and, for a house's staff who
deploy (a Safe, the registry), on the contract-deployer allow list, then a payment that tops its
balance up to what it needs for gas. Each step is made only when the chain lacks it, so `admit` run
again sends nothing and never pays twice. When the admin is a Safe (by default the houses' council,
`council.py`), each precompile call is a Safe transaction its owners sign: no house admits alone.

subnet-evm checks the deployer list against the transaction's origin for every contract created,
inside a call too: an officer who creates a Safe through its proxy factory, or whose vote makes the
registry create a brand's collection, deploys."""
from dataclasses import asdict, dataclass

from web3 import Web3

from ..chain import rpc
from ..chain.connection import Chain
from ..chain.sender import RawCall
from ..errors import LuxpassError
from ..local.safe_jobs import job_path, save_new_job
from ..onchain.safe import Safe
from . import council

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
    drafted: str | None  # the Safe job file this run drafted with its precompile calls, when a Safe is the admin

    def as_json(self) -> dict:
        return asdict(self)


def _word(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(Web3.to_checksum_address(address)[2:])


def role(chain: Chain, allow_list: str, address: str) -> str:
    """`address`'s role on `allow_list`, asked by the chain's own (admitted) account."""
    answer = rpc.call(chain.w3, allow_list, _READ + _word(address), sender=chain.address,
                      what=f"the allow list's role of {address}")
    return ROLES[int.from_bytes(answer, "big")] if int.from_bytes(answer, "big") < len(ROLES) else "unknown"


def admit(chain: Chain, addresses: list[str], deployer: bool = False, balance_wei: int = 0,
          admins: tuple[str, ...] = ()) -> list[Admitted]:
    """Enable each of `addresses` to send (and with `deployer`, to deploy), and top its balance up
    to `balance_wei`. When `chain`'s account is an admin of the lists it signs the precompile calls
    itself; else the first of `admins` that is a Safe and an admin (the houses' council) gets them
    drafted as one Safe transaction into a job file, for its owners to `luxpass safe sign` and one
    to `luxpass safe exec`. The payments are `chain`'s own. Every transaction is sent before the
    first is waited for: a block each of them is final."""
    lists = (TX_ALLOW_LIST, *((DEPLOYER_ALLOW_LIST,) if deployer else ()))
    safe = None if all(_is_admin(chain, lst, chain.address) for lst in lists) else _admin_safe(chain, lists, admins)
    sent: dict[str, list[bytes]] = {address: [] for address in addresses}
    calls: list[tuple[RawCall, str]] = []
    enabling: set[str] = set()  # the addresses the calls enable
    for address in addresses:
        for allow_list in lists:
            if role(chain, allow_list, address) == "none":
                calls.append((RawCall(allow_list, _SET_ENABLED + _word(address)),
                              f"admit {address} ({'deploys' if allow_list != TX_ALLOW_LIST else 'sends'})"))
                enabling.add(address)
                if not safe:
                    sent[address].append(chain.sender.send(*calls[-1]))
        missing = balance_wei - chain.w3.eth.get_balance(address)
        if missing > 0:
            sent[address].append(chain.sender.send(RawCall(address, b"", missing), f"fund {address} with {missing} wei"))
    drafted = _draft(chain, safe, calls) if safe and calls else None
    for hashes in sent.values():
        for tx_hash in hashes:
            chain.sender.wait(tx_hash)
    return [Admitted(address, role(chain, TX_ALLOW_LIST, address), role(chain, DEPLOYER_ALLOW_LIST, address),
                     chain.w3.eth.get_balance(address), ["0x" + bytes(h).hex() for h in sent[address]],
                     drafted if address in enabling else None)
            for address in addresses]


def _is_admin(chain: Chain, allow_list: str, address: str) -> bool:
    return role(chain, allow_list, address) in ("admin", "manager")


def _admin_safe(chain: Chain, lists: tuple[str, ...], admins: tuple[str, ...]) -> Safe:
    for admin in admins:
        if chain.w3.eth.get_code(admin) and all(_is_admin(chain, lst, admin) for lst in lists):
            return Safe(chain, admin)
    which = " and ".join("transaction" if lst == TX_ALLOW_LIST else "contract-deployer" for lst in lists)
    raise LuxpassError(f"neither {chain.address} nor a Safe among the network's admins is an admin of the L1's "
                       f"{which} allow list", "sign with an admin's key, or name the Safe that is one with "
                       "`avalanche-net up --allow-list-admin` (by default the houses' council Safe)")


def _draft(chain: Chain, safe: Safe, calls: list[tuple[RawCall, str]]) -> str:
    """The Safe transaction making `calls` (one, or a MultiSendCallOnly batch of them), in its job
    file; one drafted already (the same transaction at the same nonce) is the same file, never
    written twice."""
    if len(calls) == 1:
        job = safe.draft(*calls[0])
    else:
        job = safe.draft_batch([call for call, _ in calls], council.multi_send(),
                               f"admit to the allow lists: {'; '.join(label for _, label in calls)}")
    path = job_path(chain.chain_id, safe.address, job.tx.nonce, job.digest)
    if not path.exists():
        save_new_job(job, path)
    return str(path)
