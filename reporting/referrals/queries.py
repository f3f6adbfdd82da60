from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from reporting.extensions import read
from reporting.referrals.models import Referral
from reporting.reports.models import Report


class CaseReferral(NamedTuple):
    """What the case page shows of a referral: clear columns, never the sealed package."""

    id: int
    created_at: datetime
    state: str
    kind: str
    override_reason: str | None
    crime_reference: str | None
    outcome: str | None
    created_by_id: int | None


_FOR_REPORT = (
    select(Referral.id, Referral.created_at, Referral.state, Referral.kind, Referral.override_reason,
           Referral.crime_reference, Referral.outcome, Referral.created_by_id)
    .where(Referral.report_id == bindparam("report_id"))
    .order_by(Referral.created_at)
)


def referrals_for(report: Report) -> list[CaseReferral]:
    return [CaseReferral(*row) for row in read(_FOR_REPORT, {"report_id": report.id})]
