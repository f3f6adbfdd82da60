"""`flask support import FILE` and `flask support export`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from reporting.extensions import db
from reporting.forms import csv_import
from reporting.support import services
from reporting.support.forms import services_from_csv

support_cli = AppGroup("support", help="Import and export the support services people are signposted to (CSV).")
DEMO_CSV = Path(__file__).parent / "demo_support.csv"


@support_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Create or update support services from a CSV file; any bad row and nothing is imported."""
    text = csv_import.read_file(path)
    try:
        rows = services_from_csv(text)
    except csv_import.CsvImportError as error:
        csv_import.refuse(error.problems)
    created, updated = services.import_services(rows, actor="cli")
    db.session.commit()
    click.echo(f"Imported {created + updated} support services ({created} new, {updated} updated).")


@support_cli.command("export")
def export_command() -> None:
    """Write every support service as CSV to standard output."""
    click.echo(services.export_csv(), nl=False)


def load_demo_services() -> None:
    """The demo's example services (marked as examples), through the same import."""
    services.import_services(services_from_csv(DEMO_CSV.read_text(encoding="utf-8")), actor="demo")


def register(app: Flask) -> None:
    app.cli.add_command(support_cli)
