"""The import templates: each import's columns and an example row, as CSV or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..apprenticeships import importer
from ..mentoring import champions
from ..people import staff_import
from ..spreadsheets import template_file
from ..training import importer as training_importer
from ..workforce import history_import
from .base import cli

#: Each import's columns and example row, by the name the command takes.
TEMPLATES = {
    "staff": (staff_import.COLUMNS, staff_import.TEMPLATE_ROW),
    "apprenticeships": (importer.COLUMNS, importer.TEMPLATE_ROW),
    "champions": (champions.COLUMNS, champions.TEMPLATE_ROW),
    "history": (history_import.COLUMNS, history_import.TEMPLATE_ROW),
    "training": (training_importer.COLUMNS, training_importer.TEMPLATE_ROW),
}


@cli.command("import-template")
@click.argument("kind", type=click.Choice(sorted(TEMPLATES)))
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE.csv|FILE.xlsx",
              help="Write the template to this file, as CSV or XLSX by its ending "
                   "(default: print CSV).")
def import_template(kind: str, output: Path | None) -> None:
    """Print or write the template of an import: its columns and one example row.

    KIND is staff, apprenticeships, champions, history or training. Fill the template
    in and import it with import-staff, import-apprenticeships, import-champions,
    import-history or import-training (CSV or XLSX alike).
    """
    columns, example = TEMPLATES[kind]
    if output is None:
        sys.stdout.write(template_file("csv", columns, example).decode("utf-8-sig"))
        return
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise click.BadParameter("the file must end in .csv or .xlsx", param_hint="--output")
    output.write_bytes(template_file(fmt, columns, example, sheet=kind.capitalize()))
    click.echo(f"Wrote the {kind} import template to {output}.")
