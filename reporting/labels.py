"""Codes become words here: dates, numbers, and the lookups templates use.

Every code staff can meet (statuses, police choices, referral kinds and states, outcomes,
timeline entries) carries its own Flask-Babel lazy label in ``reporting.codes``; this
module looks them up by a list's name (``label("status", code)``), names the audit log's
actions, and shows dates as "1 December 2026, 9:23am" in Europe/London time. Templates
reach these through the Jinja filters registered by ``init_labels``; the PDF and the JSON
export call the functions directly. A page that shows ``with_details``, ``new>in_triage``
or an ISO timestamp to a person is a bug (``tests/test_labels.py`` looks for them).

It imports no feature package: the codes come from ``reporting.codes``, the words of
disclosures from the disclosure gate (infrastructure).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask
from markupsafe import Markup, escape

from reporting import codes
from reporting.codes import KeyPurpose
from reporting.disclosure import gate
from reporting.i18n import locale_code
from reporting.words import gettext
from reporting.words import lazy_gettext as _l
from reporting.words import ngettext

LONDON = ZoneInfo("Europe/London")


def _(text: str, **variables: Any) -> str:
    """gettext, typed: the words in the request's language."""
    return str(gettext(text, **variables))


def _n(singular: str, plural: str, num: int) -> str:
    return str(ngettext(singular, plural, num))


# The audit log's words: actions, what they were done to, and their details ------------

