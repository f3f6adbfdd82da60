"""The Group's queue and case pages, and phone entry: "/review/" (reviewers only)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from reporting import cache as kept
from reporting import casefile, i18n
from reporting.auth.models import User
from reporting.cases import forms, policies, queries, services
from reporting.cases.models import LinkKind
from reporting.evidence import services as evidence_services
from reporting.exceptions import InvalidTransitionError, NotAKeyHolderError, PermissionDeniedError
from reporting.db import utcnow
from reporting.extensions import db
from reporting.forms import ConfirmForm, fields_html
from reporting.labels import waited, when
from reporting.journey import views as journey
from reporting.keys.staff import staff_keyring as _keyring
from reporting.reports import questions
from reporting.reports.models import Channel, ClosureReason, Priority, Report, Status
from reporting.security import roles
from reporting.settings import current_settings
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l

bp = Blueprint("cases", __name__, url_prefix="/review")
reviewer = roles(policies.REVIEWER)

PHONE = journey.JourneyConfig(
    session_key="phone_draft",
    channel=Channel.PHONE,
    start="cases.new_phone_report",
    step="cases.phone_step",
    check="cases.phone_check",
    sent="cases.phone_sent",
    finish="cases.phone_finish",
    after_finish="cases.show_queue",
    layout="staff/base.html",
    caption=_l("Report taken by phone"),
    meta=lambda: {"entered_by": current_user.id},
    # The caller's word last: the code read out to them opens nothing without it.
    steps=questions.PHONE_STEPS,
)


@bp.get("/")
@reviewer
def show_queue() -> ResponseReturnValue:
    value, filter_form = _filters()
    filters = queries.QueueFilters(
        status=value["status"] or None,
        strand=value["strand"] or None,
        incident_type=value["incident_type"] or None,
        area=value["area"] or None,
        channel=value["channel"] or None,
        centre_id=int(value["centre"]) if value["centre"] else None,
        assigned=value["assigned"] or None,
        priority=value["priority"] or None,
        next_meeting=value["next_meeting"] == "yes",
        hold=value["hold"] or None,
        received_from=value["received_from"],
        received_to=value["received_to"],
        sort=value["sort"] or "newest",
        page=_page_number(),
    )
    now = utcnow()
    settings = current_settings()
    page = queries.review_queue(filters, viewer_id=current_user.id, now=now, settings=settings)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    # One address built, the query strings added to it: url_for for each status cost more.
    here = url_for(".show_queue")
    status_links = {status: f"{here}?{urlencode(args | {'status': status}, safe=_QUERY_SAFE)}"
                    for status in page.status_counts}
    return render_template(
        "cases/queue.html", page=page, args=args, labels=_labels(), status_links=status_links,
        filter_form=filter_form, lines=_lines_html(_queue_lines(page, now, settings.review_working_days, settings)),
    )


# What a query string leaves as it is (the WHATWG URL standard's set, as Werkzeug's url_for).
_QUERY_SAFE = "!$'()*,/:;?@"


def _page_number() -> int:
    """The page asked for (the first given); anything but a whole number from 1 to 100,000 is the first page."""
    raw = next((value for value in request.args.getlist("page") if value), "")
    try:
        number = int(raw)
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


def _filters() -> tuple[Mapping[str, Any], Markup]:
    """The filters the query string asks for (a value that does not validate is ignored, so a
    hand-edited URL still shows a queue) and the filter form showing them, as HTML.

    Kept by reporting.cache per language, address root and query string, with the version of
    what the options show: the answer lists' version, which a change to the centres moves too
    (triggers, migration 0042). Building the form and rendering its eleven lists of options
    cost a fifth of a queue page, and most pages ask for the same filters. Clear fields only,
    and no token (a GET form)."""
    given = tuple((k, v) for k, v in request.args.items(multi=True) if v and k != "page")
    key = ("queue filters", i18n.current_language().code, request.script_root, given)
    version = questions.lists_version()
    found: tuple[Mapping[str, Any], Markup] | None = kept.get(key, version)
    if found is None:
        form = forms.QueueFilterForm(formdata=MultiDict(given))
        form.validate()
        value = MappingProxyType({f.name: (_frozen(f.data) if not f.errors else None) for f in form})
        # nosec B704 below - HTML rendered by an autoescaping template
        found = (value, Markup(render_template("cases/_queue_filters.html", form=form)))  # nosec B704
        kept.keep(key, version, found)
    return found


def _frozen(data: Any) -> Any:
    """A filter's value as it can be shared by requests (a list of choices as a tuple)."""
    return tuple(data) if isinstance(data, list) else data


