"""What police referrals plug into the case file: their panel, their timeline sentences and
the queue's "referral not acknowledged" warning."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists

from reporting.auth.models import User
from reporting.casefile import CaseFileRegistry, Event, Holdings, Keys, Panel
from reporting.cases.models import EventKind
from reporting.labels import label
from reporting.referrals import queries, services
from reporting.referrals.models import Referral, ReferralState
from reporting.reports.models import Report
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l


def referral_sentence(event: Event, people: Mapping[str, str]) -> str:
    what = event.action
    if what == "sent":
        return _("Referral sent to the police: %(kind)s", kind=label("referral_kind", event.after))
    if what == "override_requested":
        return _("Safeguarding override asked for: %(reason)s", reason=label("override", event.reason))
    if what == "override_approved":
        return _("Safeguarding override approved by a second reviewer")
    if what == "acknowledged":
        return _("The police acknowledged the referral")
    if what == "outcome":
        text = _("The police recorded an outcome: %(outcome)s", outcome=label("outcome", event.after))
        if event.ref:
            text += " " + _("(crime reference %(reference)s)", reference=event.ref)
        return text
    if what == "question_from_police":
        return _("The police asked the Group a question")
    if what == "answer_to_police":
        return _("The Group answered the police")
    return _("Police referral")


def case_panel(report: Report, viewer: User, keys: Keys | None, held: Holdings) -> Panel:
    """The case's referrals, with the approval and answer forms and the button to refer."""
    referrals = queries.referrals_for(report) if held.holds("referrals") else []
    return Panel("referrals/_case_panel.html", {"referrals": referrals})


def has_referrals() -> Any:
    return exists().where(Referral.report_id == Report.id)


def overdue_condition() -> Any:
    """The queue's "Referral not acknowledged": a referral sent and not acknowledged before the
    moment bound as ``referral_overdue_before`` (the police inbox's "late", one definition)."""
    return exists().where(Referral.report_id == Report.id, Referral.state == ReferralState.SENT.value,
                          Referral.sent_at < bindparam("referral_overdue_before"))


def overdue_params(now: datetime, settings: Any) -> dict[str, Any]:
    return {"referral_overdue_before": services.overdue_before(now, settings)}


def register(registry: CaseFileRegistry) -> None:
    registry.register_panel("referrals", 100, case_panel)
    registry.register_holding("referrals", has_referrals)
    registry.register_sentences(EventKind.REFERRAL.value, referral_sentence)
    registry.register_queue_tag("referral_overdue", 100, overdue_condition, overdue_params,
                                _l("Referral not acknowledged"), "red")
