"""A reviewer gives a reporter who lost their receipt a new code ("/review/cases/<ref>/new-code").

Its own small blueprint so the case pages stay as they are: one form, one service
call (cases.services.issue_code_to_reporter), the new code shown once.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from reporting import crypto
from reporting.auth import session as staff
from reporting.auth.models import Role
from reporting.cases import queries as case_queries
from reporting.cases import services as case_services
from reporting.exceptions import NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.reports.models import Report
from reporting.forms.fields import Radios, long_text
from reporting.security import roles
from reporting.settings import current_settings

bp = Blueprint("receipts", __name__, url_prefix="/review")

ROUTE_LABELS = {
    "call_back": _l("We called them back on the number they gave in the report, and they answered questions only they could"),
    "in_person": _l("They came in person with identification"),
    "contact_details": _l("They wrote from the email address they gave in the report, and answered questions only they could"),
}


class NewCodeForm(FlaskForm):
    route = Radios(_l("How did they prove who they are?"), choices=list(ROUTE_LABELS.items()),
                   required=_l("Select how they proved who they are"))
    reason = long_text(_l("Why they need a new code"), required=_l("Enter why they need a new code"), max_length=2000)


@bp.route("/cases/<reference>/new-code", methods=["GET", "POST"])
@roles(Role.REVIEWER)
def issue_new_code(reference: str) -> ResponseReturnValue:
    report: Report = db.first_or_404(case_queries.by_reference(reference))
    form = NewCodeForm()
    message = None
    if form.validate_on_submit():
        try:
            keyring = Keyring(current_user._get_current_object(), staff.personal_private_key())
            private = case_services.report_private_key(report, keyring)
            receipt = case_services.issue_code_to_reporter(report, private, actor=current_user._get_current_object(),
                                                           route=form.route.data, reason=form.reason.data,
                                                           settings=current_settings())
        except (crypto.CryptoError, NotAKeyHolderError, PermissionDeniedError):
            db.session.rollback()
            message = str(_l("Only a reviewer who can read this report can give a new code."))
        else:
            db.session.commit()
            return render_template("status/reviewer_new_code.html", reference=report.reference,
                                   receipt=receipt.formatted())
    return render_template("status/reviewer_new_code.html", reference=report.reference, form=form,
                           message=message, receipt=None)