AUDIT_ACTION = {
    "audit.view": _l("Viewed the audit log"),
    "audit.head_published": _l("Emailed the audit log's head to the administrators"),
    "retention.destroy": _l("Destroyed a report's content"),
    "retention.hold": _l("Placed a legal hold"),
    "retention.lift": _l("Lifted a legal hold"),
    "retention.export": _l("Downloaded everything held about a report"),
    "case.assign": _l("Assigned a case"),
    "case.decrypt": _l("Opened a report"),
    "case.flags": _l("Changed risk flags"),
    "case.handover_note": _l("Centre's note to the Group"),
    "case.link": _l("Linked cases"),
    "case.new_information_seen": _l("Read new information"),
    "case.note": _l("Added a note"),
    "case.priority": _l("Changed priority"),
    "case.status": _l("Changed status"),
    "case.unlink": _l("Removed a link"),
    "centre.retire": _l("Retired a centre"),
    "centre.save": _l("Saved a centre"),
    "centre.close": _l("Closed a centre"),
    "centre.reopen": _l("Reopened a centre"),
    "centre.history": _l("Changed a centre's dates or contact"),
    "centre.visit": _l("Recorded a visit to a centre"),
    "centre.training": _l("Recorded training at a centre"),
    "centre.training_reminder": _l("Emailed a centre a training reminder"),
    "evidence.add": _l("Added a file"),
    "evidence.open": _l("Opened a file"),
    "evidence.open_original": _l("Opened an original file"),
    "keys.grant": _l("Granted key access"),
    "keys.init": _l("Made the service keys"),
    "keys.rotate": _l("Rotated a key"),
    "keys.add": _l("Made a new kind of key"),
    "keys.split_partners": _l("Re-sealed the partner agencies' words to each agency's own key"),
    "agency.save": _l("Saved a partner agency"),
    "meeting.flag": _l("Flagged a case for the next meeting"),
    "meeting.create": _l("Created a meeting"),
    "meeting.attendance": _l("Recorded who attended a meeting"),
    "meeting.summary": _l("Wrote a case summary for a meeting"),
    "meeting.decision": _l("Recorded a meeting's decision"),
    "meeting.minutes": _l("Saved a meeting's minutes"),
    "meeting.pack_warned": _l("The pack check found identifying details"),
    "meeting.pack_shared": _l("Shared a meeting pack"),
    "meeting.pack_open": _l("Read a meeting pack"),
    "meeting.pack_download": _l("Downloaded a meeting pack"),
    "action.open": _l("Gave an action to a partner agency"),
    "action.update": _l("Updated an action"),
    "action.read": _l("Read their agency's actions"),
    "action.decision": _l("Shared a decision with a partner agency"),
    "action.escalated": _l("Escalated overdue actions to an agency's lead contact"),
    "message.from_reporter": _l("The reporter replied"),
    "message.to_reporter": _l("Sent a message to the reporter"),
    "referral.acknowledge": _l("Acknowledged a referral"),
    "referral.answer": _l("Answered the police"),
    "referral.approve": _l("Approved a safeguarding override"),
    "referral.file_open": _l("Opened a referred file"),
    "referral.open": _l("Opened a referral"),
    "referral.outcome": _l("Recorded a referral outcome"),
    "referral.override": _l("Asked for a safeguarding override"),
    "referral.question": _l("The police asked a question"),
    "referral.send": _l("Sent a referral to the police"),
    "referral.start": _l("Started a referral"),
    "report.addition": _l("The reporter added information"),
    "signin": _l("Signed in"),
    "signin.failed": _l("Sign-in failed"),
    "status.open": _l("The reporter opened their report"),
    "status.receipt_reissued": _l("The reporter got a new receipt code"),
    "status.new_code_sent": _l("Sent the reporter a new receipt code by email"),
    "status.new_code_used": _l("The reporter used their new receipt code for the first time"),
    "approval.asked": _l("Asked a second key holder to approve"),
    "approval.approved": _l("Approved as the second key holder"),
    "approval.declined": _l("Declined as the second key holder"),
    "message.resealed": _l("Sealed an older message again with who wrote it"),
    "user.activated": _l("Reactivated an account"),
    "user.create": _l("Created an account"),
    "user.deactivated": _l("Deactivated an account"),
    "user.passkey_added": _l("Added a passkey"),
    "user.password_changed": _l("Changed their password"),
    "user.reset": _l("Reset an account"),
    "user.role_changed": _l("Changed a role"),
    "user.totp_enrolled": _l("Set up two-factor sign-in"),
    "keys.grant_requested": _l("Asked for key access for someone"),
    "keys.grant_approved": _l("Approved key access (the second key holder)"),
    "signin.delayed": _l("Sign-ins slowed after repeated failures"),
    "stats.export": _l("Downloaded statistics"),
    "stats.police_extract.prepare": _l("Prepared the police's quarterly extract"),
    "stats.police_extract.download": _l("Downloaded the police's quarterly extract"),
    "stats.police_matches.import": _l("Imported the police's crime references"),
    "stats.police_matches.settle": _l("Settled a police match that disagreed with the referral's crime reference"),
    "status.receipt_issued_by_reviewer": _l("Gave a reporter a new receipt code"),
    "status.receipt_locked": _l("A receipt code was locked after wrong words"),
    "support.created": _l("Added a support service"),
    "support.updated": _l("Changed a support service"),
    "initiative.save": _l("Saved an initiative"),
    "initiative.remove": _l("Removed an initiative"),
    "population.save": _l("Saved an area's population"),
    "population.remove": _l("Removed an area's population"),
    "support.case_recorded": _l("Recorded the support offered, accepted or completed"),
    "status.feedback": _l("The reporter answered “How did we do?”"),
    **gate.AUDIT_ACTIONS,
}
AUDIT_TARGET = {
    "report": _l("Report %(id)s"),
    "referral": _l("Referral %(id)s"),
    "user": _l("Account %(id)s"),
    "centre": _l("Centre %(id)s"),
    "key": _l("Key %(id)s"),
    "meeting": _l("Meeting %(id)s"),
    "agency": _l("Partner agency %(id)s"),
    "support": _l("Support service %(id)s"),
    "police_extract": _l("Police extract %(id)s"),
    "initiative": _l("Initiative %(id)s"),
}
# Targets that are a whole thing, not one row of it.
AUDIT_WHOLE_TARGET = {
    "audit": _l("The audit log"),
    "stats": _l("The statistics"),
    "police_matches": _l("The police's crime references"),
    "populations": _l("The areas' populations"),
}
AUDIT_DETAIL = {
    "referral": _l("Referral"), "kind": _l("Kind"), "fields": _l("Answers shared"), "reason": _l("Reason"),
    "outcome": _l("Outcome"), "message": _l("Message"), "file": _l("File"), "evidence": _l("File"),
    "change": _l("Change"), "priority": _l("Priority"), "assignee": _l("Assigned to"), "other": _l("Other case"),
    "event": _l("Timeline entry"), "reference": _l("Reference"), "role": _l("Role"), "old": _l("Before"),
    "new": _l("After"), "purpose": _l("Key"), "via": _l("Granted with"), "keys": _l("Keys"),
    "grants_dropped": _l("Key grants removed"), "slug": _l("Centre"), "holders": _l("Holders"),
    "police": _l("Police key"), "recovery": _l("Recovery key"), "algorithm": _l("Algorithm"),
    "original": _l("Original"), "detail": _l("Detail"),
    "meeting": _l("Meeting"), "agency": _l("Partner agency"), "action_id": _l("Action"), "cases": _l("Cases"),
    "agencies": _l("Agencies"), "item": _l("Agenda item"), "warnings": _l("Warnings"), "attended": _l("Attended"),
    "flagged": _l("Flagged"), "partners": _l("Partner agencies' key"), "active": _l("Active"), "status": _l("Status"),
    "rule": _l("Rule"), "items": _l("Items destroyed"), "sessions_ended": _l("Sessions ended"),
    "act": _l("Act"), "request": _l("Request"), "asked_by": _l("Asked by account"), "asked_via": _l("How they asked"),
    "proved_by": _l("Identity checked by"),
    "delivery": _l("Sent by"), "approved_by": _l("Approved by"),
    "format": _l("File type"), "open_data": _l("Open data"), "from": _l("From"), "to": _l("To"),
    "area": _l("Area"), "strand": _l("Strand"), "centre": _l("Centre"), "quarter": _l("Quarter"),
    "rows": _l("Rows"), "changed": _l("Changed"), "refused": _l("Refused"), "route": _l("How they proved who they are"),
    "requested_by": _l("Asked for by account"), "actions": _l("Actions"),
    "other_sessions_ended": _l("Other sign-ins ended"),
    "population": _l("Residents"), "year": _l("Year"),
    "apologies": _l("Apologies"), "people": _l("People recorded"),
    "offered": _l("Support offered"), "accepted": _l("Support accepted"), "completed": _l("Support completed"),
    "opened_on": _l("Opened on"), "closed_on": _l("Closed on"), "visit": _l("Visit"), "training": _l("Training record"),
    "due_refresher": _l("People due a refresher"),
    **gate.DETAIL_KEYS,
}
ACTORS = {"reporter": _l("The reporter"), "system": _l("The service"), "cli": _l("Command line"),
          "anonymous": _l("Someone not signed in"), "test": _l("Set-up")}
