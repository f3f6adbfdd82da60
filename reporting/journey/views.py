"""The report journey's views, shared by every way of taking a report.

The public journey, a reviewer's phone entry and assisted reporting at a centre
walk the same questions with the same code; each passes a ``JourneyConfig``
naming its endpoints, channel and layout. This module is view code: it reads the
session and request, calls one service, commits, and turns errors into responses.

The required questions come in turn; the optional ones are reached from one page,
"Would you like to tell us more?" (``questions.MORE``), which the last required
question offers beside going straight to checking.

Nothing is lost at the moment of sending (docs/design.md promise 3):
- once a report is committed, the session cookie remembers its reference, so while
  the database is unreachable the journey's pages say it was received, never "not
  sent" (``_received``); the receipt code is shown when it can be read, and again on a
  reload for a short while (``sent``: the page carrying it may have been cut off);
- the check page carries a copy of what it shows, sealed under the draft key, so a
  send that meets an unreachable database shows the answers again with "Try sending
  again" (``_check_from_copy``), saying it could not be confirmed: an earlier press
  whose answer was lost may have sent it, and only the database knows;
- drafts have a version counter: a save made from a stale copy (the report was sent,
  or changed, from another tab) is applied again to the fresh draft, or refused with
  a page saying it was not added (``_change_draft``); a send from a stale copy goes
  back to the check page.
"""
from __future__ import annotations

import base64
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from reporting.db import utcnow
from reporting.evidence import services as evidence_services
from reporting.evidence.files import MAX_FILES_PER_REPORT
from reporting.evidence.forms import UploadForm, refusal_message
from reporting.exceptions import (
    AlreadySentError,
    ReceiptWordSetError,
    DraftChangedError,
    DraftNotFoundError,
    EvidenceRefusedError,
    IncompleteReportError,
    KeysNotInitialisedError,
)
from reporting.extensions import db
from reporting.i18n import current_language
from reporting.journey import navigation
from reporting.journey import services as journey_services
from reporting.reports import questions, services
from reporting.reports.models import Channel
from reporting.settings import current_settings
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l

log = logging.getLogger(__name__)
# Marked as visited once a file is attached (it keeps the draft alive like any step).
FILES_STEP = "files"
# The button on the last required question that opens "tell us more".
MORE_BUTTON = "more"
# The check page's form field holding the sealed copy of what the page shows.
COPY_FIELD = "answers_copy"
# Why the check page says a report did not go: a failure before the commit (it did not),
# or at the commit itself (it may have: "Try sending again" then shows its confirmation).
NOT_SENT = "not_sent"
UNCONFIRMED = "unconfirmed"
# How often a change is applied again to a draft another request changed meanwhile.
CHANGE_ATTEMPTS = 3
T = TypeVar("T")


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


def _ref(config: JourneyConfig) -> dict[str, Any] | None:
    """This browser's draft: its id and key (and, once sent, its reference)."""
    ref = session.get(config.session_key)
    return ref if isinstance(ref, dict) else None


def open_draft(config: JourneyConfig, *, to_send: bool = False) -> services.DraftState | None:
    """This browser's draft, opened; ``to_send``: with the group key a send seals to."""
    ref = _ref(config)
    if ref is None:
        return None
    try:
        key = base64.urlsafe_b64decode(str(ref.get("key", "")))
        return services.open_draft(str(ref.get("id", "")), key, now=utcnow(), to_send=to_send)
    except (DraftNotFoundError, ValueError):
        session.pop(config.session_key, None)
        return None


def _mark_sent(config: JourneyConfig, reference: str, *, shown: bool) -> None:
    """Remember in the cookie that this browser's draft became ``reference`` (a clear
    field, never content), and whether its receipt code has been shown."""
    ref = _ref(config)
    if ref is not None and (ref.get("sent"), ref.get("shown")) != (reference, shown):
        session[config.session_key] = ref | {"sent": reference, "shown": shown}


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError as error:  # the connection is gone: nothing to undo
        log.error("rollback failed: %s", type(error).__name__)


