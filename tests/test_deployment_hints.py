"""What luxpass says when the registry a deployment record names has no code on the node asked:
"the chain was reset" only when the node's genesis block is not the one the registry was deployed
on; a node below the deployment's block is catching up, and is told so (tests/net has it on a
geth node that has just joined)."""
import dataclasses

import pytest

from luxpass.errors import LuxpassError
from luxpass.local import deployments
from luxpass.local.deployments import record_deployment


@pytest.fixture
def recorded(consortium, signer):
    """Restores the test module's deployment record after each test rewrites it."""
    chain = signer(0)
    kept = deployments.recorded(chain.chain_id)
    yield chain, kept
    record_deployment(kept)


def refusal(chain, **changes) -> LuxpassError:
    _, kept = chain
    record_deployment(dataclasses.replace(kept, registry="0x" + "11" * 20, **changes))
    with pytest.raises(LuxpassError) as refused:
        deployments.load(chain[0])
    return refused.value


def test_the_deployment_records_the_chain_s_genesis(recorded):
    chain, kept = recorded
    assert kept.genesis == chain.w3.eth.get_block(0)["hash"].to_0x_hex()


def test_another_genesis_is_a_reset(recorded):
    refused = refusal(recorded, genesis="0x" + "22" * 32)
    assert "its genesis block is not the one the registry was deployed on" in refused.problem
    assert "the chain was reset: run `luxpass deploy` again" in refused.fix


def test_a_node_below_the_deployment_block_is_catching_up_not_reset(recorded):
    chain, kept = recorded
    refused = refusal(recorded, block=chain.w3.eth.block_number + 50)
    assert "below block" in refused.problem and "it is catching up" in refused.problem
    assert "reset" not in refused.fix and "pass another member's node too" in refused.fix