VIA = {"recovery": _l("the recovery key"), "holder": _l("another key holder"),
       "web": _l("the statistics page"), "cli": _l("the command line")}
# File types of downloads, as people name them.
FILE_FORMAT = {"csv": _l("CSV"), "xlsx": _l("Excel (XLSX)"), "json": _l("JSON"), "pdf": _l("PDF")}


# Lookups by a list's name -----------------------------------------------------------

# Every coded value a person might meet, for the fallback lookup and the raw-code test.
ALL_CODES: dict[str, Mapping[Any, Any]] = {
    **{kind: enum.words() for kind, enum in codes.KINDS.items()},
    **codes.WORD_LISTS,
    "audit_action": AUDIT_ACTION,
}


def label(kind: str, code: Any) -> str:
    """The words for ``code`` in the list ``kind``; an unknown code is shown as it is."""
    if code is None or code == "":
        return ""
    table = ALL_CODES[kind]
    for key, words in table.items():
        if str(key) == str(code):
            return str(words)
    return str(code)


def as_labels(kind: str) -> dict[str, Any]:
    """A list as ``{code: lazy words}``, for choices in forms."""
    return {str(code): words for code, words in ALL_CODES[kind].items()}


# Dates -----------------------------------------------------------------------------

def _locale() -> str:
    return locale_code()


def _long_date(value: date, locale: str) -> str:
    return format_date(value, "d MMMM y", locale=locale)


