"""The reporting centres' figures (issue 31 item 7): per financial-year quarter of the dates
chosen, the centres open, the centres active and the centres with trained staff. One table,
so it shows on the page and goes into every export like the others.

In words: a centre is *open* in a quarter when it was open on at least one day of it (from its
opening date, not known counting as open, to the day before it closed); *active* when, open, at
least one report came through it in the quarter (assisted, or from its poster); *with trained
staff* when it was open on the quarter's last day and someone's training was current that day
(trained by then, refresher not yet due). A quarter cut by the dates chosen counts the months
inside them. From the centres' dates, the training dates and each report's centre and received
time only: no answer of a report, so the other filters (area, strand...) do not apply.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from reporting.centres import queries as centre_queries
from reporting.words import gettext as _


T = TypeVar("T")


def centres_table(months: list[str], table: Callable[..., T], row: Callable[..., Any]) -> T:
    """The ``centres_by_quarter`` table, made with figures' ``Table`` and ``Row`` (passed in:
    figures imports this module, so it cannot import figures back)."""
    rows = [row(q.label, q.label, [q.open, q.active, q.trained]) for q in centre_queries.centres_by_quarter(months)]
    return table(
        "centres_by_quarter", _("Reporting centres by quarter (financial year)"), _("Quarter"),
        [_("Centres open"), _("Centres active (a report came through them)"), _("Centres with trained staff")], rows,
        note=_("Open: open on at least one day of the quarter. Active: open, and at least one report came through "
               "the centre in the quarter. With trained staff: open on the quarter's last day with someone's hate "
               "crime awareness training current that day. Counted whatever the filters other than the dates."),
    )
