"""The reporter's optional, anonymous "How did we do?" at /status (issue 30 item 8).

One answer a report, which the reporter may change as often as they like (a later answer
replaces the earlier: how the Group did can change as the case goes on). The score (1 to 5)
is kept in clear for the statistics, with the day it was given; anything the reporter wrote
is sealed to the report's own key, bound to this cell, so the reporter and the Group's key
holders can read it and the server cannot. Nothing about the person: no time finer than the
day, no session, no address. Services flush and audit; callers commit.
"""
from __future__ import annotations

import json
import logging
from datetime import date

from reporting import audit, crypto
from reporting.codes import FeedbackScore
from reporting.exceptions import ContentDestroyedError
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.status.models import ReporterFeedback

log = logging.getLogger(__name__)


def _comment_binding(report: Report) -> crypto.Binding:
    return crypto.Binding("reporter_feedback", "comment", report.reference)


def feedback_of(report: Report) -> ReporterFeedback | None:
    return db.session.get(ReporterFeedback, report.id)


def give_feedback(report: Report, score: FeedbackScore, comment: str | None, *, today: date) -> ReporterFeedback:
    """Keep the reporter's answer (replacing any earlier one): the score in clear, the words sealed."""
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    answer = feedback_of(report)
    if answer is None:
        answer = ReporterFeedback(report_id=report.id)
        db.session.add(answer)
    answer.score, answer.answered_on = score.number, today
    answer.comment = None
    if comment:
        payload = json.dumps({"text": comment}, ensure_ascii=False).encode()
        answer.comment = crypto.seal(report.key_algorithm, report.public_key, payload, _comment_binding(report))
    db.session.flush()
    audit.record("status.feedback", f"report:{report.id}", actor="reporter")
    return answer


def open_comment(report: Report, private: bytes | crypto.PrivateKey, answer: ReporterFeedback) -> str | None:
    """The words of an answer, or None if there are none or they do not open where they are kept."""
    if not answer.comment:
        return None
    try:
        plain = crypto.open_sealed(report.key_algorithm, private, answer.comment, _comment_binding(report))
    except crypto.DecryptionError:
        log.warning("the feedback of report %s does not open where it is kept", report.id)
        return None
    return str(json.loads(plain)["text"])