def when(value: datetime | date | str | None, locale: str | None = None,
         days: dict[date, str] | None = None) -> str:
    """"1 December 2026, 9:23am" in Europe/London time; a date alone as "1 December 2026".

    ``locale``: the page's, when the caller has it (a page of fifty dates asks once); ``days``:
    the days a page has written so far, in that locale, to write each day once (Babel's
    formatting is most of the cost, and a page's dates share days)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return _long_date(value, locale or _locale())
    local = value.astimezone(LONDON) if value.tzinfo else value.replace(tzinfo=LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    on = local.date()
    words = days.get(on) if days is not None else None
    if words is None:
        words = _long_date(on, locale or _locale())
        if days is not None:
            days[on] = words
    return f"{words}, {hour}:{local.minute:02d}{suffix}"


def day(value: datetime | date | str | None) -> str:
    """"1 December 2026" (Europe/London)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = (value.astimezone(LONDON) if value.tzinfo else value).date()
    return _long_date(value, _locale())


def _month_words(value: date, pattern: str, locale: str) -> str:
    return format_date(value, pattern, locale=locale)


def month(value: str) -> str:
    """"2026-12" as "Dec 2026"."""
    year, _sep, number = value.partition("-")
    if not (year.isdigit() and number.isdigit()):
        return value
    return _month_words(date(int(year), int(number), 1), "MMM y", _locale())


def month_name(value: str) -> str:
    """"2026-12" as "December 2026" (a whole month, as the statistics name one)."""
    year, _sep, number = value.partition("-")
    if not (year.isdigit() and number.isdigit() and 1 <= int(number) <= 12):
        return value
    return _month_words(date(int(year), int(number), 1), "LLLL y", _locale())


def to_date_label(label: str) -> str:
    """A period not over yet, in words: "December 2026 (to date)" (every statistics table, issue 30)."""
    return _("%(period)s (to date)", period=label)


def month_of_year(number: int) -> str:
    """The name of a month alone: 4 is "April"."""
    return _month_words(date(2000, number, 1), "LLLL", _locale())


def thousands(value: int) -> str:
    """A count as people write it: 1,000 (in the page's language)."""
    return _thousands(value, _locale())


def _thousands(value: int, locale: str) -> str:
    return str(format_decimal(value, locale=locale))


