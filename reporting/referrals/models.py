"""Referrals: what the Group chose to share with the police, sealed to the police key.

Clear columns are codes and ids (state, kind, which answers were shared, the
force's crime reference and outcome) so the queue and statistics never decrypt.
The package itself, and every explanation or question, is sealed.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    Outcome as Outcome,
    OverrideReason as OverrideReason,
    ReferralKind as ReferralKind,
    ReferralState as ReferralState,
)
from reporting.db import Base, UTCDateTime, one_of, utcnow


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(one_of("state", ReferralState), name="state"),
        CheckConstraint(one_of("kind", ReferralKind), name="kind"),
        CheckConstraint("override_reason IS NULL OR " + one_of("override_reason", OverrideReason), name="override_reason"),
        CheckConstraint("outcome IS NULL OR " + one_of("outcome", Outcome), name="outcome"),
        # A second reviewer approves an override, never the one who asked for it.
        CheckConstraint("approved_by_id IS NULL OR approved_by_id != created_by_id", name="second_reviewer"),
        # The police inbox's counts and pages read this index alone (reporting/referrals/queries.py).
        Index("ix_referrals_state_sent_at", "state", "sent_at", "opened_at", "outcome_at"),
        # The queue's "Referral not acknowledged" beside each line asks this index alone (on SQLite a
        # referral's state and sent_at lie after its sealed package, in overflow pages); the
        # foreign key's lookups use its first column.
        Index("ix_referrals_report_state_sent", "report_id", "state", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))
    shared_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    override_reason: Mapped[str | None] = mapped_column(String(24))
    override_explanation: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed to the group key
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    police_key_id: Mapped[int] = mapped_column(ForeignKey("service_keys.id"))
    package: Mapped[bytes] = mapped_column(LargeBinary)  # sealed to the police key
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When someone in the force first opened the package: until then it is "new" in their inbox.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    crime_reference: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReferralMessage(Base):
    """A question from the police to the Group (sealed to the group key), or the answer
    (sealed to the police key)."""

    __tablename__ = "referral_messages"
    __table_args__ = (CheckConstraint("direction IN ('to_group', 'to_police')", name="direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class ReferralFile(Base):
    """A file shared with the police: the copy without metadata, sealed to the police key."""

    __tablename__ = "referral_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    content_type: Mapped[str] = mapped_column(String(64))
    extension: Mapped[str] = mapped_column(String(8))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


# The police quarterly extract (reporting/referrals/extract.py) ----------------------------

class PoliceExtract(Base):
    """One quarter's reconciliation extract for the force, sealed to the police key.

    Clear columns say only which quarter and when; the rows (references, months, areas,
    strands, incident types, referred or not, crime references) are in ``sealed``.
    """

    __tablename__ = "police_extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_month: Mapped[date] = mapped_column(Date, index=True)  # the quarter's first month
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rows: Mapped[int] = mapped_column(Integer)
    police_key_id: Mapped[int] = mapped_column(ForeignKey("service_keys.id"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The reports not listed (police consent "no"), as suppressed counts by month and area; sealed
    # to the same key. None for extracts prepared before these were kept.
    withheld_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class PoliceMatch(Base):
    """The force matched one of our reports to a crime it recorded (from their CSV import)."""

    __tablename__ = "police_matches"
    __table_args__ = (UniqueConstraint("report_id", name="report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    crime_reference: Mapped[str] = mapped_column(String(40))
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
