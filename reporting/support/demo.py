"""The demo's support and feedback (issue 30 item 8): support offered, accepted and completed on
some sample cases, and two reporters' "How did we do?" (one with words, sealed as any reporter's).

Through the same services as the pages. Runs once (nothing happens once any case has support
recorded); demo only: `flask demo` refuses production.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from reporting.auth.models import User
from reporting.codes import FeedbackScore
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.status import feedback
from reporting.support import services
from reporting.support.models import CaseSupport, SupportAccepted, SupportCompleted, SupportOffered

REVIEWER = "reviewer@example.org"


def load_demo_support(references: list[str], today: date) -> bool:
    """Record support and feedback on the demo reports (``references``, as sent). True when done."""
    if db.session.scalar(select(CaseSupport.report_id).limit(1)) is not None or len(references) < 3:
        return False
    reviewer = db.session.scalar(select(User).where(User.email == REVIEWER))
    reports = [db.session.scalar(select(Report).where(Report.reference == ref)) for ref in references[:3]]
    if reviewer is None or any(report is None for report in reports):
        return False
    first, second, third = (report for report in reports if report is not None)
    answers = (
        (first, services.SupportAnswers(SupportOffered.YES, today, SupportAccepted.YES, SupportCompleted.NOT_YET)),
        (second, services.SupportAnswers(SupportOffered.YES, today, SupportAccepted.NOT_YET)),
        (third, services.SupportAnswers(SupportOffered.NO)),
    )
    for report, answer in answers:
        services.record_support(report, answer, actor=reviewer)
    feedback.give_feedback(first, FeedbackScore.GOOD, "(Example) The person who called me back was kind.",
                           today=today)
    feedback.give_feedback(second, FeedbackScore.POOR, None, today=today)
    db.session.flush()
    return True