class QueueLine(NamedTuple):
    """One line of the queue, in words: made in Python, where a lookup costs a fraction of
    what it costs in a template (fifty lines a page, each some twenty words). The template
    (cases/queue.html) unpacks the fields in this order."""

    reference: str
    href: str
    tags: tuple[tuple[str, str], ...]  # (words, colour) of the warnings beside the reference
    received: str
    waiting: str | None  # how long it has waited, for cases not yet resolved or closed
    status: str
    status_words: str
    priority_words: str
    what: str
    assigned: str


def _queue_lines(page: queries.QueuePage, now: datetime, review_working_days: int,
                 settings: Any) -> list[QueueLine]:
    labels = _labels()
    # The features' warnings (a referral the police have not acknowledged...), read with the lines.
    tagged = [(tag.name, (str(tag.words), tag.colour)) for tag in casefile.registry().queue_tags()]
    review_due = queries.not_reviewed_since(now, review_working_days)
    no_one = _("No one")
    waiting_words = _("Waiting %(time)s")  # the words, formatted for each line below
    locale = i18n.locale_code()
    not_reviewed, new_information = _("Not reviewed"), _("New information")
    # References are of the alphabet HC-, digits and capitals: safe in a path as they are.
    case_path = url_for(".show_case", reference="_")[:-1]
    days: dict[Any, str] = {}  # the page's days and spans in words, each written once
    spans: dict[tuple[int, int], str] = {}
    lines = []
    for row in page.rows:
        tags = []
        if row.status == Status.NEW and row.received_at < review_due:
            tags.append((not_reviewed, "red"))
        if row.new_information:
            tags.append((new_information, "yellow"))
        tags += [tag for name, tag in tagged if name in row.tags]
        waiting = None
        if row.status not in (Status.RESOLVED, Status.CLOSED):
            waiting = waiting_words % {"time": waited(row.received_at, now, spans)}
        what = ", ".join(labels["incident_type"].get(code, code) for code in row.incident_type_codes)
        if row.strand_codes:
            what += " (" + ", ".join(labels["strand"].get(code, code) for code in row.strand_codes) + ")"
        what += f"; {labels['area'].get(row.area, row.area)}; {labels['channel'][row.channel]}"
        lines.append(QueueLine(
            reference=row.reference,
            href=case_path + row.reference,
            tags=tuple(tags),
            received=when(row.received_at, locale, days),
            waiting=waiting,
            status=row.status,
            status_words=labels["status"][row.status],
            priority_words=labels["priority"][row.priority],
            what=what,
            assigned=page.assignees.get(row.assignee_id, no_one) if row.assignee_id else no_one,
        ))
    return lines


def _lines_html(lines: list[QueueLine]) -> Markup:
    """The queue's lines as table rows."""
    # The words every line repeats as its cells' labels (on a small screen each cell is a card).
    headers = (_("Received"), _("Status"), _("Priority"), _("What and where"), _("Assigned"))
    template = current_app.jinja_env.get_template("cases/_queue_line.html")
    # One render for the fifty lines: a render's own cost is as much as a line's.
    # nosec B704 below - rows rendered by an autoescaping template
    return Markup(template.render(lines=lines, headers=headers))  # nosec B704