def _received(config: JourneyConfig) -> ResponseReturnValue | None:
    """The page for a browser whose report was committed, read from the cookie alone."""
    ref = _ref(config)
    reference = ref.get("sent") if ref else None
    if ref is None or not isinstance(reference, str):
        return None
    log.error("database unavailable after a report was sent: showing it as received")
    return render_template(
        "public/received.html", reference=reference, shown=bool(ref.get("shown")),
        sent_url=url_for(config.sent), layout=config.layout,
    )


def _database_failure(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """A journey view whose database fails says "received" if this browser sent its
    report; otherwise the error goes on to the app's page (it was not sent)."""

    @functools.wraps(view)
    def wrapper(config: JourneyConfig, *args: Any, **kwargs: Any) -> ResponseReturnValue:
        try:
            return view(config, *args, **kwargs)
        except SQLAlchemyError:
            _rollback()
            page = _received(config)
            if page is None:
                raise
            # A change posted after the send (an older page, another tab) was not added.
            return _not_added(config) if request.method == "POST" else page

    return wrapper


def _change_draft(
    config: JourneyConfig, state: services.DraftState, change: Callable[[services.DraftState], T]
) -> tuple[services.DraftState, T]:
    """Make ``change`` to the draft (it flushes). If another request changed the draft
    since it was read, read it again and make the change to the fresh copy.

    Raises AlreadySentError if the draft was sent meanwhile (nothing was written),
    DraftNotFoundError if it is gone.
    """
    for _attempt in range(CHANGE_ATTEMPTS):
        try:
            return state, change(state)
        except DraftChangedError:
            db.session.rollback()
            fresh = open_draft(config)
            if fresh is None:
                raise DraftNotFoundError(state.draft.id) from None
            state = fresh
    raise DraftChangedError(state.draft.id)


def _after_sending(config: JourneyConfig) -> ResponseReturnValue:
    """A journey page asked for after the report was sent: a look goes to the
    confirmation; a change (a form posted from an older page or another tab) is refused."""
    if request.method == "POST":
        return _not_added(config)
    return redirect(url_for(config.sent))


def _not_added(config: JourneyConfig) -> ResponseReturnValue:
    """A change that arrived after the report was sent: refused, and said so."""
    return render_template(
        "public/not_added.html", sent_url=url_for(config.sent), layout=config.layout,
    ), 409


def _word_already_set(config: JourneyConfig) -> ResponseReturnValue:
    """The person chose their word already: it is set once, by them, and never replaced
    (a second word posted from the centre's side would open the slip's code for whoever chose it)."""
    status = 409 if request.method == "POST" else 200
    return render_template("public/word_set.html", check_url=url_for(config.check), layout=config.layout,
                           caption=_caption(config)), status


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


@_database_failure
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
        return _after_sending(config)
    if not current.applies(state.answers):
        return redirect(_url(config, navigation.instead_of(current, state.answers, config.questions)))
    if current.secret and questions.receipt_word(state.answers, config.questions):
        return _word_already_set(config)
    changing = request.args.get("change") == "1"
    someone_else = questions.about_someone_else(state.answers)
    if request.method == "POST":
        form = current.form(about_someone_else=someone_else)
        if form.validate():
            answers = form.answers()
            try:
                state, _saved = _change_draft(config, state, lambda draft: services.save_step(
                    draft, current.name, answers, now=utcnow(), idle_minutes=_idle()))
            except AlreadySentError:
                db.session.rollback()
                return _not_added(config)
            except ReceiptWordSetError:
                db.session.rollback()
                return _word_already_set(config)
            except DraftNotFoundError:
                db.session.rollback()
                return _expired(config)
            except DraftChangedError:
                db.session.rollback()
                abort(409)
            db.session.commit()
            return redirect(_after_step(config, current, state, changing))
    else:
        form = current.form(data=questions.step_answers(current, state.answers), about_someone_else=someone_else)
    return render_template(
        "public/step.html", step=current, form=form, changing=changing,
        back=_url(config, navigation.back(current, state.answers, config.questions, changing=changing)),
        title=current.title_for(state.answers), hint=current.hint_for(state.answers),
        offer_more=navigation.offers_more(current, state.answers, config.questions, changing=changing),
        layout=config.layout, caption=_caption(config),
    )


def _after_step(config: JourneyConfig, current: questions.Step, state: services.DraftState, changing: bool) -> str:
    return _url(config, navigation.after_saving(
        current, state.answers, state.visited, config.questions, changing=changing,
        files_page=config.files is not None, chose_more=request.form.get("next") == MORE_BUTTON,
    ))


def _url(config: JourneyConfig, place: navigation.Place) -> str:
    """The address of a journey page in this journey."""
    if place.kind == "step":
        return url_for(config.step, name=place.name, **({"change": 1} if place.change else {}))
    if place.kind == "more":
        return _more_url(config)
    if place.kind == "files":
        assert config.files is not None
        return url_for(config.files)
    return url_for(config.check if place.kind == "check" else config.start)


@_database_failure
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
    return render_template(
        "public/more.html", offered=offered, visited=state.visited, answers=state.answers,
        files=evidence_services.list_draft_files(state) if config.files else None,
        step_endpoint=config.step, check_url=url_for(config.check),
        back=_url(config, navigation.back_from_more(state.answers, config.questions)),
        layout=config.layout, caption=_caption(config), picture=questions.MORE_PICTURE,
    )


def check(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    try:
        return _check(config, form)
    except SQLAlchemyError:
        # The draft could not even be read: a sent report is said to be received;
        # a send shows the answers again from the page's own copy.
        _rollback()
        page = _received(config) or _check_from_copy(config, form)
        if page is not None:
            return page
        if request.method == "POST" and form.validate_on_submit():
            # A send with no usable copy of the page: as unknown as above, so never "not sent".
            log.error("report not confirmed: database unavailable")
            return render_template("errors/503.html", unconfirmed=True), 503
        raise


def _check(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    state = open_draft(config, to_send=request.method == "POST")
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return redirect(url_for(config.sent))
    if request.method == "GET":
        # On a POST, submit_report checks the same and names the missing step.
        missing = questions.first_unanswered(state.answers, state.visited, config.questions)
        if missing is not None:
            return redirect(url_for(config.step, name=missing.name))
    if not form.validate_on_submit():
        return _check_page_of_draft(config, form, state, None)
    # The cards are not built before sending: a send that works shows no page. One
    # that fails shows the page the reporter pressed send on again (_failed_send).
    draft_id = state.draft.id
    # Sealed with the answers (with the area it could narrow who reported): the Group sees it.
    state.meta["language"] = current_language().code
    try:
        report, _receipt = journey_services.submit_draft(
            state,
            journey_channel=config.channel,
            steps=config.questions,
            now=utcnow(),
            settings=journey_services.SubmitSettings.from_settings(current_settings()),
            after_submit=config.after_submit,
        )
        reference = report.reference
    except (AlreadySentError, IntegrityError):
        # A second click raced the first: one report, the same confirmation.
        db.session.rollback()
        return redirect(url_for(config.sent))
    except DraftChangedError:
        # Another tab changed (or sent) the draft after this page read it: send
        # nothing from the old copy; the check page shows the answers as they are now.
        db.session.rollback()
        flash(_("Your answers were changed in another tab or window while you were sending. "
                "Check them, then send your report."), "notice")
        return redirect(url_for(config.check))
    except IncompleteReportError as error:
        db.session.rollback()
        return redirect(url_for(config.step, name=error.step))
    except (SQLAlchemyError, KeysNotInitialisedError) as error:
        _rollback()
        log.error("report not sent: %s", type(error).__name__)
        failure = NOT_SENT
    else:
        try:
            db.session.commit()
        except SQLAlchemyError as error:
            # The commit may have happened: say so, never "not sent". Trying again
            # shows the confirmation if it did (the draft then has its receipt).
            _rollback()
            log.error("report not confirmed: %s", type(error).__name__)
            failure = UNCONFIRMED
        else:
            _mark_sent(config, reference, shown=False)
            return redirect(url_for(config.sent))
    return _failed_send(config, form, state, draft_id, failure)


def _check_page_of_draft(
    config: JourneyConfig, form: Any, state: services.DraftState, failure: str | None
) -> ResponseReturnValue:
    """The check page built from the draft: its cards, file names and their sealed copy."""
    cards = questions.check_cards(state.answers, config.questions)
    file_names = [item.name for item in evidence_services.list_draft_files(state)] if config.files else None
    copy = services.check_page_copy(state, journey_services.page_copy(cards, file_names))
    return _check_page(config, form, cards, file_names, copy, failure)


def _failed_send(
    config: JourneyConfig, form: Any, state: services.DraftState, draft_id: str, failure: str
) -> ResponseReturnValue:
    """The check page again after a send that failed, with "Try sending again".

    First from the copy the page posted (what the reporter saw, sealed under the draft
    key: no database needed, which is what just failed); else built from the draft
    read at the start of this request, if the database answers; else the error goes on
    to ``check`` (the "received" or "unavailable" page).
    """
    page = _page_from_copy(config, draft_id)
    if page is not None:
        cards, file_names, copy = page
        return _check_page(config, form, cards, file_names, copy, failure)
    return _check_page_of_draft(config, form, state, failure)


def _check_page(
    config: JourneyConfig, form: Any, cards: list[questions.Card], file_names: list[str] | None,
    copy: str, failure: str | None,
) -> ResponseReturnValue:
    return render_template(
        "public/check.html", form=form, cards=cards, failure=failure, copy=copy, copy_field=COPY_FIELD,
        layout=config.layout, step_endpoint=config.step, more_url=_more_url(config),
        files=file_names, files_url=url_for(config.files) if config.files else None,
        picture=questions.CHECK_PICTURE,
    ), (503 if failure else 200)


def _page_from_copy(
    config: JourneyConfig, draft_id: str | None = None
) -> tuple[list[questions.Card], list[str] | None, str] | None:
    """The cards, file names and copy of the check page's sealed copy in the posted form;
    None if there is none, or it is not this browser's draft's (``draft_id``, if given)."""
    ref = _ref(config)
    if request.method != "POST" or ref is None:
        return None
    if draft_id is not None and str(ref.get("id", "")) != draft_id:
        return None
    copy = request.form.get(COPY_FIELD, "")
    if not copy:
        return None
    try:
        key = base64.urlsafe_b64decode(str(ref.get("key", "")))
        page = services.open_check_page_copy(str(ref.get("id", "")), key, copy)
        cards = journey_services.cards_from_copy(page)
    except (DraftNotFoundError, ValueError):
        return None
    files = page.get("files")
    file_names = [str(name) for name in files] if isinstance(files, list) else None
    return cards, file_names, copy


def _check_from_copy(config: JourneyConfig, form: Any) -> ResponseReturnValue | None:
    """A send while the database is unreachable: the check page again from its sealed
    copy in the form, with "Try sending again". None if there is no usable copy."""
    if request.method != "POST" or not form.validate_on_submit():
        return None
    page = _page_from_copy(config)
    if page is None:
        return None
    cards, file_names, copy = page
    # Without the draft there is no knowing whether an earlier press of this button, whose
    # answer never arrived, sent the report: the page says it could not be confirmed (never
    # "not sent"), and pressing again once the database is back shows its confirmation.
    log.error("report not confirmed: database unavailable")
    return _check_page(config, form, cards, file_names, copy, UNCONFIRMED)


def _files_page(config: JourneyConfig, state: services.DraftState, form: Any) -> ResponseReturnValue:
    assert config.files is not None
    # "Back to check your answers" only while the check page can be shown; while a question
    # must still be answered before checking, the way on is back to "tell us more".
    check_ready = questions.first_unanswered(state.answers, state.visited, config.questions) is None
    return render_template(
        "public/files.html", form=form, files=evidence_services.list_draft_files(state),
        max_files=MAX_FILES_PER_REPORT, layout=config.layout, caption=_caption(config),
        back=_more_url(config), more_url=_more_url(config), check_url=url_for(config.check),
        check_ready=check_ready, remove_endpoint=config.remove_file, picture=questions.FILES_PICTURE,
    )


@_database_failure
def files(config: JourneyConfig) -> ResponseReturnValue:
    """Attach files before sending: GET shows them, POST takes one more."""
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return _after_sending(config)
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
            return _not_added(config)
        except DraftChangedError:
            # Another tab changed the draft while the file arrived: nothing was kept.
            db.session.rollback()
            fresh = open_draft(config)
            if fresh is None:
                return _expired(config)
            if fresh.draft.receipt is not None:
                return _not_added(config)
            state = fresh
            form.file.errors = [_("Your answers were changed in another tab or window while the file was "
                                  "added, so it was not added. Choose it again.")]
        else:
            db.session.commit()
            flash(_("Your file has been added."), "success")
            return redirect(url_for(config.files))
    return _files_page(config, state, form)


@_database_failure
def remove_file(config: JourneyConfig, file_id: int, form: Any) -> ResponseReturnValue:
    state = open_draft(config)
    if state is None:
        return _expired(config)
    if state.draft.receipt is not None:
        return _after_sending(config)
    if form.validate_on_submit():
        def remove(draft: services.DraftState) -> bool:
            gone = evidence_services.remove_draft_file(draft, file_id)
            # A change to the draft itself, so a send from an older copy is refused.
            services.save_step(draft, FILES_STEP, {}, now=utcnow(), idle_minutes=_idle())
            return gone

        try:
            state, removed = _change_draft(config, state, remove)
        except AlreadySentError:
            db.session.rollback()
            return _not_added(config)
        except DraftNotFoundError:
            db.session.rollback()
            return _expired(config)
        except DraftChangedError:
            db.session.rollback()
            abort(409)
        db.session.commit()
        if removed:
            flash(_("The file has been removed."), "success")
    assert config.files is not None
    return redirect(url_for(config.files))


@_database_failure
def sent(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    """The confirmation: the reference, and the receipt code.

    The code is shown again on a reload for a short while after it was first shown (the
    page carrying it may have been cut off on its way), until the person says they have
    kept it (finish) or leaves (exit); then only the reference. Only this browser can see
    it: the draft's key is in its cookie alone.
    """
    state = open_draft(config)
    if state is None or state.draft.receipt is None:
        return redirect(url_for(config.start))
    kept = services.sent_receipt(state)
    reference, receipt = kept.reference, kept.code
    report_id = state.draft.report_id
    support_wanted = report_id is not None and services.support_wanted(report_id)
    now = utcnow()
    if config.receipt_once:
        forget(config)
        db.session.commit()
    elif receipt is not None and kept.shown_until is None:
        until = now + timedelta(minutes=int(current_app.config["RECEIPT_SHOWN_MINUTES"]))
        try:
            services.show_receipt_code(state, until=until)
            db.session.commit()
        except DraftChangedError:
            db.session.rollback()  # another load of this page showed it at the same moment
        except SQLAlchemyError as error:
            # Read but not written (a read-only replica): the code is shown all the same; its
            # short while starts at a later showing.
            _rollback()
            log.error("receipt code shown without noting it: %s", type(error).__name__)
    elif receipt is not None and kept.shown_until is not None and now >= kept.shown_until:
        try:
            services.forget_receipt_code(state)
        except DraftChangedError:
            db.session.rollback()
        else:
            db.session.commit()
        receipt = None
    # The cookie says "shown" once the code is gone for good (an outage page then says so).
    _mark_sent(config, reference, shown=receipt is None)
    return render_template(
        config.sent_template, reference=reference, receipt=receipt, form=form,
        layout=config.layout, finish_url=url_for(config.finish), channel=config.channel.value,
        support_wanted=support_wanted, shown_minutes=int(current_app.config["RECEIPT_SHOWN_MINUTES"]),
    )


def finish(config: JourneyConfig, form: Any) -> ResponseReturnValue:
    if form.validate_on_submit():
        try:
            forget(config)
            db.session.commit()
        except SQLAlchemyError as error:
            # The cookie has forgotten the draft; the row expires by itself.
            _rollback()
            log.error("draft not discarded: %s", type(error).__name__)
    return redirect(url_for(config.after_finish))
