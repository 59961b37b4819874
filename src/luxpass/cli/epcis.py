"""`luxpass event --epcis FILE`: a brand's lifecycle events from its EPCIS 2.0 export
(`luxpass.jobs.epcis_import`)."""
from functools import wraps
from pathlib import Path

import click

from ..jobs.epcis_import import EpcisRefused, import_epcis
from .base import Settings


def epcis_import_option(command):
    """--epcis FILE on a command that names a passport: with it, the command records the
    document's events instead, in the collection of --brand or --collection."""
    @click.option("--epcis", "epcis_file", type=click.Path(dir_okay=False), metavar="FILE",
                  help="Record the events of an EPCIS 2.0 JSON-LD document instead (with --brand or --collection); "
                       "each once, however often it runs.")
    @wraps(command)
    def wrapper(*args, epcis_file, **kwargs):
        if epcis_file is None:
            return command(*args, **kwargs)
        given = [f"--{name.replace('_', '-')}" for name in ("certificate", "passport_id", "kind", "details",
                                                            "details_file") if kwargs.get(name)]
        if given:
            raise click.UsageError(f"--epcis takes the events from the file: leave out {', '.join(given)}")
        settings = click.get_current_context().ensure_object(Settings)
        passports = settings.collection(kwargs.get("brand_ref"), kwargs.get("collection"))
        try:
            result = import_epcis(passports, settings.consortium.deployment.block, Path(epcis_file))
        except EpcisRefused as refused:
            for problem in refused.problems:
                click.echo(f"error: {problem}", err=True)
            click.get_current_context().exit(refused.exit_code)
        lines = [f"event {e.index}: {e.outcome} {e.kind} for passport {e.passport_id[:12]}… (tx {e.tx})"
                 for e in result.events]
        lines.append(f"{result.recorded} recorded, {result.already_recorded} already recorded")
        settings.emit(result, "\n".join(lines))
    return wrapper
