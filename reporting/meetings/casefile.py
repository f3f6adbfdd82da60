"""What the meetings plug into the case file: their panel, their timeline sentences and the
queue's "flagged for the next meeting" filter."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists

from reporting.casefile import CaseFileRegistry, Event
from reporting.cases.models import EventKind
from reporting.meetings.models import Action, MeetingFlag
from reporting.meetings.queries import flagged_filter
from reporting.meetings.views import case_panel
from reporting.reports.models import Report
from reporting.words import gettext as _


def meeting_sentence(event: Event, people: Mapping[str, str]) -> str:
    """Meeting entries: "heard" with ref 7 is "Heard at meeting 7"; an action names its agency
    (``people`` maps "agency:ID" to the agency's name)."""
    what, rest = event.action, event.ref or ""
    agency = people.get(f"agency:{rest}", _("a partner agency"))
    texts = {
        "flagged": lambda: _("Flagged for the next meeting"),
        "unflagged": lambda: _("No longer flagged for the next meeting"),
        "agenda": lambda: _("Put on the agenda of meeting %(number)s", number=rest),
        "heard": lambda: _("Heard at meeting %(number)s", number=rest),
        "decision": lambda: _("Decision at meeting %(number)s", number=rest),
        "action_opened": lambda: _("Action opened for %(agency)s", agency=agency),
        "decision_shared": lambda: _("Decision shared with %(agency)s", agency=agency),
        "action_updated": lambda: _("%(agency)s updated an action", agency=agency),
        "action_done": lambda: _("%(agency)s marked an action done", agency=agency),
        "action_cannot_do": lambda: _("%(agency)s cannot do an action", agency=agency),
    }
    return texts[what]() if what in texts else _("Group meeting")


def flagged_condition() -> Any:
    """The queue's "for the next meeting" filter: cases flagged for it."""
    return Report.id.in_(flagged_filter())


def has_actions() -> Any:
    return exists().where(Action.report_id == Report.id)


def is_flagged() -> Any:
    """Whether the case is flagged for the next meeting: the holding is the flag itself."""
    return exists().where(MeetingFlag.report_id == Report.id)


def register(registry: CaseFileRegistry) -> None:
    registry.register_panel("meetings", 200, case_panel)
    registry.register_holding("actions", has_actions)
    registry.register_holding("meeting_flag", is_flagged)
    registry.register_sentences(EventKind.MEETING.value, meeting_sentence)
    registry.register_queue_filter("next_meeting", flagged_condition)
