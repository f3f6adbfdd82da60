"""Referral views: a reviewer starts, previews and sends ("/review/..."); the police
liaison reads, acknowledges and answers ("/police/")."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting import crypto
from reporting.auth import session as staff
from reporting.auth.models import Role
from reporting.cases import queries as case_queries
from reporting.codes import InboxFilter
from reporting.db import utcnow
from reporting.exceptions import ConsentError, ContentDestroyedError, NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.keys.staff import staff_keyring
from reporting.notify import send_email
from reporting.referrals import forms, queries, services
from reporting.referrals.models import Outcome, OverrideReason, Referral, ReferralState
from reporting.reports.models import Report
from reporting.security import roles
from reporting.settings import current_settings
from reporting.urls import external_url
from reporting.words import gettext as _

bp = Blueprint("referrals", __name__)
reviewer = roles(Role.REVIEWER)
police = roles(Role.POLICE)


def _report(reference: str) -> Report:
    report: Report = db.first_or_404(case_queries.by_reference(reference))
    return report


def _keyring() -> Keyring:
    keyring = staff_keyring()
    if keyring is None:
        abort(403)
    return keyring


def _notify_police(referral: Referral, reference: str) -> None:
    """A referral is waiting: the reference and a link, nothing of the report."""
    address = current_app.config.get("POLICE_REFERRAL_EMAIL")
    if address:
        subject, body = services.police_notice(reference, external_url("referrals.show_referral", referral_id=referral.id))
        send_email(address, subject, body)


# Reviewer side ----------------------------------------------------------------------

@bp.route("/review/cases/<reference>/referral", methods=["GET", "POST"])
@reviewer
def new_referral(reference: str) -> ResponseReturnValue:
    report = _report(reference)
    try:
        choices = services.referral_choices(report, _keyring())
    except NotAKeyHolderError:
        abort(403)
    except ContentDestroyedError:
        return render_template("referrals/case_destroyed.html", report=report), 410
    form = forms.ReferralForm(available=choices.available, files=choices.files)
    if request.method == "GET":
        form.fields.data = choices.default_fields
    error = preview = None
    if request.method == "POST" and form.validate():
        override = OverrideReason(form.override_reason.data) if form.override_reason.data else None
        try:
            if form.action.data == "send":
                referral = services.start_referral(
                    report, actor=current_user, answers=choices.answers, fields=form.fields.data,
                    override=override, explanation=form.explanation.data, now=utcnow(),
                    evidence_ids=[int(i) for i in form.files.data or []], report_private=choices.report_private,
                )
                db.session.commit()
                if referral.state == ReferralState.SENT.value:
                    _notify_police(referral, report.reference)
                    flash(_("Referral sent to the police."), "success")
                else:
                    flash(_("The override is recorded. A second reviewer must approve it before anything is sent."), "success")
                return redirect(url_for("cases.show_case", reference=report.reference))
            preview = services.preview_referral(
                report, choices, fields=form.fields.data, file_ids=list(form.files.data or []),
                override=override, explanation=form.explanation.data,
            )
        except ConsentError:  # refused before anything was added
            error = _("The reporter's choice about the police does not allow this. Check what you chose to share, "
                      "and for a report they said not to pass on, give a safeguarding reason and an explanation.")
    db.session.commit()  # the decryption's audit entry
    return render_template(
        "referrals/new.html", report=report, form=form, kind=choices.kind, preview=preview, error=error,
        facts=services.package_facts(preview) if preview else [],
    )


@bp.post("/review/referrals/<int:referral_id>/approve")
@reviewer
def approve_override(referral_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
    report = db.session.get(Report, referral.report_id)
    from reporting.forms import ConfirmForm

    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.approve_override(referral, actor=current_user, now=utcnow())
    except ConsentError:
        db.session.rollback()
        flash(_("A second reviewer, not the one who asked, must approve the override."), "error")
    except PermissionDeniedError:
        db.session.rollback()
        flash(_("Only a reviewer who holds the Group's key can approve an override: they must be able to read what goes."), "error")
    except ContentDestroyedError:
        db.session.rollback()
        flash(_("This report's content was destroyed: nothing can be sent."), "error")
    else:
        db.session.commit()
        _notify_police(referral, report.reference)
        flash(_("Override approved and referral sent."), "success")
    return redirect(url_for("cases.show_case", reference=report.reference))


@bp.post("/review/referrals/<int:referral_id>/answer")
@reviewer
def answer_police(referral_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
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
def show_inbox() -> ResponseReturnValue:
    """The force's referrals, by filter (``?filter=``; at first those not yet acknowledged) with a
    count on each, fifty a page (``?page=``).

    An unknown filter is a 400 naming the filters there are; a page number that is not a whole
    number from 1 to 100,000 is the first page, and one past the last is the last."""
    try:
        shown, known = InboxFilter(request.args.get("filter", "") or queries.INBOX_DEFAULT), True
    except ValueError:
        shown, known = queries.INBOX_DEFAULT, False
    now = utcnow()
    settings = current_settings()
    inbox = queries.police_inbox(shown, _page_number(), now=now, late_working_days=settings.referral_ack_working_days)
    return render_template(
        "referrals/inbox.html", inbox=inbox, filters=list(InboxFilter), default=queries.INBOX_DEFAULT,
        unknown_filter=not known,
        working_days={row.id: queries.working_days_since(row.sent_at, now) for row in inbox.rows},
        late_working_days=settings.referral_ack_working_days,
    ), (200 if known else 400)


def _page_number() -> int:
    """The page asked for; anything but a whole number from 1 to 100,000 is the first page."""
    try:
        number = int(request.args.get("page", ""))
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


def _open(referral: Referral) -> dict[str, Any]:
    if referral.state == ReferralState.AWAITING_APPROVAL.value:
        abort(404)
    try:
        package = services.open_package(referral, actor=current_user, personal_private=staff.personal_private_key(),
                                         now=utcnow())
    except ContentDestroyedError:
        report = db.session.get(Report, referral.report_id)
        abort(make_response(render_template("referrals/destroyed.html", referral=referral, report=report), 410))
    except (NotAKeyHolderError, crypto.CryptoError):
        abort(403)
    db.session.commit()
    return package


@bp.get("/police/referrals/<int:referral_id>")
@police
def show_referral(referral_id: int) -> ResponseReturnValue:
    return _police_page(db.get_or_404(Referral, referral_id))


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
        facts=services.package_facts(package), **context,
    )


@bp.get("/police/referrals/<int:referral_id>/print")
@police
def print_referral(referral_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
    package = _open(referral)
    return render_template("referrals/print.html", package=package, facts=services.package_facts(package))


@bp.get("/police/referrals/<int:referral_id>/package.pdf")
@police
def download_pdf(referral_id: int) -> ResponseReturnValue:
    from reporting.referrals.pdf import referral_pdf

    referral = db.get_or_404(Referral, referral_id)
    data = referral_pdf(_open(referral))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="referral-{referral.id}.pdf"'})


@bp.get("/police/referrals/<int:referral_id>/package.json")
@police
def download_json(referral_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
    return Response(services.package_json(_open(referral)), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="referral-{referral.id}.json"'})


@bp.get("/police/referrals/<int:referral_id>/files/<int:file_id>")
@police
def download_file(referral_id: int, file_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
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
def acknowledge_referral(referral_id: int) -> ResponseReturnValue:
    from reporting.forms import ConfirmForm

    referral = db.get_or_404(Referral, referral_id)
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
    return redirect(url_for(".show_referral", referral_id=referral.id))


@bp.post("/police/referrals/<int:referral_id>/outcome")
@police
def record_outcome(referral_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
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
        return redirect(url_for(".show_referral", referral_id=referral.id))
    return _police_page(referral, outcome_form=form)


@bp.post("/police/referrals/<int:referral_id>/question")
@police
def ask_group(referral_id: int) -> ResponseReturnValue:
    referral = db.get_or_404(Referral, referral_id)
    if referral.state == ReferralState.AWAITING_APPROVAL.value:
        abort(404)
    form = forms.QuestionForm(prefix="question")
    if form.validate():
        services.ask_group(referral, actor=current_user, text=form.text.data)
        db.session.commit()
        flash(_("Question sent to the Group."), "success")
        return redirect(url_for(".show_referral", referral_id=referral.id))
    return _police_page(referral, question_form=form)
