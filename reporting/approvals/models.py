"""A request for an act that one person alone may not do, and its second key holder's decision.

Clear columns are codes, ids and times only: the reason a person gave is sealed to the
group key (``reason``), and ``facts`` holds codes (how the reporter asked, the route a
new code goes by, an erasure reason), never anything they wrote.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow


class Act(enum.StrEnum):
    """What waits for a second key holder."""

    NEW_RECEIPT_CODE = "new_receipt_code"  # changes who can speak as the reporter
    LIFT_HOLD = "lift_hold"  # lets the retention run destroy a kept case
    ERASE_REPORT = "erase_report"  # cannot be undone


class Decision(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the person who asked, before anyone decided


class AskRoute(enum.StrEnum):
    """How a reporter asked for a new receipt code, as the member of staff records it."""

    PHONE = "phone"
    IN_PERSON = "in_person"
    EMAIL = "email"
    LETTER = "letter"


class IdentityCheck(enum.StrEnum):
    """How they proved who they are: the Partnership's chosen checks."""

    CALL_BACK = "call_back"
    IN_PERSON = "in_person"
    CONTACT_DETAILS = "contact_details"


class DeliveryRoute(enum.StrEnum):
    """How a new code reaches the reporter: only to contact details they gave, with consent."""

    EMAIL = "email"


# The words of each code (reporting.labels shows them; the new-code form offers them).
ACT_WORDS = {
    Act.NEW_RECEIPT_CODE: _l("A new receipt code for the reporter"),
    Act.LIFT_HOLD: _l("Lift the legal hold"),
    Act.ERASE_REPORT: _l("Erase the report's content"),
}
DECISION_WORDS = {
    Decision.APPROVED: _l("Approved"),
    Decision.DECLINED: _l("Declined"),
    Decision.WITHDRAWN: _l("Withdrawn"),
}
ASK_WORDS = {
    AskRoute.PHONE: _l("They phoned the Group"),
    AskRoute.IN_PERSON: _l("They came in person"),
    AskRoute.EMAIL: _l("They wrote by email"),
    AskRoute.LETTER: _l("They wrote a letter"),
}
IDENTITY_WORDS = {
    IdentityCheck.CALL_BACK: _l("We called them back on the number they gave in the report, and they answered "
                                "questions only they could"),
    IdentityCheck.IN_PERSON: _l("They came in person with identification"),
    IdentityCheck.CONTACT_DETAILS: _l("They wrote from the email address they gave in the report, and answered "
                                      "questions only they could"),
}
DELIVERY_WORDS = {
    DeliveryRoute.EMAIL: _l("By email, to the address they gave in their report: the service sends it, and no one "
                            "at the Group sees it"),
}


class TwoPersonRequest(Base):
    """One key holder asks; a second (never the same person) approves or declines."""

    __tablename__ = "two_person_requests"
    __table_args__ = (
        CheckConstraint("act IN ('new_receipt_code', 'lift_hold', 'erase_report')", name="act"),
        CheckConstraint("decision IS NULL OR decision IN ('approved', 'declined', 'withdrawn')", name="decision"),
        CheckConstraint("decision = 'withdrawn' OR decided_by_id IS NULL OR requested_by_id IS NULL "
                        "OR decided_by_id != requested_by_id", name="second_person"),
        CheckConstraint("(decision IS NULL) = (decided_at IS NULL)", name="decided_together"),
        # One open request per act and report: a second ask waits on the first.
        Index("uq_two_person_requests_open", "report_id", "act", unique=True,
              sqlite_where=text("decided_at IS NULL"), postgresql_where=text("decided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    act: Mapped[str] = mapped_column(String(24))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed to the group key
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # codes only
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    decision: Mapped[str | None] = mapped_column(String(16))
