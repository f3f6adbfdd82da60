"""`flask stats export --format csv|json|xlsx (--open-data | --from YYYY-MM --to YYYY-MM)`.

``--open-data`` writes everything open data publishes today (every financial year and quarter
ended, suppressed together) and takes no dates: a chosen span of months is never published.
With ``--from`` and ``--to`` it writes the exact figures of those months, marked not for
publication.
"""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from reporting.db import utcnow
from reporting.disclosure import marking
from reporting.extensions import db
from reporting.stats import disclosure, exports, figures, services
from reporting.stats import context as stats_context
from reporting.periods import london_month, month_key, parse_month
from reporting.stats.queries import Filters

stats_cli = AppGroup("stats", help="Statistics exports.")


def _month(_ctx: object, _param: object, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse_month(value)
    except ValueError:
        raise click.BadParameter("give a month as YYYY-MM, for example 2025-04") from None
    return value


@stats_cli.command("export")
@click.option("--from", "first", callback=_month, help="first month, YYYY-MM (exact figures only)")
@click.option("--to", "last", callback=_month, help="last month, YYYY-MM (exact figures only)")
@click.option("--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), required=True)
@click.option("--open-data", is_flag=True,
              help="the published figures: every financial year and quarter ended, small counts suppressed")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="a file (default: standard output)")
def export_command(first: str | None, last: str | None, fmt: str, open_data: bool, output: str | None) -> None:
    """Write open data, or the exact statistics of the months FROM to TO (inclusive); audited."""
    generated_at = utcnow().replace(microsecond=0)
    if open_data:
        if first or last:
            raise click.UsageError("open data is published only for whole financial years and their quarters, "
                                   "all together: leave out --from and --to")
        with current_app.test_request_context():  # labels are translated with the request's locale machinery
            publication = disclosure.open_data(generated_at.date())
            periods = [p.code for p in publication.periods]
            meta: dict[str, object] = {"generated_at": generated_at.isoformat(), "open_data": True, "periods": periods}
            body = exports.export(publication.tables, fmt, meta)  # the XLSX's "About" sheet is in words
        services.record_export("cli", fmt=fmt, open_data=True, via="cli",
                               filters={"periods": f"{periods[0]}..{periods[-1]}" if periods else ""})
    else:
        if not first or not last:
            raise click.UsageError("give --from and --to for the exact figures, or --open-data")
        if last < first:
            raise click.BadParameter("--to must be the same month as --from or later", param_hint="--to")
        f = Filters(first_month=parse_month(first), last_month=parse_month(last))
        chosen = {"from": month_key(f.first_month), "to": month_key(f.last_month)}
        with current_app.test_request_context():
            result = figures.build(f)
            stats_context.add_to(result, london_month(generated_at))
            meta = {marking.JSON_FIELD: marking.MARKING, "generated_at": generated_at.isoformat(), "open_data": False,
                    "filters": chosen}
            body = exports.export(result.tables, fmt, meta)
        services.record_export("cli", fmt=fmt, open_data=False, filters=chosen, via="cli")
    db.session.commit()
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()


def register(app: Flask) -> None:
    app.cli.add_command(stats_cli)
