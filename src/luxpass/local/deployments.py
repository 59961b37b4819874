"""Deployment records: where each chain's registry is (~/.luxpass/deployments/CHAIN.json), read
and written here, and the consortium each opens."""
from pathlib import Path

from ..chain.accounts import home
from ..chain.connection import Chain
from ..chain.sender import Sender
from ..errors import InputError, LuxpassError
from ..files import read_json
from ..onchain.registry import (DEFAULT_QUORUM_BPS, DEFAULT_VOTING_PERIOD, Consortium, Deployment, Founder,
                                deploy_contracts)
from ..writes import write_json_atomic


def record_path(chain_id: int) -> Path:
    return home() / "deployments" / f"{chain_id}.json"


def recorded(chain_id: int) -> Deployment | None:
    """The deployment recorded for `chain_id`, None if none is."""
    path = record_path(chain_id)
    if not path.is_file():
        return None
    return Deployment.from_dict(read_json(path, "deployment"))


def load(chain: Chain) -> Deployment:
    """The deployment recorded for the chain, refused with what to do when none is or when its
    registry has no code on the node (a reset chain, a node catching up or on another branch)."""
    path = record_path(chain.chain_id)
    deployment = recorded(chain.chain_id)
    if deployment is None:
        raise LuxpassError(
            f"no luxpass deployment is recorded for chain {chain.chain_id} ({chain.rpc_url})",
            "run `luxpass deploy`, or point --rpc-url at the chain you deployed to",
        )
    if not chain.w3.eth.get_code(deployment.registry):
        head, genesis = chain.w3.eth.block_number, chain.w3.eth.get_block(0)["hash"].to_0x_hex()
        missing = f"the registry recorded for chain {chain.chain_id} at {deployment.registry} has no code on this node"
        if genesis != deployment.genesis and (deployment.genesis or chain.dev):
            raise LuxpassError(f"{missing}: its genesis block is not the one the registry was deployed on",
                               f"the chain was reset: run `luxpass deploy` again or remove {path}")
        where = (f"it is at block {head}, below block {deployment.block} where the registry was deployed: it is "
                 "catching up" if head < deployment.block else f"it is at block {head}, on another branch")
        raise LuxpassError(f"{missing} ({chain.rpc_url}): {where}",
                           "wait and run the same command again, or pass another member's node too "
                           "(--rpc-url URL1,URL2); `luxpass node status --rpc-url URL1,URL2` shows each node's head")
    return deployment


def open_consortium(chain: Chain, sender: Sender | None = None) -> Consortium:
    """The consortium recorded for the chain, voted on through `sender` (by default the chain's own)."""
    return Consortium(chain, load(chain), sender)


def record_deployment(deployment: Deployment) -> Path:
    path = record_path(deployment.chain_id)
    write_json_atomic(path, deployment.to_dict())
    return path


def deploy(chain: Chain, founders: list[Founder], quorum_bps: int = DEFAULT_QUORUM_BPS,
           voting_period: int = DEFAULT_VOTING_PERIOD, force: bool = False) -> Deployment:
    """Deploy the consortium's contracts (`deploy_contracts`) and record the deployment for this
    chain id as soon as the registry is mined, then wait for its confirmations. A chain whose
    recorded registry is live is refused unless `force`; the replaced registry stays in the
    record, so its passports still verify."""
    earlier = recorded(chain.chain_id)
    live = earlier is not None and bool(chain.w3.eth.get_code(earlier.registry))
    if live and not force:
        raise InputError(f"chain {chain.chain_id} already has a luxpass registry at {earlier.registry} "
                         f"(recorded in {record_path(chain.chain_id)})",
                         "use that one, or pass --force to deploy another (the old one stays recorded)")
    deployment, receipt = deploy_contracts(chain, founders, quorum_bps, voting_period, earlier if live else None)
    record_deployment(deployment)
    chain.sender.await_confirmations(
        receipt, resume=f"the registry {deployment.registry} is deployed and recorded; do not deploy again")
    return deployment
