"""The public trust zone: home, the reporting journey, information pages, exit, health."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from reporting.evidence.uploads import accepts_uploads
from reporting.extensions import db, limiter, rollback_safely
from reporting.centres.queries import active_centre
from reporting.forms import ConfirmForm, StartForm
from reporting.journey import views as journey
from reporting.reports.models import Channel
from reporting.retention.rules import RetentionSettings
from reporting.security import public
from reporting.status.views import forget_receipt

log = logging.getLogger(__name__)
bp = Blueprint("public", __name__)

JOURNEY = journey.JourneyConfig(
    session_key="draft",
    channel=Channel.ONLINE,
    start="public.start_report",
    step="public.report_step",
    check="public.check_answers",
    sent="public.report_sent",
    finish="public.finish_report",
    after_finish="public.index",
    files="public.report_files",
    remove_file="public.remove_report_file",
)


def _journey_limit() -> str:
    return str(current_app.config["RATELIMIT_JOURNEY"])


def _submit_limit() -> str:
    return str(current_app.config["RATELIMIT_SUBMIT"])


def _home(form: StartForm, via: str) -> ResponseReturnValue:
    # A report started from a centre's poster or card records that centre, nothing more.
    centre = active_centre(via)
    return render_template(
        "public/index.html", form=form, idle_minutes=int(current_app.config["DRAFT_IDLE_MINUTES"]),
        via=centre.slug if centre else "",
    )


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    """The home page; its button starts a report (there is no second start page)."""
    return _home(StartForm(), request.args.get("via", ""))


@bp.route("/report/", methods=["GET", "POST"])
@public
@limiter.limit(_journey_limit, methods=["POST"])
def start_report() -> ResponseReturnValue:
    form = StartForm()
    if request.method == "GET":
        # Old links and centre posters (/report/?via=slug) show the one start: the home page.
        return _home(form, request.args.get("via", ""))
    if form.validate_on_submit():
        centre = active_centre(form.via.data or "")
        return journey.begin(JOURNEY, centre_id=centre.id if centre else None)
    return _home(form, form.via.data or "")


@bp.route("/report/<name>", methods=["GET", "POST"])
@public
@limiter.limit(_journey_limit, methods=["POST"])
def report_step(name: str) -> ResponseReturnValue:
    return journey.step(JOURNEY, name)


@bp.route("/report/files", methods=["GET", "POST"])
@public
@accepts_uploads
@limiter.limit(_journey_limit, methods=["POST"])
def report_files() -> ResponseReturnValue:
    return journey.files(JOURNEY)


@bp.post("/report/files/<int:file_id>/remove")
@public
@limiter.limit(_journey_limit)
def remove_report_file(file_id: int) -> ResponseReturnValue:
    return journey.remove_file(JOURNEY, file_id, ConfirmForm())


@bp.route("/report/check", methods=["GET", "POST"])
@public
@limiter.limit(_submit_limit, methods=["POST"])
def check_answers() -> ResponseReturnValue:
    return journey.check(JOURNEY, ConfirmForm())


@bp.get("/report/sent")
@public
def report_sent() -> ResponseReturnValue:
    return journey.sent(JOURNEY, ConfirmForm())


@bp.post("/report/finish")
@public
def finish_report() -> ResponseReturnValue:
    return journey.finish(JOURNEY, ConfirmForm())


@bp.get("/exit")
@public
def exit_page() -> ResponseReturnValue:
    """Leave quickly: forget everything in this browser's session, then go elsewhere."""
    try:
        journey.forget(JOURNEY)
        forget_receipt()
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
    # The retention periods the notice gives are the ones the retention run applies.
    return render_template("public/privacy.html", retention=RetentionSettings.from_config(current_app.config),
                           longstop_years=int(current_app.config["RETENTION_YEARS"]))


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
    """Ready only when the database answers and accepts writes (a replica after a failover does not).

    The write is a no-op update rolled back at once; the answer names the check that failed.
    """
    checks = (
        ("database connection", "SELECT 1"),
        ("database writes", "UPDATE alembic_version SET version_num = version_num"),
    )
    for name, statement in checks:
        try:
            db.session.execute(text(statement))
        except SQLAlchemyError as error:
            rollback_safely()
            log.error("health check failed: %s (%s)", name, type(error).__name__)
            return Response(f"{name}: failed\n", status=503, mimetype="text/plain")
    rollback_safely()
    store = _rate_limit_store_down()
    if store:
        # Still ready: the limits count in each process until the store answers again.
        return Response(f"ok\nrate limit store ({store}): unreachable, counting in each process\n",
                        mimetype="text/plain")
    return Response("ok\n", mimetype="text/plain")


def _rate_limit_store_down() -> str | None:
    """The kind of the shared rate-limit store (``redis``) if it does not answer, else None."""
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limiter.initialized:
        return None
    if limiter.storage.check():  # limits' own check: a ping, within the storage's timeouts
        return None
    scheme = str(current_app.config["RATELIMIT_STORAGE_URI"]).split(":", 1)[0]
    log.warning("health check: rate limit store (%s) unreachable", scheme)
    return scheme
