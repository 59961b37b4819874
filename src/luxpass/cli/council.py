"""The council's side: the registry's deployment, member brands and their votes, accreditations
(`luxpass deploy`, `luxpass brand`, `luxpass accredit`)."""
import click

from ..local.deployments import deploy
from ..onchain.registry import DEFAULT_QUORUM_BPS, DEFAULT_VOTING_PERIOD
from ..results import cli_name, to_jsonable
from ..spec import Accreditation, ProposalKind
from .base import Settings, cli, pass_settings
from .params import Address, EnumChoice, FounderSpec, account_options, rpc_options, safe_options


@cli.command("deploy")
@click.option("--founder", "founders", type=FounderSpec(), multiple=True, required=True,
              metavar="NAME:SYMBOL:COUNCIL", help="A founding brand and its council address; repeat for each.")
@click.option("--quorum-bps", type=int, default=DEFAULT_QUORUM_BPS, show_default=True,
              help="Share of active members, in basis points, that yes votes must exceed.")
@click.option("--voting-period", type=click.IntRange(1), default=DEFAULT_VOTING_PERIOD, show_default=True,
              help="Seconds a proposal stays open.")
@click.option("--force", is_flag=True,
              help="Deploy although this chain has a live registry; the old one stays recorded and verifiable.")
@rpc_options
@account_options
@pass_settings
def deploy_command(settings: Settings, founders, quorum_bps, voting_period, force):
    """Deploy the registry with its founding brands and record it for this chain. Refused when
    the chain already has a live registry, unless --force.

    Example: luxpass deploy --founder 'Maison Aurel:AUR:0x…' --founder 'Casa Vellutti:VEL:0x…' --account deployer"""
    settings.emit(deploy(settings.chain, list(founders), quorum_bps, voting_period, force))


@cli.group()
def brand():
    """Member brands and the council's votes."""


@brand.command("list")
@rpc_options
@pass_settings
def brand_list(settings: Settings):
    """Every brand with its status and collection."""
    brands = settings.consortium.brands()
    settings.emit(brands, "\n".join(f"{b.brand_id}  {b.name:<24} {cli_name(b.status):<10} {b.collection}  "
                                    f"council {b.council}" for b in brands))


@brand.command("show")
@click.argument("brand_ref", metavar="BRAND")
@rpc_options
@pass_settings
def brand_show(settings: Settings, brand_ref):
    """One brand by name, id or collection address, with its council changes."""
    shown = settings.consortium.brand(brand_ref)
    settings.emit({**to_jsonable(shown), "council_changes": settings.consortium.council_history(shown.brand_id)})


BRAND_ACTIONS = [ProposalKind.ADMIT, ProposalKind.SUSPEND, ProposalKind.REINSTATE, ProposalKind.REMOVE]


@brand.command("propose")
@click.argument("action", type=EnumChoice(ProposalKind, BRAND_ACTIONS))
@click.argument("target", metavar="NAME|BRAND")
@click.option("--symbol", help="Token symbol of the brand to admit.")
@click.option("--council", type=Address("council"), help="Council (governance and admin) address of the brand to admit.")
@rpc_options
@account_options
@safe_options
@pass_settings
def brand_propose(settings: Settings, action, target, symbol, council):
    """Propose to admit a brand (NAME) or to suspend, reinstate or remove one (BRAND)."""
    if action == ProposalKind.ADMIT:
        if not symbol or not council:
            raise click.UsageError("admit needs --symbol and --council")
        proposal = settings.consortium.propose_admission(target, symbol, council)
    else:
        if symbol or council:
            raise click.UsageError(f"{cli_name(action)} takes no --symbol or --council")
        proposal = settings.consortium.propose_brand_status(target, action)
    settings.emit(proposal)


@brand.command("vote")
@click.argument("proposal_id", type=click.IntRange(1))
@click.option("--yes/--no", "support", required=True, help="Vote for or against.")
@rpc_options
@account_options
@safe_options
@pass_settings
def brand_vote(settings: Settings, proposal_id, support):
    """Cast your brand's vote; the proposal executes when it passes the quorum."""
    settings.emit(settings.consortium.vote(proposal_id, support))