def _labels() -> Mapping[str, Mapping[str, str]]:
    """Every code the queue and case pages show, as words in the page's language: words, not
    lazy strings, as a queue page looks a label up hundreds of times.

    Kept by reporting.cache per language with the answer lists' version (an edit to a list
    moves it): turning some eighty lazy strings into words cost a millisecond a page."""
    key = ("case labels", i18n.current_language().code)
    version = questions.lists_version()
    found: Mapping[str, Mapping[str, str]] | None = kept.get(key, version)
    if found is None:
        found = _labels_now()
        kept.keep(key, version, found)
    return found


def _labels_now() -> Mapping[str, Mapping[str, str]]:
    tables: dict[str, Any] = {
        "status": forms.STATUS_LABELS,
        "priority": forms.PRIORITY_LABELS,
        "channel": forms.CHANNEL_LABELS,
        "closure": forms.CLOSURE_LABELS,
        "flags": forms.FLAG_LABELS,
        **{name: questions.choice_options(name) for name in forms.LISTS},
    }
    return MappingProxyType({
        name: MappingProxyType({str(code): str(words)
                                for code, words in (table.items() if isinstance(table, dict) else table)})
        for name, table in tables.items()
    })


def _case(reference: str) -> Report:
    report: Report = db.first_or_404(queries.by_reference(reference))
    return report


def _manual_statuses(report: Report) -> list[str]:
    """Where the status form may move a case; "referred" comes only from sending a referral."""
    return [s.value for s in policies.allowed_next(report.status) if s != Status.REFERRED]



def case_page(report: Report, status: int = 200, held: casefile.Holdings | None = None,
              **forms_given: Any) -> ResponseReturnValue:
    """The case page, with the panels the features registered (reporting/casefile.py);
    ``forms_given`` holds a posted form (``status_form=...``) shown with its answers and errors.
    ``held``: what the case holds, read with it (else read here: a form may have changed it)."""
    keyring = _keyring()
    viewer = current_user._get_current_object()
    held = held if held is not None else queries.holdings_of(report)
    case = services.open_case_file(report, actor=viewer, keyring=keyring, held=held)
    panels = casefile.registry().panels(report, viewer, case.keys, held)
    timeline = services.with_panel_entries(case.timeline, panels)
    people = dict(case.reviewers)
    for panel in panels:
        people |= panel.people
    allowed = tuple(_manual_statuses(report))
    fields = _fresh_fields(allowed, case.reviewers, str(report.assignee_id) if report.assignee_id else "none",
                           report.priority)
    if case.readable:
        # Risk flags are sealed: their form is shown only to a key holder.
        fields["flags"] = _flags_fields(case.flags)
    given = {name.removesuffix("_form"): form for name, form in forms_given.items()}
    for name, form in given.items():
        fields[name] = MappingProxyType(fields_html(form))
    page = render_template(
        "cases/case.html", case=case, report=report, panels=panels, timeline=timeline, people=people,
        fields=fields, may_move=bool(allowed), given=list(given.values()),
        with_errors={name for name, form in given.items() if form.errors}, labels=_labels(), now=utcnow(),
    )
    # The decryption's audit entry is committed before the page leaves (if that fails, nothing
    # is shown), but after rendering: a commit expires every loaded row, and the template
    # would load the report, its linked and possible duplicate cases again one by one.
    db.session.commit()
    return page, status


def _fresh_fields(allowed: tuple[str, ...], people: Iterable[tuple[str, str]], assignee: str,
                  priority: str) -> dict[str, Mapping[str, Markup]]:
    """The case page's forms as first shown, as HTML. Nothing in them is the reader's own: the
    token is added by the page.

    Kept by reporting.cache per language and what they show of the case (the statuses it may
    move to, its assignee and priority), with the reviewers as they are now as the version (a
    new or retired reviewer is a new version): building the forms and rendering their fields
    cost a quarter of the page. Clear columns only; the sealed risk flags are ticked per page
    (``_flags_fields``)."""
    key = ("case forms", i18n.current_language().code, allowed, assignee, priority)
    version = tuple(people)
    found: Mapping[str, Mapping[str, Markup]] | None = kept.get(key, version)
    if found is None:
        found = MappingProxyType(_fields_now(allowed, version, assignee, priority))
        kept.keep(key, version, found)
    return dict(found)


