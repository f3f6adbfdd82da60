"""/status: a reporter comes back with their receipt code (public trust zone)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from reporting import sessions
from reporting.db import utcnow
from reporting.evidence import services as evidence_services
from reporting.evidence.files import MAX_FILES_PER_REPORT
from reporting.evidence.forms import UploadForm, refusal_message
from reporting.evidence.uploads import accepts_uploads
from reporting.codes import FeedbackScore
from reporting.exceptions import (
    ContentDestroyedError,
    EvidenceRefusedError,
    ReceiptLockedError,
    ReceiptWordNeededError,
    WrongReceiptError,
)
from reporting.extensions import db, limiter
from reporting.periods import LONDON
from reporting.forms import ConfirmForm
from reporting.reports import questions
from reporting.reports.models import Report
from reporting.reports.services import open_report_content
from reporting.security import public
from reporting.settings import current_settings
from reporting.status import feedback, services
from reporting.status.models import ReceiptSession
from reporting.status.forms import AdditionForm, FeedbackForm, ReceiptForm, ReplyForm, WordForm
from reporting.words import gettext as _

bp = Blueprint("status", __name__)
RECEIPT = "receipt"
# The code typed on /status while the word page asks for the word (encrypted; see services.hold_code).
HELD_CODE = "held_receipt"
WORD_FIELD = "word"


def _per_client() -> str:
    return str(current_app.config["RATELIMIT_STATUS"])


def _global() -> str:
    return str(current_app.config["RATELIMIT_STATUS_GLOBAL"])


def _remember(ticket: sessions.Ticket) -> None:
    sessions.remember(RECEIPT, ticket)


def _ticket() -> sessions.Ticket | None:
    return sessions.from_cookie(RECEIPT)


def forget_receipt() -> None:
    """End the receipt session (leaving, or "Exit this page")."""
    sessions.forget(RECEIPT, ReceiptSession)
    session.pop("new_receipt", None)
    session.pop(HELD_CODE, None)


def _resume() -> tuple[Report, bytes] | None:
    ticket = _ticket()
    if ticket is None:
        return None
    opened = services.resume(ticket, now=utcnow(), settings=current_settings())
    if opened is None:
        session.pop(RECEIPT, None)
    return opened


@bp.route("/status", methods=["GET", "POST"])
@public
@limiter.limit(_per_client, methods=["POST"])
@limiter.shared_limit(_global, scope="status-global", key_func=lambda: "all", methods=["POST"])
def enter_receipt() -> ResponseReturnValue:
    if request.method == "POST" and WORD_FIELD in request.form:
        # The word page posts here too, so a wrong word and a wrong code get the very same page.
        return _check_word()
    form = ReceiptForm()
    if form.validate_on_submit():
        try:
            report, private = services.open_with_receipt(form.receipt.data, current_settings())
        except ReceiptWordNeededError:
            # A code someone else saw: ask for the person's word, then check both at once.
            forget_receipt()
            session[HELD_CODE] = services.hold_code(form.receipt.data, now=utcnow(), settings=current_settings())
            return redirect(url_for(".enter_word"))
        except (WrongReceiptError, ReceiptLockedError) as error:
            return _refused(error)
        return _opened(report, private)
    return render_template("status/enter.html", form=form, message=None)


@bp.get("/status/word")
@public
def enter_word() -> ResponseReturnValue:
    """The first use of a code someone else saw: the word only the person chose (posted to /status)."""
    if services.held_code(session.get(HELD_CODE), now=utcnow(), settings=current_settings()) is None:
        session.pop(HELD_CODE, None)
        return redirect(url_for(".enter_receipt"))
    return render_template("status/word.html", form=WordForm(formdata=None))


def _check_word() -> ResponseReturnValue:
    code = services.held_code(session.get(HELD_CODE), now=utcnow(), settings=current_settings())
    if code is None:
        session.pop(HELD_CODE, None)
        return redirect(url_for(".enter_receipt"))
    form = WordForm()
    if not form.validate_on_submit():
        return render_template("status/word.html", form=form)
    session.pop(HELD_CODE, None)
    try:
        report, private = services.open_with_receipt(code, current_settings(), form.word.data)
    except (WrongReceiptError, ReceiptLockedError, ReceiptWordNeededError) as error:
        db.session.commit()  # the wrong try counts
        return _refused(error)
    return _opened(report, private)


def _refused(error: Exception) -> ResponseReturnValue:
    """The page for a code (or code and word) that does not open a report: the same
    page whichever was wrong, and never the code echoed back."""
    if isinstance(error, ReceiptLockedError):
        message = _("This receipt code has been tried with the wrong word too many times, so it no longer opens the report. Ask a reporting centre to put you in touch with the Hate Crime Reporting Group: they can give you a new code once they have checked who you are.")
    else:
        message = _("That receipt code does not match a report. Check each number and try again. If you were asked for a word, check that too.")
    return render_template("status/enter.html", form=ReceiptForm(formdata=None), message=message)


def _opened(report: Report, private: bytes) -> ResponseReturnValue:
    """Start the reporter's visit; a code someone else saw is replaced by one of their own."""
    forget_receipt()
    if services.needs_new_receipt(report):
        word_used = report.receipt_needs_word
        receipt = services.reissue_receipt(report, private, current_settings())
        session["new_receipt"] = True
        ticket = services.start_receipt_session(report, private, now=utcnow(), settings=current_settings())
        db.session.commit()
        _remember(ticket)
        return render_template("status/new_code.html", receipt=receipt.formatted(), reference=report.reference,
                               word_used=word_used)
    ticket = services.start_receipt_session(report, private, now=utcnow(), settings=current_settings())
    db.session.commit()
    _remember(ticket)
    return redirect(url_for(".show_report"))


