"""The buyer's and the marketplace's side: verifying a passport or a disclosure, its history,
screening listings, counterfeit cases (`luxpass verify`, `history`, `screen`, `cases`). `verify`
is the command a buyer runs first and waits on: history, EPCIS and screening are imported by
their own commands only."""
import json
from pathlib import Path

import click

from ..checks.verify import check_disclosure, check_same_chain, verify
from ..onchain.cases import RULINGS, CaseBook
from ..proofs.disclosure import Disclosure
from ..results import utc
from .base import Settings, cli, pass_settings
from .params import COLLECTION, PASSPORT_ID, Address, account_options, passport_options, rpc_options


@cli.command("verify")
@passport_options
@rpc_options
@pass_settings
def verify_command(settings: Settings, ref):
    """Check a passport by owner certificate, by collection and id, or a holder's disclosure of
    chosen fields (showing only those). Exit 0 when authentic, 3 when not, with the reason."""
    signed = ref.disclosure or ref.certificate  # its chain is named before the deployment is looked up there
    if signed is not None:
        check_same_chain(settings.chain, "disclosure" if ref.disclosure else "certificate", signed.chain_id)
    if ref.disclosure is not None:
        _verify_disclosure(settings, ref.disclosure)
        return
    verdict = verify(settings.consortium, ref.collection, ref.passport_id, ref.certificate)
    head = "AUTHENTIC" if verdict.authentic else "NOT AUTHENTIC"
    lines = [f"{head}: {verdict.reason}", f"collection: {verdict.collection}", f"passport: {verdict.passport_id}"]
    if verdict.brand:
        lines.append(f"brand: {verdict.brand} ({verdict.brand_status})")
    if verdict.exists:
        lines += [f"status: {verdict.status}", f"owner: {verdict.owner}"]
    if verdict.batch_root:
        lines.append(f"batch: {verdict.batch_root}")
    lines += [f"warning: {w}" for w in verdict.warnings]
    settings.emit_check(verdict, verdict.authentic, f"not authentic: {verdict.reason}", "\n".join(lines))


def _verify_disclosure(settings: Settings, disclosure: Disclosure) -> None:
    check = check_disclosure(settings.consortium, disclosure)
    lines = [f"{'AUTHENTIC' if check.authentic else 'NOT AUTHENTIC'}: {check.reason}"]
    if check.verdict and check.verdict.brand:
        lines.append(f"brand: {check.verdict.brand} ({check.verdict.brand_status})")
    lines += [f"{name}: {value}" for name, value in check.fields.items()]
    settings.emit_check(check, check.authentic, f"not authentic: {check.reason}", "\n".join(lines))


@cli.command("history")
@passport_options
@click.option("--epcis", "as_epcis", is_flag=True,
              help="Print it as an EPCIS 2.0 JSON-LD document (needs the certificate, or a disclosure of gtin and serial).")
@rpc_options
@pass_settings
def history_command(settings: Settings, ref, as_epcis):
    """A passport's whole story, lifecycle and owners, read from the chain."""
    from ..checks.epcis import epcis_history
    from ..checks.history import history
    from ..checks.index import Index

    if as_epcis:
        click.echo(json.dumps(epcis_history(settings.consortium, ref.collection, ref.passport_id, ref.certificate,
                                            ref.disclosure, Index(settings.consortium)), indent=2))
        return
    story = history(settings.consortium, ref.collection, ref.passport_id, Index(settings.consortium))
    lines = [f"{story.brand} passport {story.passport_id}, as of block {story.block}",
             f"status {story.status}, owner {story.owner}, {story.owners} owner(s) after the brand, "
             f"{story.resales} resale(s)",
             f"history head {story.head} ({'verified against the logs' if story.head_verified else 'MISMATCH'})"]
    for e in story.entries:
        if e.record == "ownership" and e.kind == "mint":
            what = f"mint: to {e.to}"
        elif e.record == "ownership":
            what = f"{e.kind}: {e.from_} -> {e.to}" + (" via reseller" if e.kind == "resale" else "")
        elif e.record == "lifecycle":
            what = f"{e.kind} (details {e.details_hash[:18]}…)"
        else:
            what = f"status {e.kind}"
        lines.append(f"  {utc(e.timestamp)}  block {e.block:<6} {what}  by {e.by}")
    settings.emit(story, "\n".join(lines))


