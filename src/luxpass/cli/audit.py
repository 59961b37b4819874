"""The auditor's side: the local index of every record, the audit of history heads and its
signed report (`luxpass index`, `luxpass audit`)."""
from pathlib import Path

import click

from ..checks import audit as audits
from ..checks.index import Index
from ..spec import Accreditation
from .base import ProgressBar, Settings, cli, pass_settings
from .params import COLLECTION, account_options, rpc_options


@cli.group(invoke_without_command=True)
@click.option("--brand", "brand_refs", multiple=True, help="A brand by name, id or collection address; repeat.")
@click.option("--collection", "collections", type=COLLECTION, multiple=True, help="A collection address; repeat.")
@click.option("--all", "all_", is_flag=True, help="Every collection of the consortium.")
@click.option("--out", type=click.Path(dir_okay=False), help="Report path without extension (writes .json and .csv).")
@rpc_options
@account_options
@click.pass_context
def audit(ctx, brand_refs, collections, all_, out):
    """Re-derive every passport's history head from the logs and compare it with the chain;
    write a signed report (JSON and CSV). Exit 3 when it finds a discrepancy."""
    if ctx.invoked_subcommand:
        return
    settings = ctx.ensure_object(Settings)
    chosen = list(brand_refs) + list(collections)
    if bool(chosen) == all_:
        raise click.UsageError("pass --brand BRAND or --collection ADDRESS (repeatable), or --all")
    signer = settings.chain.address if settings.chain.account is not None else None
    accredited = signer is None or settings.consortium.is_accredited(signer, Accreditation.AUDITOR)
    if not accredited:  # said before the audit's work, not only by `audit check` later
        click.echo(f"warning: {signer} is not an accredited auditor of the consortium: the report will be signed, "
                   f"but `luxpass audit check` will say it does not hold and `luxpass audit attest` is refused; "
                   f"the council accredits an auditor with `luxpass accredit {signer} --as auditor`", err=True)
    with ProgressBar(settings, "indexing") as progress:
        result = audits.audit_synced(settings.consortium, Index(settings.consortium), chosen or None, progress)
    report = result.report
    if settings.chain.account is not None:
        report = result.report = audits.sign_report(report, settings.chain.account)
    stem = Path(out) if out else Path(f"audit-{settings.chain.chain_id}-{report['block']['number']}")
    json_path, csv_path = audits.write_report(result, stem)
    summary = {"report": str(json_path), "csv": str(csv_path), "block": report["block"]["number"],
               "passports": report["totals"]["passports"], "discrepancies": report["totals"]["discrepancies"],
               "signed_by": report.get("auditor"), "accredited_auditor": accredited if signer else None}
    for d in report["discrepancies"][:20]:
        click.echo(f"discrepancy: passport {d['passport_id']} record {d['record']}: {d['problem']}", err=True)
    settings.emit_check(summary, not report["discrepancies"],
                        f"{report['totals']['discrepancies']} discrepancy(ies) between the logs and the chain; "
                        f"see {json_path}")


@audit.command("check")
@click.argument("report", type=click.Path(dir_okay=False))
@click.option("--offline", is_flag=True, help="Check digest and signature only, without a node.")
@rpc_options
@pass_settings
def audit_check(settings: Settings, report, offline):
    """Verify a report's digest and signature (and, online, the auditor's accreditation and anchor).
    Exit 3 when it does not hold."""
    check = audits.check_report(Path(report), None if offline else settings.consortium)
    settings.emit_check(check, check.valid, f"the report does not hold: {check.reason}")


@audit.command("attest")
@click.argument("report", type=click.Path(dir_okay=False))
@rpc_options
@account_options
@pass_settings
def audit_attest(settings: Settings, report):
    """An accredited auditor anchors the report's digest on chain."""
    settings.emit(audits.attest(settings.consortium, Path(report)))


@cli.command("index")
@rpc_options
@pass_settings
def index_command(settings: Settings):
    """Bring the local index of every collection's records up to date."""
    index = Index(settings.consortium)
    with ProgressBar(settings, "indexing") as progress:
        settings.emit(index.sync(progress=progress))