# What the empty risk flags form shows is its words in the page's language: no row changes it.
FLAGS_FORM_VERSION = 1


def _flags_fields(chosen: list[str]) -> Mapping[str, Markup]:
    """The risk flags form as first shown, with the case's own flags ticked.

    The form with nothing ticked is kept by reporting.cache per language (it holds nothing of any
    case); the case's flags, which are sealed, are ticked on it here for this page and never
    kept. Ticking is what the checkboxes macro writes for a chosen value (`` checked`` after the
    value), and a test holds the two equal for every choice of flags."""
    key = ("flags form", i18n.current_language().code)
    empty: Mapping[str, Markup] | None = kept.get(key, FLAGS_FORM_VERSION)
    if empty is None:
        empty = MappingProxyType(fields_html(forms.FlagsForm(prefix="flags", formdata=None, data={"flags": []})))
        kept.keep(key, FLAGS_FORM_VERSION, empty)
    html = str(empty["flags"])
    for flag in chosen:
        if flag in forms.FLAG_LABELS:  # the codes the form offers: a value attribute names each once
            html = html.replace(f' value="{flag}">', f' value="{flag}" checked>', 1)
    return MappingProxyType({**empty, "flags": Markup(html)})  # nosec B704 - the kept form's own HTML


def _fields_now(allowed: tuple[str, ...], people: tuple[tuple[str, str], ...], assignee: str,
                priority: str) -> dict[str, Mapping[str, Markup]]:
    made = {
        "status": forms.StatusForm(prefix="status", formdata=None, allowed=list(allowed)),
        "note": forms.NoteForm(prefix="note", formdata=None),
        "assign": forms.AssignForm(prefix="assign", formdata=None, people=list(people), data={"assignee": assignee}),
        "priority": forms.PriorityForm(prefix="priority", formdata=None, data={"priority": priority}),
        "link": forms.LinkForm(prefix="link", formdata=None),
        "message": forms.MessageForm(prefix="message", formdata=None),
    }
    return {name: MappingProxyType(fields_html(form)) for name, form in made.items()}


@bp.get("/cases/<reference>")
@reviewer
def show_case(reference: str) -> ResponseReturnValue:
    found = queries.case_with_holdings(reference)
    if found is None:
        abort(404)
    report, held = found
    return case_page(report, held=held)


def _done(report: Report, message: str) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_case", reference=report.reference))