def waited(since: datetime, now: datetime, spans: dict[tuple[int, int], str] | None = None) -> str:
    """How long something has waited, in the largest whole unit: "3 days", "5 hours", "12 minutes".

    ``spans``: the spans a page has written so far, to write each ("3 days") once."""
    seconds = max(0, int((now - since).total_seconds()))
    unit = 86400 if seconds >= 86400 else 3600 if seconds >= 3600 else 60
    number = max(1, seconds // unit)
    words = spans.get((unit, number)) if spans is not None else None
    if words is None:
        if unit == 86400:
            words = _n("%(num)d day", "%(num)d days", number)
        elif unit == 3600:
            words = _n("%(num)d hour", "%(num)d hours", number)
        else:
            words = _n("%(num)d minute", "%(num)d minutes", number)
        if spans is not None:
            spans[(unit, number)] = words
    return words


# Audit log -------------------------------------------------------------------------

def key_title(purpose: str, agency_name: str | None = None) -> str:
    """Which key, in words, as the two-person rule's pages name it."""
    if purpose == KeyPurpose.GROUP:
        return _("The Group's key: the reports and the Group's notes")
    if purpose == KeyPurpose.POLICE:
        return _("The West Mercia Police liaison key: police referrals")
    if purpose == KeyPurpose.AGENCY:
        return _("%(agency)s's key: its meeting summaries and actions", agency=agency_name or _("A partner agency"))
    return label("key_purpose", purpose)


def audit_action(action: str) -> str:
    return label("audit_action", action)


def audit_target(target: str) -> str:
    if target in AUDIT_WHOLE_TARGET:
        return str(AUDIT_WHOLE_TARGET[target])
    what, _sep, ident = target.partition(":")
    if what in AUDIT_TARGET and ident:
        if ident == "unknown":
            return _("An unknown account")
        return str(AUDIT_TARGET[what]) % {"id": ident}
    return target


def audit_actor(actor: str) -> str:
    return str(ACTORS.get(actor, actor))


_DETAIL_VALUES: dict[str, str] = {
    "kind": "referral_kind", "reason": "override", "outcome": "outcome", "priority": "priority",
    "role": "role", "old": "role", "new": "role", "purpose": "key_purpose", "status": "action_status",
    "act": "two_person_act", "asked_via": "ask_route", "proved_by": "identity_check", "delivery": "delivery_route",
    "channel": "channel",
    "offered": "support_offered", "accepted": "support_accepted", "completed": "support_completed",
}
# Per action, where a detail's code comes from another list than the usual one.
_ACTION_DETAIL_VALUES: dict[tuple[str, str], str] = {
    ("agency.save", "kind"): "agency_kind",
    ("initiative.save", "kind"): "initiative_kind",
    ("initiative.remove", "kind"): "initiative_kind",
    ("keys.rotate", "old"): "",  # the key it replaced: an id, shown as it is
}


def _route_words(route: str) -> str:
    """How a reporter proved who they are, in a few words (the full sentence is on the case)."""
    words = {"call_back": _l("Called back"), "in_person": _l("In person"), "contact_details": _l("Contact details")}
    return str(words.get(route, route))


def audit_details(action: str, details: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An entry's details as (words, value) pairs; coded values become words."""
    shown = []
    row = dict(details)
    for key, value in details:
        if action.startswith(gate.ACTION_PREFIX):
            if key in ("recipient_name", "recipient_id"):
                continue  # shown with the recipient
            if key in gate.DETAIL_KEYS:
                shown.append((str(gate.DETAIL_KEYS[key]), gate.detail_words(key, value, row)))
                continue
        if (action, key) in _ACTION_DETAIL_VALUES:
            kind = _ACTION_DETAIL_VALUES[(action, key)]
            value = label(kind, value) if kind else value
        elif value in ("True", "False"):
            value = _("Yes") if value == "True" else _("No")
        elif key in ("from", "to", "quarter"):
            value = month_name(value)
        elif key in ("opened_on", "closed_on"):
            value = day(value) if value else _("Not set")
        elif key == "format":
            value = str(FILE_FORMAT.get(value, value))
        elif key == "route":
            value = _route_words(value)
        elif key == "change":
            change, _sep, closure = value.partition(":")
            before, _sep, after = change.partition(">")
            words = _("from %(before)s to %(after)s", before=label("status", before), after=label("status", after))
            value = words + (" (" + label("closure", closure) + ")" if closure else "")
        elif key == "kind" and action.startswith("case."):
            value = label("link_kind", value)
        elif key in _DETAIL_VALUES:
            value = label(_DETAIL_VALUES[key], value)
        elif key == "via":
            value = str(VIA.get(value, value))
        shown.append((str(AUDIT_DETAIL.get(key, key.replace("_", " ").capitalize())), value))
    return shown


def answer_lines(lines: Iterable[str]) -> Markup:
    """An answer's lines, one under another, each in its own ``<bdi>``: a line typed in another
    script (English into an Arabic page, or Arabic into an English one) keeps its full stop at
    its end. Escaped here, as a template would."""
    return Markup("<br>".join(f"<bdi>{escape(line)}</bdi>" for line in lines))  # nosec B704 - each line escaped


def init_labels(app: Flask) -> None:
    """Make the words available to every template."""
    app.add_template_filter(answer_lines, "answer_lines")
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")
    app.add_template_filter(month, "month")
    app.add_template_filter(month_name, "month_name")
    app.add_template_filter(label, "label")
    app.add_template_filter(thousands, "thousands")
    app.add_template_global(label, "label")
    app.add_template_global(audit_action, "audit_action")
    app.add_template_global(audit_target, "audit_target")
    app.add_template_global(audit_actor, "audit_actor")
    app.add_template_global(audit_details, "audit_details")
    app.add_template_global(waited, "waited")
    app.add_template_global(key_title, "key_title")
