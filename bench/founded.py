"""The brand every benchmark measures: two founders, Maison Aurel's minter and retailer, an accredited reseller."""
from luxpass import Accreditation, Chain, Collection, Founder, deploy, open_consortium

ADMIN, MINTER, RETAILER, ALICE, BOB, RESELLER = 1, 5, 6, 7, 8, 9


def founded_brand(signer) -> tuple[str, Collection, Collection]:
    """Deploy on the chain `signer(N)` signs for; return brand 1's collection address, its minter and its retailer."""
    deploy(signer(0), [Founder("Maison Aurel", "AUR", signer(ADMIN).address),
                       Founder("Casa Vellutti", "VEL", signer(2).address)])
    address = open_consortium(signer(0)).brand(1).collection
    admin = Collection(signer(ADMIN), address)
    for role, who in (("minter", MINTER), ("retailer", RETAILER)):
        admin.set_role(role, signer(who).address, True)
    proposal = open_consortium(signer(ADMIN)).propose_accreditation(signer(RESELLER).address,
                                                                      Accreditation.RESELLER, True)
    open_consortium(signer(2)).vote(proposal.proposal_id, True)
    return address, Collection(signer(MINTER), address), Collection(signer(RETAILER), address)
