"""The report journey's views, shared by every way of taking a report.

The public journey and a reviewer's phone entry (and, later, assisted reporting
at a centre) walk the same questions with the same code; each passes a
``JourneyConfig`` naming its endpoints, channel and layout. This module is view
code: it reads the session and request, calls the report services, commits.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from reporting import crypto
from reporting.db import utcnow
from reporting.evidence import services as evidence_services
from reporting.evidence.files import MAX_FILES_PER_REPORT
from reporting.evidence.forms import UploadForm, refusal_message
from reporting.exceptions import (
    AlreadySentError,
    DraftNotFoundError,
    EvidenceRefusedError,
    IncompleteReportError,
    KeysNotInitialisedError,
)
from reporting.extensions import db
from reporting.reports import questions, services
from reporting.reports.models import Channel

log = logging.getLogger(__name__)
# Marked as visited once a file is attached (it keeps the draft alive like any step).
FILES_STEP = "files"


@dataclass(frozen=True)
class JourneyConfig:
    session_key: str
    channel: Channel
    start: str
    step: str
    check: str
    sent: str
    finish: str
    after_finish: str
    layout: str = "base.html"
    caption: Any = None
    meta: Callable[[], dict[str, Any]] = field(default=lambda: {})
    steps: tuple[questions.Step, ...] = questions.STEPS
    sent_template: str = "public/sent.html"
    # Centre staff see the receipt once: the draft goes as soon as it is shown.
    receipt_once: bool = False
    # Called after the report is sealed, in the same transaction, with the answers
    # of staff-only steps (for example a note to the Group, sealed to the group key).
    after_submit: Callable[[Any, dict[str, Any]], None] | None = None
    # The page for attaching files, reached from the check page (endpoints), if this journey has one.
    files: str | None = None
    remove_file: str | None = None


def _idle() -> int:
    return int(current_app.config["DRAFT_IDLE_MINUTES"])


def open_draft(config: JourneyConfig) -> services.DraftState | None:
    ref = session.get(config.session_key)
    if not isinstance(ref, dict):
        return None
    try:
        key = base64.urlsafe_b64decode(str(ref.get("key", "")))
        return services.open_draft(str(ref.get("id", "")), key, now=utcnow())
    except (DraftNotFoundError, ValueError):
        session.pop(config.session_key, None)
        return None


def begin(config: JourneyConfig, centre_id: int | None = None) -> ResponseReturnValue:
    """Start a new draft for this browser and go to the first question.

    ``centre_id`` names the centre a report comes through (its poster, or its staff).
    """
    forget(config)
    meta = config.meta() | ({"centre_id": centre_id} if centre_id else {})
    draft_id, key = services.start_draft(now=utcnow(), idle_minutes=_idle(), meta=meta)
    db.session.commit()
    session[config.session_key] = {"id": draft_id, "key": base64.urlsafe_b64encode(key).decode()}
    return redirect(url_for(config.step, name=config.steps[0].name))


def forget(config: JourneyConfig) -> None:
    ref = session.pop(config.session_key, None)
    if isinstance(ref, dict) and ref.get("id"):
        services.discard_draft(str(ref["id"]))


def _expired(config: JourneyConfig) -> ResponseReturnValue:
    return render_template(
        "public/expired.html", idle_minutes=_idle(), layout=config.layout, start_url=url_for(config.start)
    )


def step(config: JourneyConfig, name: str) -> ResponseReturnValue:
    current = next((candidate for candidate in config.steps if candidate.name == name), None)
    if current is None:
        abort(404)
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    if not current.applies(state.answers):
        following = questions.step_after(current.name, state.answers, config.steps)
        return redirect(url_for(config.step, name=following.name) if following else url_for(config.check))
    changing = request.args.get("change") == "1"
    if request.method == "POST":
        form = current.form()
        if form.validate():
            services.save_step(state, current.name, form.answers(), now=utcnow(), idle_minutes=_idle())
            db.session.commit()
            return redirect(_after_step(config, current, state, changing))
    else:
        form = current.form(data=questions.step_answers(current, state.answers))
    previous = questions.step_before(current.name, state.answers, config.steps)
    if changing:
        back = url_for(config.check)
    else:
        back = url_for(config.step, name=previous.name) if previous else url_for(config.start)
    return render_template(
        "public/step.html", step=current, form=form, back=back, changing=changing,
        layout=config.layout, caption=config.caption or _l("Report a hate incident"),
    )


def _after_step(config: JourneyConfig, current: questions.Step, state: services.DraftState, changing: bool) -> str:
    if changing:
        missing = questions.first_unanswered(state.answers, state.visited, config.steps)
        return url_for(config.step, name=missing.name, change=1) if missing else url_for(config.check)
    following = questions.step_after(current.name, state.answers, config.steps)
    return url_for(config.step, name=following.name) if following else url_for(config.check)


def check(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    if request.method == "GET":
        # On a POST, submit_report checks the same and names the missing step.
        missing = questions.first_unanswered(state.answers, state.visited, config.steps)
        if missing is not None:
            return redirect(url_for(config.step, name=missing.name))
    not_sent = False
    if form.validate_on_submit():
        try:
            centre_id = state.meta.get("centre_id")
            channel = config.channel
            if channel == Channel.ONLINE and centre_id:
                channel = Channel.CENTRE_LINK
            staff_only = {
                key: value
                for candidate in config.steps
                if candidate.staff_only
                for key, value in questions.step_answers(candidate, state.answers).items()
            }
            report, _receipt = services.submit_report(
                state,
                steps=config.steps,
                channel=channel,
                centre_id=centre_id,
                now=utcnow(),
                receipt_kdf=crypto.KdfParams.decode(current_app.config["RECEIPT_KDF"]),
                retention_years=int(current_app.config["RETENTION_YEARS"]),
                sent_minutes=int(current_app.config["SENT_DRAFT_MINUTES"]),
            )
            # The draft's files become the report's evidence in the same transaction.
            evidence_services.move_draft_files(state, report)
            if config.after_submit is not None:
                config.after_submit(report, staff_only)
            db.session.commit()
            return redirect(url_for(config.sent))
        except (AlreadySentError, IntegrityError):
            # A second click raced the first: one report, the same confirmation.
            db.session.rollback()
            return redirect(url_for(config.sent))
        except IncompleteReportError as error:
            db.session.rollback()
            return redirect(url_for(config.step, name=error.step))
        except (SQLAlchemyError, KeysNotInitialisedError) as error:
            db.session.rollback()
            log.error("report not sent: %s", type(error).__name__)
            not_sent = True
    return render_template(
        "public/check.html", form=form, sections=questions.summary(state.answers, config.steps), not_sent=not_sent,
        layout=config.layout, step_endpoint=config.step,
        files=evidence_services.list_draft_files(state) if config.files else None,
        files_url=url_for(config.files) if config.files else None,
    ), (503 if not_sent else 200)


def _files_page(config: JourneyConfig, state: services.DraftState, form: Any) -> ResponseReturnValue:
    assert config.files is not None
    return render_template(
        "public/files.html", form=form, files=evidence_services.list_draft_files(state),
        max_files=MAX_FILES_PER_REPORT, layout=config.layout, caption=config.caption or _l("Report a hate incident"),
        back=url_for(config.check), check_url=url_for(config.check),
        remove_endpoint=config.remove_file,
    )


def files(config: JourneyConfig) -> ResponseReturnValue:
    """Attach files before sending: GET shows them, POST takes one more."""
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    form = UploadForm(prefix="evidence")
    if request.method == "POST" and form.validate():
        try:
            evidence_services.add_draft_file(state, form.upload(), form.file_name())
            services.save_step(state, FILES_STEP, {}, now=utcnow(), idle_minutes=_idle())
        except EvidenceRefusedError as error:
            db.session.rollback()
            form.file.errors = [refusal_message(error.reason)]
        except AlreadySentError:
            db.session.rollback()
            return redirect(url_for(config.sent))
        else:
            db.session.commit()
            flash(_("Your file has been added."), "success")
            return redirect(url_for(config.files))
    return _files_page(config, state, form)


def remove_file(config: JourneyConfig, file_id: int, form: Any) -> ResponseReturnValue:
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    if form.validate_on_submit():
        try:
            removed = evidence_services.remove_draft_file(state, file_id)
        except AlreadySentError:
            db.session.rollback()
            return redirect(url_for(config.sent))
        db.session.commit()
        if removed:
            flash(_("The file has been removed."), "success")
    assert config.files is not None
    return redirect(url_for(config.files))


def sent(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    state = open_draft(config)
    if state is None or state.draft.receipt is None:
        return redirect(url_for(config.start))
    reference, receipt = services.sent_receipt(state)
    if config.receipt_once:
        forget(config)
        db.session.commit()
    elif receipt is not None:
        services.forget_receipt_code(state)  # shown once: a reload shows the reference only
        db.session.commit()
    return render_template(
        config.sent_template, reference=reference, receipt=receipt, form=form,
        layout=config.layout, finish_url=url_for(config.finish), channel=config.channel.value,
    )


def finish(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    if form.validate_on_submit():
        forget(config)
        db.session.commit()
    return redirect(url_for(config.after_finish))
