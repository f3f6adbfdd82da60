"""/review/retention: what is due for destruction, legal holds, erasure, subject access export."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting import crypto
from reporting.cases import policies as case_policies
from reporting.cases import queries as case_queries
from reporting.db import utcnow
from reporting.approvals import services as approvals
from reporting.approvals.models import Act
from reporting.exceptions import (
    AlreadyAskedError,
    ContentDestroyedError,
    NotAKeyHolderError,
    OnLegalHoldError,
    PermissionDeniedError,
)
from reporting.extensions import db
from reporting.keys.staff import staff_keyring as _keyring
from reporting.forms import ConfirmForm
from reporting.reports.holds import is_held
from reporting.reports.models import Report
from reporting.retention import export, forms, services
from reporting.retention.rules import RetentionSettings
from reporting import ROOT
from reporting.security import public, roles
from reporting.words import gettext as _

bp = Blueprint("retention", __name__, url_prefix="/review/retention")
# The data protection file is public (linked from the privacy notice), served as written.
public_bp = Blueprint("data_protection", __name__, url_prefix="/privacy")
DATA_PROTECTION_FILE = ROOT / "docs" / "data-protection.md"
reviewer = roles(case_policies.REVIEWER)


def _case(reference: str) -> Report:
    report = case_queries.report_by_reference(reference)
    if report is None:
        abort(404)
    return report



@bp.get("/")
@reviewer
def review_due() -> ResponseReturnValue:
    settings = RetentionSettings.from_config(current_app.config)
    upcoming = services.schedule(utcnow().date(), settings, within_days=settings.review_days)
    return render_template("retention/review.html", upcoming=upcoming, days=settings.review_days)


def _page(report: Report, status: int = 200, **given: object) -> ResponseReturnValue:
    held = is_held(report)
    keyring = _keyring()
    reason = None
    if held and keyring is not None:
        try:
            reason = services.hold_reason(report, keyring)
        except (NotAKeyHolderError, crypto.CryptoError):
            reason = None
    settings = RetentionSettings.from_config(current_app.config)
    context: dict[str, object] = {
        "report": report, "held": held, "hold_reason": reason,
        "due": services.due_for(report, settings) if report.content_destroyed_at is None else None,
        "hold_form": forms.HoldForm(prefix="hold"), "erase_form": forms.EraseForm(prefix="erase"),
        "lift_form": forms.LiftForm(prefix="lift"), "confirm": ConfirmForm(),
        "lift_asked": approvals.open_request(report, Act.LIFT_HOLD),
        "erase_asked": approvals.open_request(report, Act.ERASE_REPORT),
        "may_ask": approvals.may_ask(current_user._get_current_object()),
    }
    context.update(given)
    return render_template("retention/case.html", **context), status


@bp.get("/cases/<reference>")
@reviewer
def show_retention(reference: str) -> ResponseReturnValue:
    return _page(_case(reference))


def _done(report: Report, message: str) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_retention", reference=report.reference))


def _refused(report: Report, message: str) -> ResponseReturnValue:
    db.session.rollback()
    flash(message, "important")
    return redirect(url_for(".show_retention", reference=report.reference))


@bp.post("/cases/<reference>/hold")
@reviewer
def place_hold(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.HoldForm(prefix="hold")
    if not form.validate_on_submit():
        return _page(report, 400, hold_form=form)
    try:
        services.place_hold(report, actor=current_user._get_current_object(), reason=form.reason.data)
    except (OnLegalHoldError, ContentDestroyedError):
        return _refused(report, _("This case is already on hold, or its content was destroyed."))
    return _done(report, _("Legal hold placed. The content is kept until the hold is lifted."))


@bp.post("/cases/<reference>/hold/lift")
@reviewer
def lift_hold(reference: str) -> ResponseReturnValue:
    """Ask for the hold to be lifted: a second key holder approves it on the approvals page."""
    report = _case(reference)
    form = forms.LiftForm(prefix="lift")
    if not form.validate_on_submit():
        return _page(report, 400, lift_form=form)
    try:
        services.ask_to_lift_hold(report, actor=current_user._get_current_object(), reason=form.reason.data)
    except PermissionDeniedError:
        return _refused(report, _("Only a reviewer who holds the Group's key can ask for a hold to be lifted."))
    except OnLegalHoldError:
        return _refused(report, _("This case is not on hold."))
    except AlreadyAskedError:
        return _refused(report, _("Lifting this hold has been asked for already and waits for a second key holder."))
    except ContentDestroyedError:
        return _refused(report, _("This report's content was already destroyed."))
    return _done(report, _("Asked. The hold stays until a second key holder approves lifting it on their Approvals page."))


@bp.post("/cases/<reference>/erase")
@reviewer
def erase_report(reference: str) -> ResponseReturnValue:
    """Ask for the report to be erased: a second key holder approves it on the approvals page."""
    report = _case(reference)
    form = forms.EraseForm(prefix="erase")
    if not form.validate_on_submit():
        return _page(report, 400, erase_form=form)
    try:
        services.ask_to_erase(report, actor=current_user._get_current_object(), reason=form.reason.data,
                              explanation=form.explanation.data or "")
    except PermissionDeniedError:
        return _refused(report, _("Only a reviewer who holds the Group's key can ask for a report to be erased."))
    except OnLegalHoldError:
        return _refused(report, _("This case is on legal hold: lift the hold before erasing it."))
    except AlreadyAskedError:
        return _refused(report, _("Erasing this report has been asked for already and waits for a second key holder."))
    except ContentDestroyedError:
        return _refused(report, _("This report's content was already destroyed."))
    return _done(report, _("Asked. Nothing is erased until a second key holder approves it on their Approvals page."))


@bp.post("/cases/<reference>/export")
@reviewer
def export_report(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    keyring = _keyring()
    try:
        if keyring is None:
            raise NotAKeyHolderError(current_user.email)
        data = export.subject_access_export(report, keyring)
    except NotAKeyHolderError:
        return _refused(report, _("Only a reviewer who holds the Group's key can download this."))
    except ContentDestroyedError:
        return _refused(report, _("This report's content was already destroyed."))
    db.session.commit()  # the export's audit entry
    response = Response(data, content_type="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="subject-access-{report.reference}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


@public_bp.get("/data-protection")
@public
def data_protection_file() -> ResponseReturnValue:
    response = Response(DATA_PROTECTION_FILE.read_text(encoding="utf-8"), content_type="text/plain; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="data-protection.md"'
    return response
