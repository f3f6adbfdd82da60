"""Months, quarters, financial years (April to March) and calendar years: the calendar the
statistics and the police quarterly extract share (no feature; a month's words are
labels.month_name).

A month is the string ``YYYY-MM`` in Europe/London time (a report at 00:30 on 1 April,
British Summer Time, belongs to April), the finest period the statistics use.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from reporting.db import utcnow

LONDON = ZoneInfo("Europe/London")


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def london_month(value: datetime | str) -> str:
    """The Europe/London month of a stored UTC time (a datetime, or SQLite's text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return month_key(value.astimezone(LONDON))


def month_start(day: date) -> datetime:
    """Midnight at the start of ``day``'s month in Europe/London, as a UTC time."""
    return datetime(day.year, day.month, 1, tzinfo=LONDON).astimezone(UTC)


def parse_month(text: str) -> date:
    """``YYYY-MM`` -> the first of that month; ValueError otherwise."""
    year, month = text.split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return date(int(year), int(month), 1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    months, day = [], date(first.year, first.month, 1)
    while day <= last:
        months.append(month_key(day))
        day = next_month(day)
    return months


def fy_start(year: int, month: int) -> int:
    """The year in which the financial year holding this month began (April to March)."""
    return year if month >= 4 else year - 1


def financial_year(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    start = fy_start(year, m)
    return f"{start}/{(start + 1) % 100:02d}"


def quarter(month: str) -> str:
    """Financial-year quarter: April to June is Q1."""
    m = int(month[5:7])
    return f"{financial_year(month)} Q{((m - 4) % 12) // 3 + 1}"


def calendar_year(month: str) -> str:
    return month[:4]


def current_fy_first_month(today: date) -> date:
    return date(fy_start(today.year, today.month), 4, 1)


def default_range(today: date) -> tuple[date, date]:
    """The last financial year and this one to date: the baseline and its comparison."""
    start = current_fy_first_month(today)
    return date(start.year - 1, 4, 1), date(today.year, today.month, 1)


@dataclass(frozen=True)
class Period:
    """A fixed period open data is published for: a financial year, or a quarter within one."""

    code: str  # "2025/26" or "2025/26 Q2", also its label
    first: str  # first month, YYYY-MM
    last: str  # last month, YYYY-MM

    @property
    def months(self) -> list[str]:
        return months_between(parse_month(self.first), parse_month(self.last))

    @property
    def year(self) -> str:
        return self.code[:7]

    @property
    def is_year(self) -> bool:
        return len(self.code) == 7


def publishable_periods(earliest: str | None, today: date) -> list[Period]:
    """Every period open data may be published for, oldest first: each quarter of a financial
    year that has ended by ``today``, then the year itself once its fourth quarter has ended,
    from the financial year of the first report. No other span of months is ever published."""
    if earliest is None:
        return []
    this_month = month_key(today)
    start = fy_start(int(earliest[:4]), int(earliest[5:7]))
    out: list[Period] = []
    while True:
        year_first = date(start, 4, 1)
        if month_key(year_first) >= this_month:
            return out
        quarters = []
        for q in range(4):
            first = date(start + (q == 3), 4 + 3 * q if q < 3 else 1, 1)
            last = date(first.year, first.month + 2, 1)
            if month_key(last) >= this_month:
                break
            quarters.append(Period(quarter(month_key(first)), month_key(first), month_key(last)))
        out += quarters
        if len(quarters) == 4:
            out.append(Period(financial_year(month_key(year_first)), month_key(year_first), f"{start + 1:04d}-03"))
        start += 1


def london_today() -> date:
    """Today's date in Europe/London: what decides whether a period has ended or a meeting been held."""
    return utcnow().astimezone(LONDON).date()


def has_ended(last_month: str, today: date) -> bool:
    """Whether a period ending with the month ``last_month`` (``YYYY-MM``) is over by ``today``."""
    return last_month < month_key(today)
