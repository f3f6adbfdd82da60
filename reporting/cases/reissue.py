"""A reporter who lost their receipt asks for a new code ("/review/cases/<ref>/new-code").

No one person can do this (issue 26): a reviewer who holds the Group's key records the
reporter's request here (how they asked, how they proved who they are, the route they
asked the code to come by, why); a second key holder approves it on their approvals
page (reporting.approvals); only then does the service make the code and email it to
the address the reporter gave in their report with consent to be contacted. No member
of staff sees the code (see reporting.cases.receipts for why email). Its routes are on
the cases blueprint (create_app imports this module before registering it); its own
module so the case pages stay as they are.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from reporting import crypto
from reporting.approvals import services as approvals
from reporting.auth import session as staff
from reporting.auth.models import Role
from reporting.cases import queries as case_queries
from reporting.cases import receipts
from reporting.cases import services as case_services
from reporting.codes import Act, AskRoute, DeliveryRoute, IdentityCheck
from reporting.cases.views import bp
from reporting.exceptions import (
    AlreadyAskedError,
    ContentDestroyedError,
    NoDeliveryRouteError,
    NotAKeyHolderError,
    PermissionDeniedError,
)
from reporting.extensions import db
from reporting.forms.fields import Radios, long_text
from reporting.keys.keyring import Keyring
from reporting.reports.models import Report
from reporting.reports.services import pending_code
from reporting.security import roles
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l


class NewCodeForm(FlaskForm):
    asked_by = Radios(_l("How did they ask for a new code?"), choices=AskRoute.choices(),
                      required=_l("Select how they asked"))
    proved_by = Radios(_l("How did they prove who they are?"),
                       choices=IdentityCheck.choices(),
                       required=_l("Select how they proved who they are"))
    delivery = Radios(_l("How did they ask the code to reach them?"),
                      choices=DeliveryRoute.choices(),
                      required=_l("Select how the code reaches them"))
    reason = long_text(_l("Why they need a new code"), required=_l("Enter why they need a new code"), max_length=2000,
                       description=_l("Only the Group can read this."))


def _page(report: Report, form: NewCodeForm | None, message: str | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "cases/new_code.html", report=report, reference=report.reference, form=form, message=message,
        waiting=approvals.open_request(report, Act.NEW_RECEIPT_CODE), pending=pending_code(report),
    ), status


@bp.route("/cases/<reference>/new-code", methods=["GET", "POST"])
@roles(Role.REVIEWER)
def issue_new_code(reference: str) -> ResponseReturnValue:
    report: Report = db.first_or_404(case_queries.by_reference(reference))
    if report.content_destroyed_at is not None:
        return _page(report, None, _("This report's content was destroyed: there is nothing a code could open."), 410)
    form = NewCodeForm()
    if not form.validate_on_submit():
        return _page(report, form)
    actor = current_user._get_current_object()
    try:
        keyring = Keyring(actor, staff.personal_private_key())
        private = case_services.report_private_key(report, keyring)
        receipts.ask_for_new_code(report, private, actor=actor, asked_by=form.asked_by.data,
                                  proved_by=form.proved_by.data, delivery=form.delivery.data, reason=form.reason.data)
    except (crypto.CryptoError, NotAKeyHolderError, PermissionDeniedError):
        db.session.rollback()
        return _page(report, form, _("Only a reviewer who holds the Group's key and can read this report can ask for a new code."), 403)
    except NoDeliveryRouteError:
        db.session.rollback()
        return _page(report, form, _("They gave no email address with their consent to be contacted, so a new code cannot be sent to them without passing through staff. Nothing was asked for. The Group can still write to them by the contact route they gave, and they can make a new report."), 409)
    except AlreadyAskedError:
        db.session.rollback()
        return _page(report, form, _("A new code for this report has been asked for already and waits for a second key holder."), 409)
    except ContentDestroyedError:
        db.session.rollback()
        return _page(report, None, _("This report's content was destroyed: there is nothing a code could open."), 410)
    db.session.commit()
    flash(_("Asked. A second key holder must approve it on their Approvals page; then the service emails the code to the reporter. No one at the Group sees it."), "success")
    return redirect(url_for("cases.issue_new_code", reference=report.reference))
