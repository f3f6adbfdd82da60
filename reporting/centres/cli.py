"""`flask centres import FILE` and `flask centres export`."""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import Flask
from flask.cli import AppGroup

from reporting.centres import services
from reporting.extensions import db

centres_cli = AppGroup("centres", help="Import and export reporting centres (CSV).")


@centres_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Create or update centres from a CSV file; any bad row and nothing is imported."""
    text = read_csv_text(path)
    try:
        rows = services.parse_csv(text)
    except services.CentreImportError as error:
        refuse(error.problems)
    created, updated = services.import_centres(rows, actor="cli")
    db.session.commit()
    click.echo(f"Imported {created + updated} centres ({created} new, {updated} updated).")


def read_csv_text(path: str) -> str:
    """A CSV file's text for an all-or-nothing import; not UTF-8 names the row and imports nothing."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        raise click.ClickException(f"nothing imported: row {row} is not UTF-8 text; save the file as UTF-8") from None


def refuse(problems: list[str]) -> NoReturn:
    """Every problem of a refused import, one a line, then the refusal."""
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"nothing imported: {len(problems)} problem{'' if len(problems) == 1 else 's'}")


@centres_cli.command("export")
def export_command() -> None:
    """Write every centre as CSV to standard output."""
    click.echo(services.export_csv(), nl=False)


def register(app: Flask) -> None:
    app.cli.add_command(centres_cli)
