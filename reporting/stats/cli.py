"""`flask stats export --from YYYY-MM --to YYYY-MM --format csv|json|xlsx [--open-data]`: for scheduled publication."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from reporting.extensions import db
from reporting.stats import disclosure, exports, figures, services
from reporting.stats.periods import month_key, parse_month
from reporting.stats.queries import Filters
from reporting.db import utcnow

stats_cli = AppGroup("stats", help="Statistics exports.")


def _month(_ctx: object, _param: object, value: str) -> str:
    try:
        parse_month(value)
    except ValueError:
        raise click.BadParameter("give a month as YYYY-MM, for example 2025-04") from None
    return value


@stats_cli.command("export")
@click.option("--from", "first", required=True, callback=_month, help="first month, YYYY-MM")
@click.option("--to", "last", required=True, callback=_month, help="last month, YYYY-MM")
@click.option("--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), required=True)
@click.option("--open-data", is_flag=True, help="the published figures, with small counts suppressed")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="a file (default: standard output)")
def export_command(first: str, last: str, fmt: str, open_data: bool, output: str | None) -> None:
    """Write the statistics of the months FROM to TO (inclusive); audited."""
    if last < first:
        raise click.BadParameter("--to must be the same month as --from or later", param_hint="--to")
    f = Filters(first_month=parse_month(first), last_month=parse_month(last))
    with current_app.test_request_context():  # labels are translated with the request's locale machinery
        result = figures.build(f)
        tables = disclosure.suppress(figures.open_data_tables(result)) if open_data else result.tables
        chosen = {"from": month_key(f.first_month), "to": month_key(f.last_month)}
        meta = {"generated_at": utcnow().replace(microsecond=0).isoformat(), "open_data": open_data, "filters": chosen}
        body = exports.export(tables, fmt, meta)  # the XLSX's "About" sheet is in words: labels again
    services.record_export("cli", fmt=fmt, open_data=open_data, filters=chosen, via="cli")
    db.session.commit()
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()


def register(app: Flask) -> None:
    app.cli.add_command(stats_cli)