@brand.command("proposals")
@rpc_options
@pass_settings
def brand_proposals(settings: Settings):
    """Every proposal with its state and votes; a vote a Safe cast names the owners who signed it."""
    proposals = settings.consortium.proposals()
    settings.emit(proposals, "\n".join(
        f"{p.proposal_id}  {cli_name(p.kind):<10} {cli_name(p.state):<9} yes {p.yes} no {p.no}  "
        f"{p.name or p.account or 'brand ' + str(p.brand_id)}"
        + "".join(f"\n     {'proposed' if i == 0 else 'yes' if v.support else 'no'} by brand {v.brand_id}"
                  + (f" through its Safe {v.safe}, signed by {', '.join(v.signers)}" if v.safe else "")
                  for i, v in enumerate(p.votes))
        for p in proposals) or "no proposals")


@brand.command("rotate-council")
@click.argument("new_council", metavar="NEW_COUNCIL", type=Address("new council"))
@rpc_options
@account_options
@safe_options
@pass_settings
def rotate_council(settings: Settings, new_council):
    """Hand your brand's council seat (its vote and its collection's admin role) to NEW_COUNCIL.

    \b
        luxpass brand rotate-council 0x… --account aurel-council
        luxpass brand rotate-council 0xNEWSAFE… --safe 0xOLDSAFE…"""
    settings.emit(settings.consortium.rotate_council(new_council))


@brand.command("replace-council")
@click.argument("brand_ref", metavar="BRAND")
@click.option("--council", "new_council", type=Address("council"), required=True,
              help="The council that takes the brand's seat (a key or a Safe).")
@rpc_options
@account_options
@safe_options
@pass_settings
def replace_council(settings: Settings, brand_ref, new_council):
    """Propose that the other members replace BRAND's lost or stolen council; seated 3 days after the vote.

    \b
        luxpass brand replace-council "Maison Aurel" --council 0x… --account vellutti-council"""
    settings.emit(settings.consortium.propose_council_replacement(brand_ref, new_council))


@brand.command("allow-recovery")
@click.argument("brand_ref", metavar="BRAND")
@click.option("--owner", type=Address("owner"), required=True,
              help="The owner who cancelled a recovery (or a contract owner) and lost her key since.")
@rpc_options
@account_options
@pass_settings
def allow_recovery(settings: Settings, brand_ref, owner):
    """Propose that the other members let BRAND request recoveries of OWNER's passports again.

    After an owner cancels a recovery, or for an owner that is a contract, the brand's key alone
    can never ask again during her ownership; two or more other members can, by this vote.

    \b
        luxpass brand allow-recovery "Maison Aurel" --owner 0x… --account vellutti-council"""
    settings.emit(settings.consortium.propose_recovery_allowance(brand_ref, owner))


@brand.command("seat-council")
@click.argument("brand_ref", metavar="BRAND")
@rpc_options
@account_options
@pass_settings
def seat_council(settings: Settings, brand_ref):
    """Seat the council the members voted for BRAND, once its time came (any account may)."""
    settings.emit(settings.consortium.complete_council_replacement(brand_ref))


@cli.command("accredit")
@click.argument("account_address", metavar="ACCOUNT", type=Address("account"))
@click.option("--as", "as_", type=EnumChoice(Accreditation), required=True, help="The accreditation proposed.")
@click.option("--revoke", is_flag=True, help="Propose to revoke the accreditation instead.")
@rpc_options
@account_options
@safe_options
@pass_settings
def accredit(settings: Settings, account_address, as_, revoke):
    """Propose to accredit (or revoke) a reseller, marketplace, auditor, or one of the ESPR's
    repairers, authorities and recyclers (readers of a DPP's restricted part); members vote on it."""
    settings.emit(settings.consortium.propose_accreditation(account_address, as_, not revoke))