@cli.command("screen")
@click.argument("listings", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Write the verdicts as CSV (default: stdout).")
@click.option("--chunk", type=click.IntRange(1),
              help="At most this many passports a call (default: as many as the node's call gas cap allows).")
@rpc_options
@pass_settings
def screen_command(settings: Settings, listings, out, chunk):
    """Screen a marketplace's listings (CSV) against the registry, one verdict per row.

    \b
    LISTINGS' columns, named in its first line:
      certificate             an owner certificate's path, relative to LISTINGS' folder
      collection, passport_id or the passport's collection address and id instead
      listing, seller         optional: the listing's reference, the seller's address

    Example: luxpass screen listings.csv --out verdicts.csv"""
    from ..checks import screen as screening

    results = screening.screen(settings.consortium, screening.read_listings(Path(listings)), chunk)
    bad = sum(not r.authentic for r in results)
    click.echo(f"{len(results)} listings screened: {len(results) - bad} authentic, {bad} not", err=True)
    if settings.json:
        settings.emit(results)
    elif out:
        screening.write_results(results, Path(out))
        click.echo(f"verdicts written to {out}", err=True)
    else:
        click.echo(screening.csv_text(results), nl=False)


@cli.group()
def cases():
    """Counterfeit cases: marketplaces file, brands rule."""


@cases.command("file")
@click.option("--brand", "brand_ref", required=True, help="The brand the listing claims to be.")
@click.option("--listing", required=True, help="The listing's reference (only its hash goes on chain).")
@click.option("--evidence", required=True, help="The evidence, or a reference to it (only its hash goes on chain).")
@click.option("--collection", type=COLLECTION, help="The collection of the passport the listing claims, if any.")
@click.option("--id", "passport_id", type=PASSPORT_ID, help="The passport the listing claims, if any.")
@rpc_options
@account_options
@pass_settings
def cases_file(settings: Settings, brand_ref, listing, evidence, collection, passport_id):
    """An accredited marketplace files a case against a listing."""
    filed = CaseBook(settings.consortium).file(brand_ref, listing, evidence, collection, passport_id)
    settings.emit(filed, _case_text(filed))


@cases.command("list")
@click.option("--brand", "brand_ref", help="Only this brand's cases.")
@click.option("--marketplace", type=Address("marketplace"), help="Only the cases this marketplace filed.")
@rpc_options
@pass_settings
def cases_list(settings: Settings, brand_ref, marketplace):
    """Cases with their rulings."""
    found = CaseBook(settings.consortium).cases(brand_ref, marketplace)
    settings.emit(found, "\n".join(f"{c.case_id}  brand {c.brand_id}  {c.ruling:<11} listing {c.listing_ref[:18]}…  "
                                   f"by {c.marketplace}  filed {utc(c.filed_at)}"
                                   + (f", ruled {utc(c.ruled_at)}" if c.ruled_at else "") for c in found) or "no cases")


@cases.command("rule")
@click.argument("case_id", type=click.IntRange(1))
@click.argument("ruling", type=click.Choice(RULINGS))
@click.option("--reason", required=True, help="The reason (only its hash goes on chain).")
@rpc_options
@account_options
@pass_settings
def cases_rule(settings: Settings, case_id, ruling, reason):
    """The brand's council rules on a case, once."""
    ruled = CaseBook(settings.consortium).rule(case_id, ruling, reason)
    settings.emit(ruled, _case_text(ruled))


def _case_text(case) -> str:
    """A case's fields as text, its times as dates (JSON keeps the Unix times)."""
    shown = {**vars(case), "filed_at": utc(case.filed_at), "ruled_at": case.ruled_at and utc(case.ruled_at)}
    return "\n".join(f"{name}: {value}" for name, value in shown.items() if value is not None)
