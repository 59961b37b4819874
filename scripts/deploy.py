"""brownie run scripts/deploy.py: the registry with three founding houses (Anvil accounts 1-3 as councils)."""
from brownie import accounts

from luxpass import Founder, chain_for, deploy

FOUNDERS = [("Maison Aurel", "AUR"), ("Casa Vellutti", "VEL"), ("Horlogerie Brandt", "HBR")]


def main(force=False):
    """Refused on a chain that already has a live registry unless `force` (`brownie run scripts/deploy.py main True`)."""
    founders = [Founder(name, symbol, accounts[i + 1].address) for i, (name, symbol) in enumerate(FOUNDERS)]
    deployment = deploy(chain_for(accounts[0]), founders, force=force in (True, "True", "true", "1"))
    print(f"registry {deployment.registry} on chain {deployment.chain_id}")
    return deployment
