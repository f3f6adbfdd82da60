"""/stats/: counts and trends for analysts and admins (reviewers may look too).

Every figure comes from clear columns grouped in SQL (reporting/stats/queries.py);
no view here touches a key or a sealed column.
"""
from __future__ import annotations


from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from reporting import labels
from reporting.auth.models import Role
from reporting.db import utcnow
from reporting.extensions import db
from reporting.security import roles
from reporting.disclosure import marking
from reporting.stats import charts, disclosure, exports, figures, services
from reporting.stats import cohorts
from reporting.stats import context as stats_context
from reporting.periods import london_month, london_today
from reporting.stats.forms import StatsFilterForm
from reporting.words import gettext as _

bp = Blueprint("stats", __name__, url_prefix="/stats")
readers = roles(Role.ANALYST, Role.ADMIN, Role.REVIEWER)
CHARTS = ("trend", "strand", "area", "cohorts")
# Open data is never for chosen dates or filters: those would let two publications be subtracted.
NOT_FOR_OPEN_DATA = ("first", "last", "area", "strand", "channel", "centre")


def _form() -> StatsFilterForm:
    args = MultiDict((k, v) for k, v in request.args.items(multi=True) if v and k != "open")
    return StatsFilterForm(formdata=args or None, today=utcnow().date())


def _args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if v and k in ("first", "last", "area", "strand", "channel", "centre")}


def _open_data_refused() -> ResponseReturnValue | None:
    """A 400 page when open data is asked for chosen dates or filters (never published)."""
    chosen = [k for k in NOT_FOR_OPEN_DATA if request.args.get(k)]
    if not chosen:
        return None
    message = _("Open data is published only for whole financial years and their quarters, for every area, strand, "
                "channel and centre together. Figures for other dates or filters are on the statistics page, "
                "marked not for publication.")
    return render_template("stats/open_data.html", publication=None, refused=[message]), 400


@bp.get("/")
@readers
def show_statistics() -> ResponseReturnValue:
    form = _form()
    if not form.validate():
        return render_template("stats/index.html", form=form, figures=None, args=_args(), marking=marking.MARKING), 400
    result = figures.build(form.filters())
    stats_context.add_to(result, london_month(utcnow()))
    return render_template("stats/index.html", form=form, figures=result, args=_args(), charts=CHARTS,
                           month_label=labels.month_name, marking=marking.MARKING)


@bp.get("/open-data")
@readers
def show_open_data() -> ResponseReturnValue:
    refused = _open_data_refused()
    if refused is not None:
        return refused
    publication = disclosure.open_data(london_today())  # periods end by the London calendar
    return render_template("stats/open_data.html", publication=publication, refused=[],
                           follow_up_months=cohorts.FOLLOW_UP_MONTHS)


@bp.get("/export.<fmt>")
@readers
def export_statistics(fmt: str) -> ResponseReturnValue:
    if fmt not in exports.FORMATS:
        abort(404)
    generated_at = utcnow().replace(microsecond=0)
    if request.args.get("open") == "1":
        refused = _open_data_refused()
        if refused is not None:
            return refused
        publication = disclosure.open_data(london_today())
        periods = [p.code for p in publication.periods]
        meta: dict[str, object] = {"generated_at": generated_at.isoformat(), "open_data": True, "periods": periods}
        body = exports.export(publication.tables, fmt, meta)
        services.record_export(current_user._get_current_object(), fmt=fmt, open_data=True,
                               filters={"periods": f"{periods[0]}..{periods[-1]}" if periods else ""})
        db.session.commit()
        name = f"open-data-{generated_at.date().isoformat()}.{fmt}"
    else:
        form = _form()
        if not form.validate():
            return render_template("stats/index.html", form=form, figures=None, args=_args(),
                                   marking=marking.MARKING), 400
        result = figures.build(form.filters())
        stats_context.add_to(result, london_month(utcnow()))
        meta = {marking.JSON_FIELD: marking.MARKING, "generated_at": generated_at.isoformat(), "open_data": False,
                "filters": form.chosen()}
        body = exports.export(result.tables, fmt, meta)
        services.record_export(current_user._get_current_object(), fmt=fmt, open_data=False, filters=form.chosen())
        db.session.commit()
        chosen = form.chosen()
        name = f"statistics-{chosen['from']}-to-{chosen['to']}.{fmt}"
    return Response(body, mimetype=exports.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/charts/<name>.svg")
@readers
def show_chart(name: str) -> ResponseReturnValue:
    if name not in CHARTS:
        abort(404)
    form = _form()
    if not form.validate():
        abort(404)
    result = figures.build(form.filters())
    if name == "trend":
        # This month, not over yet, is named "to date" so the line's last drop explains itself.
        svg = charts.line([figures.to_date_label(labels.month_name(m)) if m == result.to_date else labels.month_name(m)
                           for m in result.monthly], list(result.monthly.values()), _("Reports by month"),
                          marking.MARKING, markers=stats_context.chart_markers(result))
    elif name == "strand":
        svg = charts.bars([lbl for lbl, _n in result.by_strand], [n for _l, n in result.by_strand],
                          _("Reports by strand"), marking.MARKING)
    elif name == "cohorts":
        quarters, series = cohorts.chart_series(result.table(cohorts.TABLE_ID).rows)
        svg = charts.grouped(quarters, series, _("Each quarter's reports followed to their outcomes"), marking.MARKING)
    else:
        svg = charts.bars([lbl for lbl, _n in result.by_area], [n for _l, n in result.by_area], _("Reports by area"),
                          marking.MARKING)
    response = Response(svg, mimetype="image/svg+xml")
    # matplotlib writes its styles inline; an image runs no script, and this document may load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response




