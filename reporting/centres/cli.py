"""`flask centres import FILE` and `flask centres export`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from reporting import notify
from reporting.centres import services
from reporting.centres.admin_forms import centres_from_csv
from reporting.db import utcnow
from reporting.extensions import db
from reporting.forms import csv_import
from reporting.urls import external_url

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


@centres_cli.command("remind-training")
def remind_training_command() -> None:
    """Email each open centre's contact when its staff's hate crime awareness training is due
    for a refresher (from 30 days before): the centre's name and a sign-in link, nothing of a
    report; never twice for the same due date. Run it daily."""
    today = utcnow().date()
    sent = 0
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_BASE_URL") or "http://localhost/"):
        link = external_url("auth.login")
        for centre, trainings in services.reminders_due(today):
            subject, body = services.training_reminder_notice(centre.name, link)
            if notify.send_email(centre.contact_email, subject, body):
                services.mark_reminded(centre, trainings)
                sent += 1
    db.session.commit()
    click.echo(f"Training reminders sent: {sent}")


def register(app: Flask) -> None:
    app.cli.add_command(centres_cli)
