"""Demo initiatives and area populations for `flask demo` (idempotent; marked as examples)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from reporting.codes import InitiativeKind
from reporting.context import queries, services
from reporting.context.models import Initiative
from reporting.db import utcnow
from reporting.extensions import db

# Residents of the demo's areas: round example figures, not an official count.
POPULATIONS = {"shrewsbury": 76_800, "oswestry": 17_900, "ludlow": 11_000, "telford_and_wrekin": 185_800,
               "market_drayton": 12_600}
SOURCE = "(Example) Census 2021, usual residents"


def _months_ago(today: date, months: int) -> date:
    number = today.year * 12 + today.month - 1 - months
    return date(number // 12, number % 12 + 1, 1)


def load_demo_context(today: date | None = None) -> None:
    """A campaign, a new centre and the last Hate Crime Awareness Week, and the demo areas'
    populations; nothing is added twice."""
    today = today or utcnow().date()
    if not db.session.scalar(select(func.count()).select_from(Initiative)):
        october = date(today.year if today.month >= 10 else today.year - 1, 10, 11)
        campaign = _months_ago(today, 5)
        for data in (
            services.InitiativeData("(Example) Report it posters on buses", InitiativeKind.CAMPAIGN, campaign,
                                    campaign + timedelta(days=41), None),
            services.InitiativeData("(Example) Ludlow library centre opens", InitiativeKind.NEW_CENTRE,
                                    _months_ago(today, 8) + timedelta(days=9), None, "ludlow"),
            services.InitiativeData(f"Hate Crime Awareness Week {october.year}", InitiativeKind.AWARENESS_WEEK,
                                    october, october + timedelta(days=7), None),
        ):
            services.save_initiative(data, actor="demo")
    known = dict(queries.areas())
    entered = queries.populations()
    for area, residents in POPULATIONS.items():
        if area in known and area not in entered:
            services.save_population(area, population=residents, source=SOURCE, year=2021, actor="demo")
    db.session.flush()
