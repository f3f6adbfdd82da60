"""Reports: the clear fields the queue and statistics need, and sealed content.

Only the fields docs/design.md lists stay in clear; everything the reporter wrote is
in ``content``, sealed to the report's own key.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    Channel as Channel,
    ClosureReason as ClosureReason,
    HappenedBefore as HappenedBefore,
    PlaceKind as PlaceKind,
    PoliceConsent as PoliceConsent,
    Priority as Priority,
    ReporterType as ReporterType,
    Status as Status,
    StrategyGroup as StrategyGroup,
)
from reporting.db import Base, UTCDateTime, one_of, utcnow


class Choice(Base):
    """An answer option the Partnership can extend: areas, incident types, motivations, strands.

    ``grouping`` is the area's kind for areas and the Home Office strand for
    motivations.
    """

    __tablename__ = "choices"

    list_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    grouping: Mapped[str | None] = mapped_column(String(48))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChoiceListsVersion(Base):
    """One row whose ``version`` changes with every change to ``choices``, whoever makes it:
    triggers set it (migration 0025) to a value never used before (a sequence on PostgreSQL,
    a random 64-bit number on SQLite), so a change rolled back never leaves a version that a
    later change could take again. A process keeps the lists of the version it last read."""

    __tablename__ = "choice_lists_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


def strand_set(codes: Iterable[str]) -> str:
    """Strand codes as Report.strand_set keeps them: each between commas (",race,religion,"),
    so one is matched as LIKE '%,race,%'; "" for none."""
    codes = sorted(codes)
    return f",{','.join(codes)}," if codes else ""


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(one_of("channel", Channel), name="channel"),
        CheckConstraint(one_of("reporter_type", ReporterType), name="reporter_type"),
        CheckConstraint(one_of("police_consent", PoliceConsent), name="police_consent"),
        CheckConstraint(one_of("status", Status), name="status"),
        CheckConstraint(one_of("priority", Priority), name="priority"),
        CheckConstraint(
            "closure_reason IS NULL OR " + one_of("closure_reason", ClosureReason), name="closure_reason"
        ),
        CheckConstraint("happened_before IS NULL OR " + one_of("happened_before", HappenedBefore),
                        name="happened_before"),
        CheckConstraint("place_kind IS NULL OR " + one_of("place_kind", PlaceKind), name="place_kind"),
        Index("ix_reports_priority_received", "priority", "received_at"),
        # The queue counts by status, with or without a strand, from these indexes alone (never the
        # rows): filtered by area (the commonest filter) from the second.
        Index("ix_reports_status_received", "status", "received_at", "strand_set"),
        Index("ix_reports_area_status_priority_received", "area", "status", "priority", "received_at", "strand_set"),
        # A centre's reports by time: whether one came through it in a quarter is one probe (the
        # statistics' centres table), and the foreign key's lookups use its first column.
        Index("ix_reports_centre_received", "centre_id", "received_at"),
        # A case's possible duplicates: same area, a few days either side of its incident date, one
        # range. (The index on area alone stays: SQLite looks a list of ids up in it by area and rowid.)
        Index("ix_reports_area_incident", "area", "incident_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    reporter_type: Mapped[str] = mapped_column(String(16))
    incident_date: Mapped[date | None] = mapped_column(Date, index=True)
    incident_date_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    area: Mapped[str] = mapped_column(String(48), index=True)
    police_consent: Mapped[str] = mapped_column(String(16))
    support_wanted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24), default=Status.NEW.value)
    priority: Mapped[str] = mapped_column(String(16), default=Priority.NORMAL.value)
    retain_until: Mapped[date] = mapped_column(Date, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    closure_reason: Mapped[str | None] = mapped_column(String(32))
    # Which of the strategy's least-likely-to-report groups the reporter's reasons name
    # (STRATEGY_GROUPS codes, sorted, comma-separated; "" none); NULL for reports from before
    # it was kept. Nothing finer: the reasons themselves stay sealed.
    strategy_groups: Mapped[str | None] = mapped_column(String(80))
    # The reporter's answer to "Has this happened to you before?" as a HappenedBefore code; NULL when
    # not answered, "prefer not to say", or from before it was asked. Repeat victimisation as an answer.
    happened_before: Mapped[str | None] = mapped_column(String(16))
    # The kind of place (a PlaceKind code), NULL when not answered: with the area, a repeat location.
    # The place's description stays sealed.
    place_kind: Mapped[str | None] = mapped_column(String(24))
    # The strands again, as ",race,religion," (see strand_set()), written with the report_strands
    # rows and never changed: the queue's strand filter reads it from an index, where testing each
    # case's report_strands rows cost more than the rest of a filtered page; the case page's possible
    # duplicates test it on each candidate's row (PostgreSQL hash-joined a whole strand's rows).
    strand_set: Mapped[str | None] = mapped_column(String(255))
    # Risk flags are staff-only: sealed to the group key, shown only on the case page.
    staff_flags: Mapped[bytes | None] = mapped_column(LargeBinary)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    # The reporter added something the Group has not looked at yet.
    new_information: Mapped[bool] = mapped_column(Boolean, default=False)
    # An assisted or phone report's first receipt was replaced by the reporter's own.
    receipt_reissued: Mapped[bool] = mapped_column(Boolean, default=False)
    # One report per draft, however often the final button is pressed.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Set when the sealed content and key wraps were destroyed (reporting/retention): the
    # clear fields above stay for the statistics; nothing left opens with any key.
    content_destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_destroyed_rule: Mapped[str | None] = mapped_column(String(24))

    # Keys: the report's own key pair; its private half wrapped to the group key
    # and under a key derived from the receipt's secret part.
    key_algorithm: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    group_key_id: Mapped[int] = mapped_column(ForeignKey("service_keys.id"), index=True)
    key_wrap_group: Mapped[bytes] = mapped_column(LargeBinary)
    key_wrap_receipt: Mapped[bytes] = mapped_column(LargeBinary)
    receipt_lookup: Mapped[str] = mapped_column(String(16), unique=True)
    receipt_salt: Mapped[bytes] = mapped_column(LargeBinary)
    receipt_kdf: Mapped[str] = mapped_column(String(64))
    receipt_verifier: Mapped[bytes] = mapped_column(LargeBinary)
    # A code someone else saw (a centre's slip, a code read out on the phone) opens only
    # with the word the person chose: the word is joined to the code before Argon2id.
    # Wrong tries are counted, so a slip cannot be worked through word by word.
    receipt_needs_word: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    receipt_word_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    content: Mapped[bytes] = mapped_column(LargeBinary)

    strands: Mapped[list[ReportStrand]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    incident_types: Mapped[list[ReportIncidentType]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def strand_codes(self) -> list[str]:
        return sorted(s.strand for s in self.strands)

    @property
    def incident_type_codes(self) -> list[str]:
        return sorted(t.incident_type for t in self.incident_types)


class ReportStrand(Base):
    __tablename__ = "report_strands"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    strand: Mapped[str] = mapped_column(String(48), primary_key=True, index=True)


class ReportIncidentType(Base):
    __tablename__ = "report_incident_types"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    incident_type: Mapped[str] = mapped_column(String(48), primary_key=True, index=True)


class Draft(Base):
    """Answers in progress, encrypted under a key that lives only in the reporter's cookie.

    After sending, ``receipt`` holds the reference and receipt code (under the
    same key) so the confirmation page survives a double submit or a reload,
    until the draft expires.
    """

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answers: Mapped[bytes] = mapped_column(LargeBinary)
    receipt: Mapped[bytes | None] = mapped_column(LargeBinary)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    # Checked and bumped by every write (reports.services): a save or a send made from a
    # stale copy (another tab changed the draft meanwhile) changes nothing and raises
    # DraftChangedError, instead of silently replacing what the other tab wrote.
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class DraftFile(Base):
    """A file attached during the journey, encrypted under the draft's key (only the cookie
    holds it). On sending, it moves to the report's own key as evidence; an expired or
    discarded draft takes its files with it."""

    __tablename__ = "draft_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    original: Mapped[bytes] = mapped_column(LargeBinary)
    cleaned: Mapped[bytes] = mapped_column(LargeBinary)
    # Encrypted: name, types, size and the SHA-256 of the original.
    details: Mapped[bytes] = mapped_column(LargeBinary)


class PendingReceipt(Base):
    """A new receipt code a second key holder approved and sent to the reporter, not yet used.

    The reporter's old code keeps working until this one is first used at /status; that use
    (reporting.status) moves these columns onto the report (the old code then stops) and
    removes the row. Made by reporting.reports.services.new_pending_receipt.
    Like the report's own: the lookup in clear, the report's key wrapped under Argon2id
    of the code's secret part; the code itself is nowhere.
    """

    __tablename__ = "pending_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    lookup: Mapped[str] = mapped_column(String(16), unique=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    kdf: Mapped[str] = mapped_column(String(64))
    verifier: Mapped[bytes] = mapped_column(LargeBinary)
    key_wrap: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
