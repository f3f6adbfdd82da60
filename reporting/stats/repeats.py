"""Repeat victimisation and repeat locations: the reporter's answers, counted from two clear codes.

"Has this happened to you before?" is kept in clear as a coded band (``reports.happened_before``)
and the kind of place as a code (``reports.place_kind``); see the impact note in docs/security.md.
The links the Group makes between cases ("related") are another figure, shown beside the answer
under their own name: one is what the reporter said, the other what the Group decided.

A repeat location is an area and a kind of place named by two or more reports received in the
period. One grouped statement by month (``repeats_by_month``) serves both, so the month cache
(reporting/stats/cache.py) keeps it like every other statement and a period's locations are the
sums of its months.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select

from reporting.codes import HappenedBefore, PlaceKind
from reporting.stats import queries
from reporting.stats.queries import Filters, Scope, month_of, reports
from reporting.words import gettext as _

# The dimensions this module adds to a month's sums (see figures.MonthSums.by).
ANSWER = "happened_before"
LOCATION = "location"
DIMENSIONS = (ANSWER, LOCATION)
NOT_ANSWERED = "not_answered"
# Kinds of area that name a place in the Partnership's own area (the area list's groupings,
# data an administrator keeps): "online", "outside West Mercia" and the neighbouring areas do not.
PLACE_AREAS = ("town", "rural")
# A kind of place that is no kind: two reports "somewhere else" in one town are not one place.
NO_KIND = PlaceKind.SOMEWHERE_ELSE.value
# Reports that had happened before, by the reporter's answer (any band but "no").
BEFORE = tuple(code.value for code in HappenedBefore if code is not HappenedBefore.NO)


def repeats_by_month(f: Filters) -> Sequence[Any]:
    """(month, area, kind of place, happened before, reports): NULL codes for questions not answered."""
    return queries._grouped(_repeats_by_month, f)


def _repeats_by_month(f: Scope) -> Any:
    month = month_of(reports.received_at)
    columns = (reports.area, reports.place_kind, reports.happened_before)
    return select(month, *columns, func.count()).where(*queries._received_in(f)).group_by(month, *columns)


def add_month(rows: Iterable[Sequence[Any]], by: dict[str, Counter[Any]]) -> None:
    """Sum one month's rows of ``repeats_by_month`` into ``by``: answers by band, reports by (area, kind)."""
    answers: Counter[Any] = by.setdefault(ANSWER, Counter())
    locations: Counter[Any] = by.setdefault(LOCATION, Counter())
    for _m, area, kind, before, n in rows:
        answers[before or NOT_ANSWERED] += n
        if kind and kind != NO_KIND:
            locations[(area, kind)] += n


class _Sums(Protocol):
    """What this module reads of a month's sums (figures.MonthSums)."""

    @property
    def by(self) -> dict[str, Counter[Any]]: ...

    @property
    def measures(self) -> Counter[str]: ...


def repeat_locations(locations: Mapping[Any, int], place_areas: set[str]) -> dict[tuple[str, str], int]:
    """The (area, kind of place) pairs named by two or more reports, with their reports."""
    return {key: n for key, n in locations.items() if n >= 2 and key[0] in place_areas}


def place_areas() -> set[str]:
    return {code for code, _label, grouping in queries.choice_labels("area") if grouping in PLACE_AREAS}


def measures(months: Sequence[_Sums]) -> dict[str, int]:
    """The period's repeat measures from its months' sums: reports whose reporter said it had happened
    before, and reports at a repeat location (pairs counted over the whole period)."""
    answers: Counter[Any] = Counter()
    locations: Counter[Any] = Counter()
    for sums in months:
        answers.update(sums.by.get(ANSWER, {}))
        locations.update(sums.by.get(LOCATION, {}))
    return {"happened_before": sum(answers[code] for code in BEFORE),
            "repeat_location": sum(repeat_locations(locations, place_areas()).values())}


MEASURES = ("happened_before", "repeat_location")


def measure_headings() -> list[str]:
    return [_("Reports where it had happened before (the reporter's answer: once, several times or ongoing)"),
            _("Reports at a repeat location (the same area and kind of place as another report in the period)")]


def bands() -> list[tuple[str, Any]]:
    """The answer's bands in order, then "not answered": every report is in exactly one."""
    return [*HappenedBefore.words().items(), (NOT_ANSWERED, _("Not answered"))]


def open_answer_note() -> str:
    return str(_("The reporter's own answer to the optional question “Has this happened to you before?”. "
             "“Prefer not to say”, no answer, and reports received before the question was asked are counted "
             "as not answered."))


def answer_note() -> str:
    return str(_("The reporter's own answer to the optional question “Has this happened to you before?”, kept in clear "
             "only as one of these bands. “Prefer not to say”, no answer, and reports received before the "
             "question was asked are counted as not answered. This is not the Group's links between cases: "
             "those are the next table."))


def linked_note() -> str:
    return str(_("Links the Group made between cases, counted by the month the report was received: a report linked "
             "to several others counts once. This is the Group's decision, not the reporter's answer."))


def locations_note() -> str:
    return str(_("A repeat location is an area and a kind of place (the reporter's answer to the optional question "
             "“What kind of place was it?”) named by two or more reports received in the dates chosen. Every "
             "report at such a location counts, the first one included. Only towns and rural areas of Shropshire "
             "count as places: reports online, outside West Mercia or in a neighbouring area, with no kind of "
             "place, or “somewhere else”, are never counted as a repeat location. The place itself is sealed "
             "and never compared."))


@dataclass(frozen=True)
class Part:
    """A table of reports and their share (figures.build makes it a ``Table``): rows of
    (code, words, reports, whether it is the total row)."""

    id: str
    title: str
    row_header: str
    rows: list[tuple[str, str, int, bool]]
    note: str


def tables(months: Sequence[_Sums], area_labels: Mapping[str, str]) -> list[Part]:
    """The three tables: answers by band, the Group's links beside them, and the repeat locations."""
    answers: Counter[Any] = Counter()
    locations: Counter[Any] = Counter()
    linked: Counter[str] = Counter()
    for sums in months:
        answers.update(sums.by.get(ANSWER, {}))
        locations.update(sums.by.get(LOCATION, {}))
        linked.update({kind: sums.measures.get(f"linked_{kind}", 0) for kind in ("related", "duplicate")})
    by_answer = Part("by_happened_before", _("Reports by whether it had happened before"),
                     _("Had it happened before?"),
                     [(str(code), str(words), answers.get(code, 0), False) for code, words in bands()], answer_note())
    by_link = Part("linked_by_group", _("Reports linked as related by the Group"), _("Link"), [
        ("related", _("Linked as related by the Group"), linked["related"], False),
        ("duplicate", _("Linked as duplicates by the Group"), linked["duplicate"], False),
    ], linked_note())
    found = repeat_locations(locations, place_areas())
    kinds = PlaceKind.words()
    rows = [(f"{area}:{kind}", _("%(area)s: %(kind)s", area=area_labels.get(area, area), kind=str(kinds.get(kind, kind))),
             n, False) for (area, kind), n in sorted(found.items(), key=lambda item: (-item[1], item[0]))]
    rows.append(("repeat_location", _("Reports at a repeat location"), sum(found.values()), True))
    by_location = Part("repeat_locations", _("Repeat locations (the same area and kind of place)"),
                       _("Area and kind of place"), rows, locations_note())
    return [by_answer, by_link, by_location]
