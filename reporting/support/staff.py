"""The support a case's person was offered, accepted and completed, recorded from the case page
("/review/cases/<reference>/support"; reviewers only, as the case page)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting.cases import policies, queries
from reporting.cases.views import case_page
from reporting.db import utcnow
from reporting.exceptions import PermissionDeniedError
from reporting.extensions import db
from reporting.periods import LONDON
from reporting.reports.models import Report
from reporting.security import roles
from reporting.support import services
from reporting.support.forms import CaseSupportForm
from reporting.words import gettext as _

bp = Blueprint("case_support", __name__, url_prefix="/review")


def support_form(report: Report, **kwargs: object) -> CaseSupportForm:
    """The form, knowing the days an offer may fall on: from the report's day to today (London)."""
    return CaseSupportForm(received_on=report.received_at.astimezone(LONDON).date(),
                           today=utcnow().astimezone(LONDON).date(), **kwargs)


@bp.post("/cases/<reference>/support")
@roles(policies.REVIEWER)
def record_support(reference: str) -> ResponseReturnValue:
    report: Report = db.first_or_404(queries.by_reference(reference))
    form = support_form(report, prefix="support")
    if not form.validate():
        return case_page(report, status=400, support_form=form)
    try:
        changed = services.record_support(report, form.answers(), actor=current_user)
    except PermissionDeniedError:
        db.session.rollback()
        flash(_("Only an active reviewer can record support: nothing was changed."), "error")
        return redirect(url_for("cases.show_case", reference=report.reference))
    db.session.commit()
    flash(_("Support recorded.") if changed else _("Support unchanged: it was already recorded like this."), "success")
    return redirect(url_for("cases.show_case", reference=report.reference))
