"""`flask support import FILE` and `flask support export`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from reporting.centres.cli import read_csv_text, refuse
from reporting.extensions import db
from reporting.support import services

support_cli = AppGroup("support", help="Import and export the support services people are signposted to (CSV).")
DEMO_CSV = Path(__file__).parent / "demo_support.csv"


@support_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Create or update support services from a CSV file; any bad row and nothing is imported."""
    text = read_csv_text(path)
    try:
        rows = services.parse_csv(text)
    except services.SupportImportError as error:
        refuse(error.problems)
    created, updated = services.import_services(rows, actor="cli")
    db.session.commit()
    click.echo(f"Imported {created + updated} support services ({created} new, {updated} updated).")


@support_cli.command("export")
def export_command() -> None:
    """Write every support service as CSV to standard output."""
    click.echo(services.export_csv(), nl=False)


def load_demo_services() -> None:
    """The demo's example services (marked as examples), through the same import."""
    services.import_services(services.parse_csv(DEMO_CSV.read_text(encoding="utf-8")), actor="demo")


def register(app: Flask) -> None:
    app.cli.add_command(support_cli)
