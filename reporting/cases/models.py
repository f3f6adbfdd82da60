"""What the Group does to a case: its timeline and links between cases.

Clear columns carry only what the queue and statistics need (kinds, statuses,
codes, ids). Anything a person wrote (notes, reasons) is in ``sealed``, sealed to
the group key, never to the report's own key, so a receipt cannot open it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    EventKind as EventKind,
    LinkKind as LinkKind,
)
from reporting.db import Base, UTCDateTime, utcnow


class CaseEvent(Base):
    __tablename__ = "case_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting', "
            "'hold', 'retention', 'support')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    # What happened, as codes, never a string to parse (each feature's casefile.py makes it words):
    #   status      action "changed", before and after (statuses), reason (a closure reason)
    #   note        action "" (a note), "handover", "new_code_asked" or "new_code_sent"
    #   assignment  action "assigned" with ref (the user's id), or "unassigned"
    #   priority    action "set", after (the priority)
    #   flags       action "changed"
    #   link        action (the link kind: "related", "duplicate"), ref (the other case's reference)
    #   unlink      action "removed", ref (the other case's reference)
    #   referral    action ("sent", "override_requested", "override_approved", "acknowledged", "outcome",
    #               "question_from_police", "answer_to_police"); sent: after (the referral kind);
    #               override_requested: reason (the override); outcome: after (it), ref (a crime reference)
    #   meeting     action ("flagged", "unflagged", "agenda", "heard", "decision", "action_opened",
    #               "decision_shared", "action_updated", "action_done", "action_cannot_do"),
    #               ref (the meeting's or agency's id)
    #   hold        action "placed" or "lifted"
    #   retention   action "destroyed", after (the rule), reason (an erasure's reason)
    #   support     action "offered" (after "yes"/"no", ref the ISO day it was offered), "accepted" or
    #               "completed" (before and after: their codes; reporting.codes.Support*)
    action: Mapped[str] = mapped_column(String(32), default="")
    before: Mapped[str | None] = mapped_column(String(32))
    after: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(32))
    ref: Mapped[str | None] = mapped_column(String(64))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class CaseLink(Base):
    """``report_id`` is related to, or a duplicate of, ``other_id``."""

    __tablename__ = "case_links"
    __table_args__ = (
        UniqueConstraint("report_id", "other_id", name="pair"),
        CheckConstraint("kind IN ('related', 'duplicate')", name="kind"),
        CheckConstraint("report_id != other_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
