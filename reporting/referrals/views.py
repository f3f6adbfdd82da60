"""Referral views: a reviewer starts, previews and sends ("/review/..."); the police
liaison reads, acknowledges and answers ("/police/")."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from reporting import crypto
from reporting.auth import session as staff
from reporting.cases import queries as case_queries
from reporting.cases import services as case_services
from reporting.db import utcnow
from reporting.evidence import services as evidence_services
from reporting.exceptions import ConsentError, NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.notify import send_email
from reporting.referrals import forms, services
from reporting.referrals.models import Outcome, OverrideReason, Referral, ReferralState
from reporting.reports.models import Report
from reporting.security import roles
from reporting.urls import external_url

bp = Blueprint("referrals", __name__)
reviewer = roles("reviewer")
police = roles("police")


def _report(reference: str) -> Report:
    report = case_queries.report_by_reference(reference)
    if report is None:
        abort(404)
    return report


def _referral(referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None:
        abort(404)
    return referral


def _keyring() -> case_services.Keyring:
    try:
        return case_services.Keyring(current_user._get_current_object(), staff.personal_private_key())
    except crypto.CryptoError:
        abort(403)


def _notify_police(referral: Referral, reference: str) -> None:
    """A referral is waiting: the reference and a link, nothing of the report."""
    from flask import current_app

    address = current_app.config.get("POLICE_REFERRAL_EMAIL")
    if address:
        link = external_url("referrals.police_referral", referral_id=referral.id)
        send_email(
            address,
            f"A hate crime referral is waiting: {reference}",
            f"A referral from the Hate Crime Reporting Group is waiting for you.\n\nReference: {reference}\n"
            f"Open it here (sign-in needed): {link}\n",
        )


# Reviewer side ----------------------------------------------------------------------

@bp.route("/review/cases/<reference>/referral", methods=["GET", "POST"])
@reviewer
def new_referral(reference: str) -> ResponseReturnValue:
    report = _report(reference)
    keyring = _keyring()
    try:
        answers = case_services.open_case(report, keyring).answers
    except NotAKeyHolderError:
        abort(403)
    items = services.shareable(answers)
    kind = services.kind_for(report)
    available = [(item.field, item.question) for item in items if kind != "intelligence" or not item.identifying]
    if kind is None:  # only an intelligence package may go under an override
        available = [(item.field, item.question) for item in items if not item.identifying]
    report_private = case_services.report_private_key(report, keyring)
    evidence = evidence_services.list_evidence(report, report_private)
    form = forms.ReferralForm(available=available, files=[(str(f.evidence.id), f.name) for f in evidence])
    if request.method == "GET":
        form.fields.data = [name for name in services.INCIDENT if name in dict(available)]
    error = None
    preview = None
    if request.method == "POST" and form.validate():
        override = OverrideReason(form.override_reason.data) if form.override_reason.data else None
        try:
            if form.action.data == "send":
                referral = services.start_referral(
                    report, actor=current_user, answers=answers, fields=form.fields.data,
                    override=override, explanation=form.explanation.data, now=utcnow(),
                    evidence_ids=[int(i) for i in form.files.data or []], report_private=report_private,
                )
                db.session.commit()
                if referral.state == ReferralState.SENT.value:
                    _notify_police(referral, report.reference)
                    flash(_("Referral sent to the police."), "success")
                else:
                    flash(_("The override is recorded. A second reviewer must approve it before anything is sent."), "success")
                return redirect(url_for("cases.show_case", reference=report.reference))
            check_kind = kind or services.ReferralKind.INTELLIGENCE
            if kind is None and (override is None or not form.explanation.data):
                raise ConsentError("override needed")
            services.check_fields(report, check_kind, form.fields.data, answers)
            preview = services.build_package(report, answers, form.fields.data, check_kind,
                                             referral_id=None, override=override, sent_at=None)
            names = {str(f.evidence.id): f.name for f in evidence}
            preview["files"] = [{"name": names[i]} for i in form.files.data or []]
            db.session.commit()  # the decryption's audit entry
        except ConsentError:
            db.session.rollback()
            error = _("The reporter's choice about the police does not allow this. Check what you chose to share, "
                      "and for a report they said not to pass on, give a safeguarding reason and an explanation.")
    else:
        db.session.commit()
    return render_template(
        "referrals/new.html", report=report, form=form, kind=kind, preview=preview, error=error,
        labels=_package_labels(),
    )


@bp.post("/review/referrals/<int:referral_id>/approve")
@reviewer
def approve(referral_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    report = db.session.get(Report, referral.report_id)
    from reporting.forms import ConfirmForm

    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.approve_override(referral, actor=current_user, now=utcnow())
    except ConsentError:
        db.session.rollback()
        flash(_("A second reviewer, not the one who asked, must approve the override."), "error")
    else:
        db.session.commit()
        _notify_police(referral, report.reference)
        flash(_("Override approved and referral sent."), "success")
    return redirect(url_for("cases.show_case", reference=report.reference))


@bp.post("/review/referrals/<int:referral_id>/answer")
@reviewer
def answer(referral_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    report = db.session.get(Report, referral.report_id)
    form = forms.AnswerForm(prefix="answer")
    if form.validate():
        services.answer_police(referral, actor=current_user, text=form.text.data)
        db.session.commit()
        flash(_("Answer sent to the police."), "success")
    else:
        flash(_("Write an answer before sending it."), "error")
    return redirect(url_for("cases.show_case", reference=report.reference))


# Police side ------------------------------------------------------------------------

@bp.get("/police/")
@police
def inbox() -> ResponseReturnValue:
    rows = db.session.execute(
        select(Referral, Report.reference)
        .join(Report, Report.id == Referral.report_id)
        .where(Referral.state != ReferralState.AWAITING_APPROVAL.value)
        .order_by(Referral.sent_at.desc())
    ).all()
    counts: dict[str, int] = {}
    for referral, _ref in rows:
        counts[referral.state] = counts.get(referral.state, 0) + 1
    return render_template("referrals/inbox.html", rows=rows, counts=counts, states=forms.STATE_LABELS)


def _open(referral: Referral) -> dict[str, Any]:
    if referral.state == ReferralState.AWAITING_APPROVAL.value:
        abort(404)
    try:
        package = services.open_package(referral, actor=current_user, personal_private=staff.personal_private_key())
    except (NotAKeyHolderError, crypto.CryptoError):
        abort(403)
    db.session.commit()
    return package


def _package_labels() -> dict[str, str]:
    return {
        "reference": _("Reference"), "kind": _("Kind"), "consent": _("Reporter's choice"),
        "override_reason": _("Safeguarding override"), "area": _("Area"),
        "received_at": _("Received"), "sent_at": _("Sent"),
    }


@bp.get("/police/referrals/<int:referral_id>")
@police
def police_referral(referral_id: int) -> ResponseReturnValue:
    return _police_page(_referral(referral_id))


def _police_page(referral: Referral, **given: Any) -> ResponseReturnValue:
    """The referral as the police liaison sees it, with any form given back with its errors."""
    package = _open(referral)
    thread = services.police_thread(referral, actor=current_user, personal_private=staff.personal_private_key())
    context: dict[str, Any] = {
        "outcome_form": forms.OutcomeForm(
            prefix="outcome", data={"crime_reference": referral.crime_reference, "outcome": referral.outcome}
        ),
        "question_form": forms.QuestionForm(prefix="question"),
    }
    context.update(given)
    return render_template(
        "referrals/police_referral.html", referral=referral, package=package, thread=thread,
        states=forms.STATE_LABELS, outcomes=forms.OUTCOME_LABELS, labels=_package_labels(), **context,
    )


@bp.get("/police/referrals/<int:referral_id>/print")
@police
def printable(referral_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    return render_template("referrals/print.html", package=_open(referral), labels=_package_labels())


@bp.get("/police/referrals/<int:referral_id>/package.pdf")
@police
def package_pdf(referral_id: int) -> ResponseReturnValue:
    from reporting.referrals.pdf import package_pdf as render_pdf

    referral = _referral(referral_id)
    package = _open(referral)
    data = render_pdf(package, title=_("Hate crime referral %(reference)s", reference=package["reference"]),
                      labels=_package_labels())
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="referral-{referral.id}.pdf"'})


@bp.get("/police/referrals/<int:referral_id>/package.json")
@police
def package_json(referral_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    package = _open(referral)
    return Response(json.dumps(package, ensure_ascii=False, indent=2), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="referral-{referral.id}.json"'})


@bp.get("/police/referrals/<int:referral_id>/files/<int:file_id>")
@police
def shared_file(referral_id: int, file_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    try:
        row, data = services.open_file(referral, file_id, actor=current_user, personal_private=staff.personal_private_key())
    except PermissionDeniedError:
        abort(404)
    except (NotAKeyHolderError, crypto.CryptoError):
        abort(403)
    db.session.commit()
    return Response(data, mimetype=row.content_type, headers={
        "Content-Disposition": f'attachment; filename="referral-{referral.id}-file-{row.id}.{row.extension}"'})


@bp.post("/police/referrals/<int:referral_id>/acknowledge")
@police
def acknowledge(referral_id: int) -> ResponseReturnValue:
    from reporting.forms import ConfirmForm

    referral = _referral(referral_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.acknowledge(referral, actor=current_user, now=utcnow())
    except ConsentError:
        db.session.rollback()
        flash(_("This referral was acknowledged already."), "error")
    else:
        db.session.commit()
        flash(_("Referral acknowledged."), "success")
    return redirect(url_for(".police_referral", referral_id=referral.id))


@bp.post("/police/referrals/<int:referral_id>/outcome")
@police
def outcome(referral_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    form = forms.OutcomeForm(prefix="outcome")
    if form.validate():
        try:
            services.record_outcome(referral, actor=current_user, crime_reference=form.crime_reference.data or "",
                                    outcome=Outcome(form.outcome.data), now=utcnow())
        except ConsentError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        flash(_("Outcome recorded."), "success")
        return redirect(url_for(".police_referral", referral_id=referral.id))
    return _police_page(referral, outcome_form=form)


@bp.post("/police/referrals/<int:referral_id>/question")
@police
def question(referral_id: int) -> ResponseReturnValue:
    referral = _referral(referral_id)
    if referral.state == ReferralState.AWAITING_APPROVAL.value:
        abort(404)
    form = forms.QuestionForm(prefix="question")
    if form.validate():
        services.ask_group(referral, actor=current_user, text=form.text.data)
        db.session.commit()
        flash(_("Question sent to the Group."), "success")
        return redirect(url_for(".police_referral", referral_id=referral.id))
    return _police_page(referral, question_form=form)
