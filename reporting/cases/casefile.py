"""What the cases package plugs into the case file: the sentences of its own timeline entries, and
whether a case has links and files (so the case page asks for them only when it has)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists

from reporting.casefile import DEFAULT, CaseFileRegistry, Event
from reporting.cases.models import CaseLink, EventKind, LinkKind
from reporting.evidence.models import Evidence
from reporting.reports.models import Report
from reporting.labels import label
from reporting.words import gettext as _


def status_sentence(event: Event, people: Mapping[str, str]) -> str:
    """"Status changed from New to In triage"; a closure names its reason."""
    text = _("Status changed from %(before)s to %(after)s", before=label("status", event.before),
             after=label("status", event.after))
    if event.reason:
        text += " (" + label("closure", event.reason) + ")"
    return text


def note_sentence(event: Event, people: Mapping[str, str]) -> str:
    if event.action == "new_code_asked":
        return _("A new receipt code was asked for; it waits for a second key holder")
    if event.action == "new_code_sent":
        return _("A second key holder approved a new receipt code; it was emailed to the reporter")
    return _("Note from the reporting centre") if event.action == "handover" else _("Note")


def assignment_sentence(event: Event, people: Mapping[str, str]) -> str:
    if event.action == "unassigned" or not event.ref:
        return _("Unassigned")
    return _("Assigned to %(who)s", who=people.get(event.ref, _("someone")))


def priority_sentence(event: Event, people: Mapping[str, str]) -> str:
    return _("Priority set to %(priority)s", priority=label("priority", event.after))


def flags_sentence(event: Event, people: Mapping[str, str]) -> str:
    return _("Risk flags changed")


def link_sentence(event: Event, people: Mapping[str, str]) -> str:
    if event.action == LinkKind.DUPLICATE:
        return _("Marked as a duplicate of %(reference)s", reference=event.ref)
    return _("Linked as related to %(reference)s", reference=event.ref)


def unlink_sentence(event: Event, people: Mapping[str, str]) -> str:
    return _("Link to %(reference)s removed", reference=event.ref)


def any_sentence(event: Event, people: Mapping[str, str]) -> str:
    """A kind whose feature registered no sentences: its name."""
    return label("event_kind", event.kind)


def has_links() -> Any:
    return exists().where(CaseLink.report_id == Report.id)


def has_evidence() -> Any:
    return exists().where(Evidence.report_id == Report.id)


def register(registry: CaseFileRegistry) -> None:
    registry.register_holding("links", has_links)
    registry.register_holding("evidence", has_evidence)
    for kind, fn in ((EventKind.STATUS, status_sentence), (EventKind.NOTE, note_sentence),
                     (EventKind.ASSIGNMENT, assignment_sentence), (EventKind.PRIORITY, priority_sentence),
                     (EventKind.FLAGS, flags_sentence), (EventKind.LINK, link_sentence),
                     (EventKind.UNLINK, unlink_sentence)):
        registry.register_sentences(kind.value, fn)
    registry.register_sentences(DEFAULT, any_sentence)
