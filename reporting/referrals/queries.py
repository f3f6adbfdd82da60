from __future__ import annotations

from sqlalchemy import select

from reporting.extensions import db
from reporting.referrals.models import Referral
from reporting.reports.models import Report


def referrals_for(report: Report) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.report_id == report.id).order_by(Referral.created_at)))
