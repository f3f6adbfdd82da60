"""The report journey's views, shared by every way of taking a report.

The public journey, a reviewer's phone entry and assisted reporting at a centre
walk the same questions with the same code; each passes a ``JourneyConfig``
naming its endpoints, channel and layout. This module is view code: it reads the
session and request, calls one service, commits, and turns errors into responses.

The required questions come in turn; the optional ones are reached from one page,
"Would you like to tell us more?" (``questions.MORE``), which the last required
question offers beside going straight to checking.
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
from reporting.i18n import current_language
from reporting.journey import services as journey_services
from reporting.reports import questions, services
from reporting.reports.models import Channel

log = logging.getLogger(__name__)
# Marked as visited once a file is attached (it keeps the draft alive like any step).
FILES_STEP = "files"
# The button on the last required question that opens "tell us more".
MORE_BUTTON = "more"


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
    # See journey.services.AfterSubmit.
    after_submit: journey_services.AfterSubmit | None = None
    # The page for attaching files (endpoints), if this journey has one.
    files: str | None = None
    remove_file: str | None = None

    @property
    def questions(self) -> tuple[questions.Step, ...]:
        """The steps this journey asks (the files question only where files can be added)."""
        return tuple(step for step in self.steps if self.files or not step.needs_files)


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


def _caption(config: JourneyConfig) -> Any:
    return config.caption or _l("Report a hate incident")


def _more_url(config: JourneyConfig) -> str:
    return url_for(config.step, name=questions.MORE)


def step(config: JourneyConfig, name: str) -> ResponseReturnValue:
    if name == questions.MORE:
        return more(config)
    current = next((candidate for candidate in config.questions if candidate.name == name), None)
    if current is None:
        abort(404)
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    if not current.applies(state.answers):
        if current.optional:
            return redirect(_more_url(config))
        following = questions.step_after(current.name, state.answers, config.questions)
        return redirect(url_for(config.step, name=following.name) if following else url_for(config.check))
    changing = request.args.get("change") == "1"
    someone_else = questions.about_someone_else(state.answers)
    if request.method == "POST":
        form = current.form(about_someone_else=someone_else)
        if form.validate():
            services.save_step(state, current.name, form.answers(), now=utcnow(), idle_minutes=_idle())
            db.session.commit()
            return redirect(_after_step(config, current, state, changing))
    else:
        form = current.form(data=questions.step_answers(current, state.answers), about_someone_else=someone_else)
    if changing:
        back = url_for(config.check)
    elif current.optional:
        back = _more_url(config)
    else:
        previous = questions.step_before(current.name, state.answers, config.questions)
        back = url_for(config.step, name=previous.name) if previous else url_for(config.start)
    following = questions.step_after(current.name, state.answers, config.questions)
    last_required = not current.optional and not current.before_check and (following is None or following.before_check)
    return render_template(
        "public/step.html", step=current, form=form, back=back, changing=changing,
        title=current.title_for(state.answers), hint=current.hint_for(state.answers),
        offer_more=last_required and not changing, layout=config.layout, caption=_caption(config),
    )


def _after_step(config: JourneyConfig, current: questions.Step, state: services.DraftState, changing: bool) -> str:
    if current.needs_files and state.answers.get("has_files") == "yes" and config.files:
        return url_for(config.files)
    if changing:
        missing = questions.first_unanswered(state.answers, state.visited, config.questions)
        return url_for(config.step, name=missing.name, change=1) if missing else url_for(config.check)
    if current.optional or request.form.get("next") == MORE_BUTTON:
        return _more_url(config)
    following = questions.step_after(current.name, state.answers, config.questions)
    return url_for(config.step, name=following.name) if following else url_for(config.check)


def more(config: JourneyConfig) -> ResponseReturnValue:
    """ "Would you like to tell us more?": every optional question, and the way to checking."""
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    missing = questions.first_unanswered(state.answers, state.visited, config.questions)
    if missing is not None and not missing.before_check:
        return redirect(url_for(config.step, name=missing.name))
    offered = questions.optional_steps(state.answers, config.questions)
    last_required = [
        step for step in questions.applicable_steps(state.answers, config.questions)
        if not step.optional and not step.before_check
    ]
    return render_template(
        "public/more.html", offered=offered, visited=state.visited, answers=state.answers,
        files=evidence_services.list_draft_files(state) if config.files else None,
        step_endpoint=config.step, check_url=url_for(config.check),
        back=url_for(config.step, name=last_required[-1].name) if last_required else url_for(config.start),
        layout=config.layout, caption=_caption(config),
    )


def check(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    if request.method == "GET":
        # On a POST, submit_report checks the same and names the missing step.
        missing = questions.first_unanswered(state.answers, state.visited, config.questions)
        if missing is not None:
            return redirect(url_for(config.step, name=missing.name))
    not_sent = False
    if form.validate_on_submit():
        # Sealed with the answers (with the area it could narrow who reported): the Group sees it.
        state.meta["language"] = current_language().code
        try:
            journey_services.submit_draft(
                state,
                journey_channel=config.channel,
                steps=config.questions,
                now=utcnow(),
                settings=journey_services.SubmitSettings.from_config(current_app.config),
                after_submit=config.after_submit,
            )
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
        "public/check.html", form=form, cards=questions.check_cards(state.answers, config.questions),
        not_sent=not_sent, layout=config.layout, step_endpoint=config.step, more_url=_more_url(config),
        files=evidence_services.list_draft_files(state) if config.files else None,
        files_url=url_for(config.files) if config.files else None,
    ), (503 if not_sent else 200)


def _files_page(config: JourneyConfig, state: services.DraftState, form: Any) -> ResponseReturnValue:
    assert config.files is not None
    return render_template(
        "public/files.html", form=form, files=evidence_services.list_draft_files(state),
        max_files=MAX_FILES_PER_REPORT, layout=config.layout, caption=_caption(config),
        back=_more_url(config), more_url=_more_url(config), check_url=url_for(config.check),
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
    report_id = state.draft.report_id
    support_wanted = report_id is not None and services.support_wanted(report_id)
    if config.receipt_once:
        forget(config)
        db.session.commit()
    elif receipt is not None:
        services.forget_receipt_code(state)  # shown once: a reload shows the reference only
        db.session.commit()
    return render_template(
        config.sent_template, reference=reference, receipt=receipt, form=form,
        layout=config.layout, finish_url=url_for(config.finish), channel=config.channel.value,
        support_wanted=support_wanted,
    )


def finish(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    if form.validate_on_submit():
        forget(config)
        db.session.commit()
    return redirect(url_for(config.after_finish))
