"""/stats/: counts and trends for analysts and admins (reviewers may look too).

Every figure comes from clear columns grouped in SQL (reporting/stats/queries.py);
no view here touches a key or a sealed column.
"""
from __future__ import annotations


from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from reporting.auth.models import Role
from reporting.db import utcnow
from reporting.extensions import db
from reporting.security import roles
from reporting.stats import charts, disclosure, exports, figures, services
from reporting.stats.forms import StatsFilterForm
from reporting.stats.periods import month_label

bp = Blueprint("stats", __name__, url_prefix="/stats")
readers = roles(Role.ANALYST, Role.ADMIN, Role.REVIEWER)
CHARTS = ("trend", "strand", "area")


def _form() -> StatsFilterForm:
    args = MultiDict((k, v) for k, v in request.args.items(multi=True) if v and k != "open")
    return StatsFilterForm(formdata=args or None, today=utcnow().date())


def _args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if v and k in ("first", "last", "area", "strand", "channel", "centre")}


@bp.get("/")
@readers
def show_statistics() -> ResponseReturnValue:
    form = _form()
    if not form.validate():
        return render_template("stats/index.html", form=form, figures=None, args=_args()), 400
    result = figures.build(form.filters())
    return render_template("stats/index.html", form=form, figures=result, args=_args(), charts=CHARTS,
                           month_label=month_label)


@bp.get("/open-data")
@readers
def show_open_data() -> ResponseReturnValue:
    form = _form()
    if not form.validate():
        return render_template("stats/open_data.html", form=form, tables=None, args=_args()), 400
    result = figures.build(form.filters())
    tables = disclosure.suppress(figures.open_data_tables(result))
    return render_template("stats/open_data.html", form=form, tables=tables, args=_args())


@bp.get("/export.<fmt>")
@readers
def export_statistics(fmt: str) -> ResponseReturnValue:
    if fmt not in exports.FORMATS:
        abort(404)
    form = _form()
    if not form.validate():
        return render_template("stats/index.html", form=form, figures=None, args=_args()), 400
    open_data = request.args.get("open") == "1"
    result = figures.build(form.filters())
    tables = disclosure.suppress(figures.open_data_tables(result)) if open_data else result.tables
    meta = {"generated_at": utcnow().replace(microsecond=0).isoformat(), "open_data": open_data,
            "filters": form.chosen()}
    body = exports.export(tables, fmt, meta)
    services.record_export(current_user._get_current_object(), fmt=fmt, open_data=open_data, filters=form.chosen())
    db.session.commit()
    chosen = form.chosen()
    name = f"{'open-data' if open_data else 'statistics'}-{chosen['from']}-to-{chosen['to']}.{fmt}"
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
        svg = charts.line([month_label(m) for m in result.monthly], list(result.monthly.values()),
                          _("Reports by month"))
    elif name == "strand":
        svg = charts.bars([lbl for lbl, _n in result.by_strand], [n for _l, n in result.by_strand],
                          _("Reports by strand"))
    else:
        svg = charts.bars([lbl for lbl, _n in result.by_area], [n for _l, n in result.by_area], _("Reports by area"))
    response = Response(svg, mimetype="image/svg+xml")
    # matplotlib writes its styles inline; an image runs no script, and this document may load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response




