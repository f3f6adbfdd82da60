"""`flask centres import FILE` and `flask centres export`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from reporting.centres import services
from reporting.centres.admin_forms import centres_from_csv
from reporting.extensions import db
from reporting.forms import csv_import

centres_cli = AppGroup("centres", help="Import and export reporting centres (CSV).")


@centres_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Create or update centres from a CSV file; any bad row and nothing is imported."""
    text = csv_import.read_file(path)
    try:
        rows = centres_from_csv(text)
    except csv_import.CsvImportError as error:
        csv_import.refuse(error.problems)
    created, updated = services.import_centres(rows, actor="cli")
    db.session.commit()
    click.echo(f"Imported {created + updated} centres ({created} new, {updated} updated).")


@centres_cli.command("export")
def export_command() -> None:
    """Write every centre as CSV to standard output."""
    click.echo(services.export_csv(), nl=False)


def register(app: Flask) -> None:
    app.cli.add_command(centres_cli)
