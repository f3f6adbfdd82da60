"""What the reporter's side plugs into the case file: the messages with the person who
reported, as a panel beside the report and as entries on the timeline; and their answer to
"How did we do?", if they gave one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists

from reporting.auth.models import User
from reporting.codes import FeedbackScore
from reporting.casefile import REPORT, CaseFileRegistry, Holdings, Keys, Panel
from reporting.reports.models import Report
from reporting.status import feedback, services
from reporting.status.models import Message, ReporterFeedback


@dataclass(frozen=True)
class MessageEntry:
    """A message or addition shown on the timeline beside what the Group did."""

    at: datetime
    message_kind: str
    text: str | None  # None: the message did not open where it is kept (the page says so)
    template: str = "status/_timeline_message.html"


def case_panel(report: Report, viewer: User, keys: Keys | None, held: Holdings) -> Panel | None:
    """The thread and the form to write to the reporter: only for a reader of the report."""
    if keys is None:
        return None
    thread = services.messages(report, keys.report_private, holder=viewer) if held.holds("messages") else []
    return Panel("status/_case_panel.html", {"thread": thread}, slot=REPORT,
                 timeline=[MessageEntry(m.message.at, m.message.kind, m.text) for m in thread])


def feedback_panel(report: Report, viewer: User, keys: Keys | None, held: Holdings) -> Panel | None:
    """The reporter's "How did we do?", if they answered: the score (clear) for every reviewer, their
    words (sealed to the report's key) for a reader of the report."""
    answer = feedback.feedback_of(report) if held.holds("feedback") else None
    if answer is None:
        return None
    comment = feedback.open_comment(report, keys.report_private, answer) if keys is not None else None
    return Panel("status/_feedback_panel.html", {"answer": answer, "comment": comment,
                                                 "words": FeedbackScore.of(answer.score).label,
                                                 "sealed": keys is None and answer.comment is not None}, slot=REPORT)


def has_messages() -> Any:
    return exists().where(Message.report_id == Report.id)


def has_feedback() -> Any:
    return exists().where(ReporterFeedback.report_id == Report.id)


def register(registry: CaseFileRegistry) -> None:
    registry.register_panel("messages", 100, case_panel)
    registry.register_panel("feedback", 110, feedback_panel)
    registry.register_holding("messages", has_messages)
    registry.register_holding("feedback", has_feedback)
