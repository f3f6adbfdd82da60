"""The destroyers of the packages that exist today: messages and sessions, evidence, the
case timeline and flags, referrals, legal hold reasons, and what the Group's meetings hold
about the case (summaries, decisions, actions and agencies' updates)."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from reporting.cases.models import CaseEvent
from reporting.evidence.models import Evidence
from reporting.extensions import db
from reporting.meetings.models import Action, ActionUpdate, MeetingItem, MeetingItemCopy
from reporting.referrals.models import Referral, ReferralFile, ReferralMessage
from reporting.reports.models import Draft, PendingReceipt, Report
from reporting.reports.holds import LegalHold
from reporting.retention.registry import register_destroyer
from reporting.approvals.services import close_for_destroyed
from reporting.status.models import Message, ReceiptSession, ReporterFeedback


def _count(statement: object) -> int:
    return int(db.session.scalar(statement) or 0)  # type: ignore[call-overload]


def destroy_messages(report: Report) -> int:
    """Messages with the reporter, receipt sessions, the sent draft (its receipt copy) and the words
    of their answer to "How did we do?"."""
    count = _count(select(func.count()).select_from(Message).where(Message.report_id == report.id))
    db.session.execute(delete(Message).where(Message.report_id == report.id))
    db.session.execute(delete(ReceiptSession).where(ReceiptSession.report_id == report.id))
    # A new code sent and not yet used would open nothing now: it goes too.
    db.session.execute(delete(PendingReceipt).where(PendingReceipt.report_id == report.id))
    db.session.execute(delete(Draft).where(Draft.report_id == report.id))
    # The words of their "How did we do?" go; the score (clear, for the statistics) stays.
    worded = (ReporterFeedback.report_id == report.id) & ReporterFeedback.comment.is_not(None)
    count += _count(select(func.count()).select_from(ReporterFeedback).where(worded))
    db.session.execute(update(ReporterFeedback).where(worded).values(comment=None))
    return count


def destroy_evidence(report: Report) -> int:
    count = _count(select(func.count()).select_from(Evidence).where(Evidence.report_id == report.id))
    db.session.execute(delete(Evidence).where(Evidence.report_id == report.id))
    return count


def destroy_case_words(report: Report) -> int:
    """Notes and reasons on the timeline and the risk flags; the coded entries stay for the statistics."""
    sealed = (CaseEvent.report_id == report.id) & CaseEvent.sealed.is_not(None)
    count = _count(select(func.count()).select_from(CaseEvent).where(sealed))
    db.session.execute(update(CaseEvent).where(sealed).values(sealed=None))
    if report.staff_flags is not None:
        report.staff_flags = None
        count += 1
    return count


def destroy_referrals(report: Report) -> int:
    """Packages, files and messages with the police; the referral's dates and outcome stay."""
    ids = list(db.session.scalars(select(Referral.id).where(Referral.report_id == report.id)))
    if not ids:
        return 0
    files = _count(select(func.count()).select_from(ReferralFile).where(ReferralFile.referral_id.in_(ids)))
    messages = _count(select(func.count()).select_from(ReferralMessage).where(ReferralMessage.referral_id.in_(ids)))
    db.session.execute(delete(ReferralFile).where(ReferralFile.referral_id.in_(ids)))
    db.session.execute(delete(ReferralMessage).where(ReferralMessage.referral_id.in_(ids)))
    db.session.execute(
        update(Referral).where(Referral.id.in_(ids)).values(package=b"", override_explanation=None)
    )
    return len(ids) + files + messages


def destroy_hold_reasons(report: Report) -> int:
    sealed = (LegalHold.report_id == report.id) & LegalHold.reason.is_not(None)
    count = _count(select(func.count()).select_from(LegalHold).where(sealed))
    db.session.execute(update(LegalHold).where(sealed).values(reason=None))
    return count


def destroy_meeting_words(report: Report) -> int:
    """Meeting summaries and decisions about the case, its actions' words and the agencies' updates.

    The clear facts stay (which meeting heard it and when, each action's agency, due date and
    status), so "cases heard" and the actions' counts are unchanged.
    """
    items = (MeetingItem.report_id == report.id) & (
        MeetingItem.summary_partners.is_not(None) | MeetingItem.summary_group.is_not(None)
        | MeetingItem.decision.is_not(None)
    )
    count = _count(select(func.count()).select_from(MeetingItem).where(items))
    db.session.execute(update(MeetingItem).where(items).values(summary_partners=None, summary_group=None, decision=None))
    db.session.execute(delete(MeetingItemCopy).where(
        MeetingItemCopy.item_id.in_(select(MeetingItem.id).where(MeetingItem.report_id == report.id))))
    action_ids = list(db.session.scalars(select(Action.id).where(Action.report_id == report.id, Action.text_group != b"")))
    if action_ids:
        count += len(action_ids)
        db.session.execute(update(Action).where(Action.id.in_(action_ids)).values(text_partners=b"", text_group=b""))
    # The decisions written for the agencies go with the rest.
    db.session.execute(update(Action).where(Action.report_id == report.id, Action.decision_group.is_not(None))
                       .values(decision_partners=None, decision_group=None))
    updates = ActionUpdate.action_id.in_(select(Action.id).where(Action.report_id == report.id)) & ActionUpdate.sealed.is_not(None)
    count += _count(select(func.count()).select_from(ActionUpdate).where(updates))
    db.session.execute(update(ActionUpdate).where(updates).values(sealed=None))
    return count


register_destroyer("messages", destroy_messages)
register_destroyer("evidence", destroy_evidence)
register_destroyer("case_words", destroy_case_words)
register_destroyer("referrals", destroy_referrals)
register_destroyer("hold_reasons", destroy_hold_reasons)
register_destroyer("meetings", destroy_meeting_words)
register_destroyer("two_person_reasons", close_for_destroyed)
