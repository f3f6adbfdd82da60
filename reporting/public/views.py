"""The public trust zone: home, the reporting journey, information pages, exit, health."""
from __future__ import annotations

import base64
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from reporting import crypto
from reporting.db import utcnow
from reporting.exceptions import (
    AlreadySentError,
    DraftNotFoundError,
    IncompleteReportError,
    KeysNotInitialisedError,
)
from reporting.extensions import db, limiter
from reporting.public.forms import ConfirmForm
from reporting.reports import questions, services
from reporting.reports.models import Channel
from reporting.security import public

log = logging.getLogger(__name__)
bp = Blueprint("public", __name__)

DRAFT = "draft"


def _journey_limit() -> str:
    return str(current_app.config["RATELIMIT_JOURNEY"])


def _submit_limit() -> str:
    return str(current_app.config["RATELIMIT_SUBMIT"])


def _open_draft() -> services.DraftState | None:
    ref = session.get(DRAFT)
    if not isinstance(ref, dict):
        return None
    try:
        key = base64.urlsafe_b64decode(str(ref.get("key", "")))
        return services.open_draft(str(ref.get("id", "")), key, now=utcnow())
    except (DraftNotFoundError, ValueError):
        session.pop(DRAFT, None)
        return None


def _idle() -> int:
    return int(current_app.config["DRAFT_IDLE_MINUTES"])


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    return render_template("public/index.html")


@bp.route("/report/", methods=["GET", "POST"])
@public
@limiter.limit(_journey_limit, methods=["POST"])
def start_report() -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        draft_id, key = services.start_draft(now=utcnow(), idle_minutes=_idle())
        db.session.commit()
        session[DRAFT] = {"id": draft_id, "key": base64.urlsafe_b64encode(key).decode()}
        return redirect(url_for(".report_step", name=questions.STEPS[0].name))
    return render_template("public/start.html", form=form, idle_minutes=_idle())


def _expired() -> ResponseReturnValue:
    return render_template("public/expired.html", idle_minutes=_idle()), 200


@bp.route("/report/<name>", methods=["GET", "POST"])
@public
@limiter.limit(_journey_limit, methods=["POST"])
def report_step(name: str) -> ResponseReturnValue:
    step = questions.STEP_BY_NAME.get(name)
    if step is None:
        abort(404)
    state = _open_draft()
    if state is None:
        return _expired()
    if state.draft.receipt is not None:
        return redirect(url_for(".report_sent"))
    if not step.applies(state.answers):
        following = questions.step_after(step.name, state.answers)
        return redirect(url_for(".report_step", name=following.name) if following else url_for(".check_answers"))
    changing = request.args.get("change") == "1"
    if request.method == "POST":
        form = step.form()
        if form.validate():
            services.save_step(state, step.name, form.answers(), now=utcnow(), idle_minutes=_idle())
            db.session.commit()
            return redirect(_after_step(step, state, changing))
    else:
        form = step.form(data=questions.step_answers(step, state.answers))
    previous = questions.step_before(step.name, state.answers)
    back = url_for(".check_answers") if changing else (
        url_for(".report_step", name=previous.name) if previous else url_for(".start_report")
    )
    return render_template("public/step.html", step=step, form=form, back=back, changing=changing)


def _after_step(step: questions.Step, state: services.DraftState, changing: bool) -> str:
    if changing:
        missing = questions.first_unanswered(state.answers, state.visited)
        return url_for(".report_step", name=missing.name, change=1) if missing else url_for(".check_answers")
    following = questions.step_after(step.name, state.answers)
    return url_for(".report_step", name=following.name) if following else url_for(".check_answers")


@bp.route("/report/check", methods=["GET", "POST"])
@public
@limiter.limit(_submit_limit, methods=["POST"])
def check_answers() -> ResponseReturnValue:
    state = _open_draft()
    if state is None:
        return _expired()
    if state.draft.receipt is not None:
        return redirect(url_for(".report_sent"))
    missing = questions.first_unanswered(state.answers, state.visited)
    if missing is not None:
        return redirect(url_for(".report_step", name=missing.name))
    form = ConfirmForm()
    not_sent = False
    if form.validate_on_submit():
        try:
            services.submit_report(
                state,
                channel=Channel.ONLINE,
                now=utcnow(),
                receipt_kdf=crypto.KdfParams.decode(current_app.config["RECEIPT_KDF"]),
                retention_years=int(current_app.config["RETENTION_YEARS"]),
                sent_minutes=int(current_app.config["SENT_DRAFT_MINUTES"]),
            )
            db.session.commit()
            return redirect(url_for(".report_sent"))
        except (AlreadySentError, IntegrityError):
            # A second click raced the first: one report, the same confirmation.
            db.session.rollback()
            return redirect(url_for(".report_sent"))
        except IncompleteReportError as error:
            db.session.rollback()
            return redirect(url_for(".report_step", name=error.step))
        except (SQLAlchemyError, KeysNotInitialisedError) as error:
            db.session.rollback()
            log.error("report not sent: %s", type(error).__name__)
            not_sent = True
    status = 503 if not_sent else 200
    return render_template(
        "public/check.html", form=form, sections=questions.summary(state.answers), not_sent=not_sent
    ), status


@bp.get("/report/sent")
@public
def report_sent() -> ResponseReturnValue:
    state = _open_draft()
    if state is None or state.draft.receipt is None:
        return redirect(url_for(".start_report"))
    reference, receipt = services.sent_receipt(state)
    return render_template("public/sent.html", reference=reference, receipt=receipt, form=ConfirmForm())


@bp.post("/report/finish")
@public
def finish_report() -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        _forget_draft()
        db.session.commit()
    return redirect(url_for(".index"))


def _forget_draft() -> None:
    ref = session.pop(DRAFT, None)
    if isinstance(ref, dict) and ref.get("id"):
        services.discard_draft(str(ref["id"]))


@bp.get("/exit")
@public
def exit_page() -> ResponseReturnValue:
    """Leave quickly: forget everything in this browser's session, then go elsewhere."""
    try:
        _forget_draft()
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
    session.clear()
    response = redirect(current_app.config["EXIT_URL"])
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/privacy")
@public
def privacy() -> ResponseReturnValue:
    return render_template("public/privacy.html")


@bp.get("/accessibility")
@public
def accessibility() -> ResponseReturnValue:
    return render_template("public/accessibility.html")


@bp.get("/staying-safe-online")
@public
def safety() -> ResponseReturnValue:
    return render_template("public/safety.html")


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return Response("database unavailable\n", status=503, mimetype="text/plain")
    return Response("ok\n", mimetype="text/plain")