@bp.post("/cases/<reference>/status")
@reviewer
def change_status(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.StatusForm(prefix="status", allowed=_manual_statuses(report))
    if form.validate():
        closure = ClosureReason(form.closure_reason.data) if form.status.data == Status.CLOSED.value else None
        try:
            services.change_status(report, Status(form.status.data), actor=current_user, reason=form.reason.data,
                                   closure=closure)
        except InvalidTransitionError:
            db.session.rollback()
            form.status.errors = [_("The case cannot move to that status from where it is now")]
        else:
            return _done(report, _("Status changed."))
    return case_page(report, status_form=form)


@bp.post("/cases/<reference>/notes")
@reviewer
def add_note(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.NoteForm(prefix="note")
    if form.validate():
        services.add_note(report, actor=current_user, text=form.note.data)
        return _done(report, _("Note added."))
    return case_page(report, note_form=form)


@bp.post("/cases/<reference>/assign")
@reviewer
def assign_case(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    people = queries.reviewers()
    form = forms.AssignForm(prefix="assign", people=people)
    if form.validate():
        assignee = None if form.assignee.data == "none" else db.session.get(User, int(form.assignee.data))
        try:
            services.assign(report, assignee, actor=current_user)
        except PermissionDeniedError:
            db.session.rollback()
            form.assignee.errors = [_("Cases can only be assigned to active reviewers")]
        else:
            return _done(report, _("Assignment changed."))
    return case_page(report, assign_form=form)


@bp.post("/cases/<reference>/priority")
@reviewer
def set_priority(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.PriorityForm(prefix="priority")
    if form.validate():
        services.set_priority(report, Priority(form.priority.data), actor=current_user)
        return _done(report, _("Priority changed."))
    return case_page(report, priority_form=form)


@bp.post("/cases/<reference>/flags")
@reviewer
def set_flags(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.FlagsForm(prefix="flags")
    if form.validate():
        services.set_flags(report, form.flags.data or [], actor=current_user)
        return _done(report, _("Risk flags saved."))
    return case_page(report, flags_form=form)


@bp.post("/cases/<reference>/links")
@reviewer
def link_case(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.LinkForm(prefix="link")
    if form.validate():
        other = queries.report_by_reference(form.reference.data)
        if other is None or other.id == report.id:
            form.reference.errors = [_("There is no other case with that reference")]
        else:
            services.link(report, other, LinkKind(form.kind.data), actor=current_user)
            return _done(report, _("Cases linked."))
    return case_page(report, link_form=form)


def _send_evidence(reference: str, evidence_id: int, *, original: bool) -> ResponseReturnValue:
    report = _case(reference)
    evidence = evidence_services.evidence_of(report, evidence_id)
    if evidence is None:
        abort(404)
    keyring = _keyring()
    try:
        if keyring is None:
            raise NotAKeyHolderError(current_user.email)
        download = evidence_services.open_evidence(
            report, evidence, services.report_private_key(report, keyring), original=original, actor=current_user,
        )
    except NotAKeyHolderError:
        db.session.rollback()
        flash(_("You cannot open files yet. A reviewer who already holds the Group's key must grant you access."), "important")
        return redirect(url_for(".show_case", reference=report.reference))
    db.session.commit()  # the audit entry for opening it
    response = Response(download.data, content_type=download.content_type)
    # Always a download under a name of ours: never shown in the page, never the uploaded name.
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@bp.get("/cases/<reference>/evidence/<int:evidence_id>")
@reviewer
def download_evidence(reference: str, evidence_id: int) -> ResponseReturnValue:
    """The copy without metadata: what reviewers see by default."""
    return _send_evidence(reference, evidence_id, original=False)


@bp.post("/cases/<reference>/evidence/<int:evidence_id>/original")
@reviewer
def open_original_evidence(reference: str, evidence_id: int) -> ResponseReturnValue:
    """The file exactly as uploaded: a separate, confirmed and audited action."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _send_evidence(reference, evidence_id, original=True)


@bp.post("/cases/<reference>/links/<other>/remove")
@reviewer
def unlink_case(reference: str, other: str) -> ResponseReturnValue:
    report = _case(reference)
    linked = _case(other)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unlink(report, linked, actor=current_user)
    return _done(report, _("Link removed."))


# Phone entry: the same questions as the public journey ------------------------------

@bp.route("/phone/", methods=["GET", "POST"])
@reviewer
def new_phone_report() -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        return journey.begin(PHONE)
    return render_template("cases/phone_start.html", form=form)


@bp.route("/phone/<name>", methods=["GET", "POST"])
@reviewer
def phone_step(name: str) -> ResponseReturnValue:
    return journey.step(PHONE, name)


@bp.route("/phone/check", methods=["GET", "POST"])
@reviewer
def phone_check() -> ResponseReturnValue:
    return journey.check(PHONE, ConfirmForm())


@bp.get("/phone/sent")
@reviewer
def phone_sent() -> ResponseReturnValue:
    return journey.sent(PHONE, ConfirmForm())


@bp.post("/phone/finish")
@reviewer
def phone_finish() -> ResponseReturnValue:
    return journey.finish(PHONE, ConfirmForm())