@bp.get("/status/report")
@public
def show_report() -> ResponseReturnValue:
    opened = _resume()
    if opened is None:
        return redirect(url_for(".enter_receipt"))
    report, private = opened
    page = _report_page(report, private)
    services.mark_read_by_reporter(report, now=utcnow())
    db.session.commit()
    return page


def _report_page(report: Report, private: bytes, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The reporter's page: status, messages, files; ``forms`` replaces a form with errors."""
    thread = services.messages(report, private)
    answers = open_report_content(report, private)["answers"]
    context = {
        "report": report,
        "plain_status": services.PLAIN_STATUS[report.status],
        "thread": thread,
        # What they sent, read back (the page warns that anyone with the code can).
        "sent_cards": [card for card in questions.check_cards(answers, questions.steps_for_channel(report.channel)) if card.rows],
        # The reply box is for answering the Group; otherwise it is an action to open.
        "group_wrote": any(item.message.kind == "to_reporter" for item in thread),
        "evidence": evidence_services.list_evidence(report, private),
        "max_files": MAX_FILES_PER_REPORT,
        "reply_form": ReplyForm(prefix="reply", formdata=None),
        "addition_form": AdditionForm(prefix="addition", formdata=None),
        "upload_form": UploadForm(prefix="evidence", formdata=None),
        "leave_form": ConfirmForm(),
        "feedback": (answer := feedback.feedback_of(report)),
        "feedback_score": FeedbackScore.of(answer.score) if answer is not None else None,
    }
    context.update(forms)
    return render_template("status/report.html", **context), status


def _post_text(kind: str) -> ResponseReturnValue:
    opened = _resume()
    if opened is None:
        return redirect(url_for(".enter_receipt"))
    report, private = opened
    form = ReplyForm(prefix="reply") if kind == "reply" else AdditionForm(prefix="addition")
    if form.validate():
        if kind == "reply":
            services.reply(report, form.text.data)
            notice = _("Your reply has been sent to the Group.")
        else:
            services.add_information(report, form.text.data)
            notice = _("What you added is now part of your report.")
        db.session.commit()
        flash(notice, "success")
        return redirect(url_for(".show_report"))
    page = _report_page(report, private, **{f"{kind}_form": form})
    db.session.commit()
    return page


@bp.post("/status/reply")
@public
@limiter.limit(_per_client, methods=["POST"])
def reply() -> ResponseReturnValue:
    return _post_text("reply")


@bp.post("/status/add")
@public
@limiter.limit(_per_client, methods=["POST"])
def add_information() -> ResponseReturnValue:
    return _post_text("addition")


@bp.post("/status/evidence")
@public
@accepts_uploads
@limiter.limit(_per_client, methods=["POST"])
def upload_evidence() -> ResponseReturnValue:
    opened = _resume()
    if opened is None:
        return redirect(url_for(".enter_receipt"))
    report, private = opened
    form = UploadForm(prefix="evidence")
    if form.validate():
        try:
            evidence_services.add_evidence(report, form.upload(), form.file_name())
        except EvidenceRefusedError as error:
            db.session.rollback()
            form.file.errors = [refusal_message(error.reason)]
        else:
            db.session.commit()
            flash(_("Your file has been added to your report."), "success")
            return redirect(url_for(".show_report"))
    page = _report_page(report, private, upload_form=form)
    db.session.commit()
    return page


@bp.post("/status/leave")
@public
def leave() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        forget_receipt()
        db.session.commit()
    return redirect(url_for("public.index"))


@bp.route("/status/feedback", methods=["GET", "POST"])
@public
@limiter.limit(_per_client, methods=["POST"])
def give_feedback() -> ResponseReturnValue:
    """"How did we do?": optional and anonymous; one answer a report, which a later one replaces."""
    opened = _resume()
    if opened is None:
        return redirect(url_for(".enter_receipt"))
    report, private = opened
    answer = feedback.feedback_of(report)
    if request.method == "POST":
        form = FeedbackForm()
        if form.validate():
            try:
                feedback.give_feedback(report, FeedbackScore(str(form.score.data)), form.comment.data or None,
                                       today=utcnow().astimezone(LONDON).date())
            except ContentDestroyedError:
                db.session.rollback()
                return redirect(url_for(".enter_receipt"))
            db.session.commit()
            flash(_("Thank you for telling us how we did."), "success")
            return redirect(url_for(".show_report"))
        status = 400
    else:
        data: dict[str, str] = {}
        if answer is not None:
            data = {"score": FeedbackScore.of(answer.score).value,
                    "comment": feedback.open_comment(report, private, answer) or ""}
        form, status = FeedbackForm(formdata=None, data=data), 200
    page = render_template("status/feedback.html", form=form, answer=answer)
    db.session.commit()  # the receipt session was touched
    return page, status
