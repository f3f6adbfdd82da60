"""Assisted reporting by centre staff ("/centre/"): the same questions, then a receipt slip.

Staff never read a report back once it is sent: the draft's answers go at
submission, the receipt is shown once, and the list shows references and status only.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from reporting.auth.models import Role
from reporting.cases import services as case_services
from reporting.centres.models import Centre
from reporting.db import utcnow
from reporting.extensions import db
from reporting.forms import ConfirmForm
from reporting.journey import views as journey
from reporting.reports import questions
from reporting.reports.models import Channel, Report
from reporting.security import roles
from reporting.words import lazy_gettext as _l

bp = Blueprint("assisted", __name__, url_prefix="/centre")
centre_staff = roles(Role.CENTRE_STAFF)


def _handover(report: Report, staff_only: dict[str, Any]) -> None:
    case_services.add_handover_note(report, actor=current_user, text=staff_only.get("staff_note") or "")


ASSISTED = journey.JourneyConfig(
    session_key="assisted_draft",
    channel=Channel.CENTRE,
    start="assisted.start_report",
    step="assisted.report_step",
    check="assisted.check_answers",
    sent="assisted.show_receipt",
    finish="assisted.finish",
    after_finish="assisted.index",
    layout="staff/base.html",
    caption=_l("Assisted report"),
    meta=lambda: {"entered_by": current_user.id},
    steps=questions.ASSISTED_STEPS,
    sent_template="assisted/slip.html",
    receipt_once=True,
    after_submit=_handover,
)


@bp.get("/")
@centre_staff
def index() -> ResponseReturnValue:
    """The references this centre sent, with their status; never their content."""
    centre = db.session.get(Centre, current_user.centre_id)
    sent = db.session.execute(
        select(Report.reference, Report.received_at, Report.status)
        .where(Report.centre_id == current_user.centre_id, Report.channel == Channel.CENTRE.value)
        .order_by(Report.received_at.desc())
        .limit(200)
    ).all()
    return render_template("assisted/index.html", centre=centre, sent=sent, form=ConfirmForm())


@bp.route("/report/", methods=["GET", "POST"])
@centre_staff
def start_report() -> ResponseReturnValue:
    form = ConfirmForm()
    centre = db.session.get(Centre, current_user.centre_id) if current_user.centre_id else None
    # A closed centre takes no more reports (issue 31): its staff are shown when it closed.
    closed_on = centre.closed_on if centre is not None and not centre.is_open(utcnow().date()) else None
    if form.validate_on_submit() and centre is not None and closed_on is None:
        return journey.begin(ASSISTED, centre_id=current_user.centre_id)
    return render_template("assisted/start.html", form=form, closed_on=closed_on,
                           closed=centre is not None and closed_on is not None)


@bp.route("/report/<name>", methods=["GET", "POST"])
@centre_staff
def report_step(name: str) -> ResponseReturnValue:
    return journey.step(ASSISTED, name)


@bp.route("/report/check", methods=["GET", "POST"])
@centre_staff
def check_answers() -> ResponseReturnValue:
    return journey.check(ASSISTED, ConfirmForm())


@bp.get("/report/receipt")
@centre_staff
def show_receipt() -> ResponseReturnValue:
    return journey.sent(ASSISTED, ConfirmForm())


@bp.post("/report/finish")
@centre_staff
def finish() -> ResponseReturnValue:
    return journey.finish(ASSISTED, ConfirmForm())
