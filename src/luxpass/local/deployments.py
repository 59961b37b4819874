"""Deployment records: where each chain's registry is (~/.luxpass/deployments/CHAIN.json), read
by `Deployment.load` and written here."""
from pathlib import Path

from ..chain.connection import Chain
from ..onchain.registry import DEFAULT_QUORUM_BPS, DEFAULT_VOTING_PERIOD, Deployment, Founder, deploy_contracts
from ..writes import write_json_atomic


def record_deployment(deployment: Deployment) -> Path:
    path = Deployment.path(deployment.chain_id)
    write_json_atomic(path, deployment.to_dict())
    return path


def deploy(chain: Chain, founders: list[Founder], quorum_bps: int = DEFAULT_QUORUM_BPS,
           voting_period: int = DEFAULT_VOTING_PERIOD, force: bool = False) -> Deployment:
    """Deploy the consortium's contracts (`deploy_contracts`) and record the deployment for this
    chain id as soon as the registry is mined, then wait for its confirmations. A chain whose
    recorded registry is live is refused unless `force`; the replaced registry stays in the
    record, so its passports still verify."""
    deployment, receipt = deploy_contracts(chain, founders, quorum_bps, voting_period, force,
                                           Deployment.recorded(chain.chain_id))
    record_deployment(deployment)
    chain.sender.await_confirmations(
        receipt, resume=f"the registry {deployment.registry} is deployed and recorded; do not deploy again")
    return deployment
