"""Demo data of the centres' life (issue 31 items 6-7), loaded by `flask demo` once: opening
dates, a closed centre, a contact, visits, training (one lapsed, one due soon), and the oldest
demo report counted as coming through the library's poster (its centre and channel only)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from reporting.centres.models import Centre, CentreTraining, CentreVisit
from reporting.centres.services import add_months
from reporting.codes import Channel
from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report

# slug: (months ago it opened, months ago it closed or None), for the centres in demo_centres.csv.
HISTORY = {
    "example-library": (40, None),
    "example-council-office": (30, None),
    "example-community-charity": (8, None),
    "example-housing-office": (36, 2),
}


def load_demo_centre_life(today: date | None = None) -> bool:
    """Idempotent: does nothing once a visit exists. True when it changed a report's centre
    (the caller drops the statistics' kept months)."""
    if db.session.scalar(select(CentreVisit.id).limit(1)) is not None:
        return False
    today = today or utcnow().date()
    centres = {c.slug: c for c in db.session.scalars(select(Centre).where(Centre.slug.in_(HISTORY)))}
    for slug, (opened, closed) in HISTORY.items():
        centre = centres.get(slug)
        if centre is None:
            continue
        centre.opened_on = add_months(today, -opened)
        centre.closed_on = add_months(today, -closed) if closed else None
        centre.contact_email = f"{slug}@example.org"
    library, office = centres.get("example-library"), centres.get("example-council-office")
    if library is not None:
        db.session.add_all([
            CentreVisit(centre_id=library.id, visited_on=today - timedelta(days=40), poster_displayed=True,
                        leaflets_stocked=False, staff_able=2, notes="Leaflets ran out; more sent."),
            CentreVisit(centre_id=library.id, visited_on=today - timedelta(days=200), poster_displayed=True,
                        leaflets_stocked=True, staff_able=3, notes=""),
            CentreTraining(centre_id=library.id, person_name="Example Person A", person_role="Library assistant",
                           trained_on=add_months(today, -11), refresher_due=add_months(today, 1)),
            CentreTraining(centre_id=library.id, person_name="Example Person B", person_role="Duty manager",
                           trained_on=add_months(today, -3), refresher_due=add_months(today, 9)),
        ])
    if office is not None:
        db.session.add_all([
            CentreVisit(centre_id=office.id, visited_on=today - timedelta(days=90), poster_displayed=False,
                        leaflets_stocked=True, staff_able=0, notes="Poster not up; replacement left."),
            CentreTraining(centre_id=office.id, person_name="Example Person C", person_role="Receptionist",
                           trained_on=add_months(today, -20), refresher_due=add_months(today, -8)),
        ])
    changed = False
    if library is not None:
        oldest = db.session.scalar(select(Report).where(Report.centre_id.is_(None), Report.channel == Channel.ONLINE.value)
                                   .order_by(Report.received_at).limit(1))
        if oldest is not None:
            oldest.centre_id = library.id
            oldest.channel = Channel.CENTRE_LINK.value
            changed = True
    db.session.flush()
    return changed
