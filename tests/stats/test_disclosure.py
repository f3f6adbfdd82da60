"""Open data: every count from 1 to 4 is "<5", and no hidden count can be worked out again.

The attacker below knows everything published: every shown number, that a "<5" is 1 to 4,
that a "[c]" is 0 or more, that each row adds up to its total, each column to the total row,
and that tables with a total row share it (reports per financial year, and the grand total).
It narrows each hidden cell's range from every row, column and shared margin until nothing
changes; a cell whose range shrinks to one value has been recovered.
"""
from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.stats import disclosure
from reporting.stats.figures import Row, Table
from tests.stats.conftest import RANGE

Key = tuple[str, int, int]  # (table, row, column)


def attack(published: list[dict[str, Any]]) -> dict[Key, tuple[float, float]]:
    """The range of every hidden cell, given what was published."""
    known: dict[Key, float] = {}
    ranges: dict[Key, list[float]] = {}
    equations: list[tuple[list[Key], Key]] = []  # sum(parts) == total
    for t in published:
        rows = [r["values"] for r in t["rows"]]
        has_total_row = bool(t["rows"]) and t["rows"][-1]["total"]
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                key = (t["id"], r, c)
                if value == "<5":
                    ranges[key] = [1, 4]
                elif value == "[c]":
                    ranges[key] = [0, float("inf")]
                else:
                    known[key] = float(value)
            equations.append(([(t["id"], r, c) for c in range(len(values) - 1)], (t["id"], r, len(values) - 1)))
        if has_total_row:
            for c in range(len(rows[0])):
                equations.append(([(t["id"], r, c) for r in range(len(rows) - 1)], (t["id"], len(rows) - 1, c)))
    # Shared margin: the total rows of tables over the same columns are the same numbers.
    margins = [t for t in published if t["rows"] and t["rows"][-1]["total"]]
    for a in margins:
        for b in margins:
            if a["id"] < b["id"]:
                for c in range(len(a["rows"][-1]["values"])):
                    ka, kb = (a["id"], len(a["rows"]) - 1, c), (b["id"], len(b["rows"]) - 1, c)
                    equations.append(([ka], kb))
                    equations.append(([kb], ka))

    def lo(k: Key) -> float:
        return known[k] if k in known else ranges[k][0]

    def hi(k: Key) -> float:
        return known[k] if k in known else ranges[k][1]

    for _ in range(200):
        moved = False
        for parts, total in equations:
            for k in parts:
                if k in ranges:
                    others = [p for p in parts if p != k]
                    new_lo = lo(total) - sum(hi(p) for p in others)
                    new_hi = hi(total) - sum(lo(p) for p in others)
                    if new_lo > ranges[k][0] or new_hi < ranges[k][1]:
                        ranges[k] = [max(ranges[k][0], new_lo), min(ranges[k][1], new_hi)]
                        moved = True
            if total in ranges:
                new_lo, new_hi = sum(lo(p) for p in parts), sum(hi(p) for p in parts)
                if new_lo > ranges[total][0] or new_hi < ranges[total][1]:
                    ranges[total] = [max(ranges[total][0], new_lo), min(ranges[total][1], new_hi)]
                    moved = True
        if not moved:
            break
    return {k: (v[0], v[1]) for k, v in ranges.items()}


def recovered(published: list[dict[str, Any]]) -> list[Key]:
    return sorted(k for k, (low, high) in attack(published).items() if low == high)


def test_open_data_hides_small_counts_and_none_can_be_recovered(stats_world, analyst):
    response = analyst.get("/stats/export.json", query_string=RANGE | {"open": "1"})
    published = json.loads(response.data)["tables"]
    assert json.loads(response.data)["open_data"] is True
    hidden = [v for t in published for r in t["rows"] for v in r["values"] if v in ("<5", "[c]")]
    assert len(hidden) > 10, "the fixture should exercise suppression"
    # No count from 1 to 4 is shown anywhere.
    shown = [v for t in published for r in t["rows"] for v in r["values"] if isinstance(v, int | float)]
    assert not [v for v in shown if 1 <= v <= 4]
    assert recovered(published) == []
    # Dates no finer than a month, areas no finer than the list.
    ids = {t["id"] for t in published}
    assert ids == {"open_by_month", "open_by_area", "open_by_channel", "open_by_reporter_type", "open_by_strand",
                   "open_by_incident_type", "open_by_strategy_group"}
    page = analyst.get("/stats/open-data", query_string=RANGE).get_data(as_text=True)
    assert "&lt;5" in page and "[c]" in page


def test_the_attack_does_recover_a_cell_when_only_primary_suppression_is_applied(stats_world, analyst):
    # The attack is not a formality: on the same figures with only "<5" (no secondary cells), it wins.
    assert recovered(_open_tables_without_secondary(analyst)) != []


def _open_tables_without_secondary(client) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from reporting.stats import figures, queries
    from reporting.stats.periods import parse_month

    app = client.application
    with app.test_request_context():
        result = figures.build(queries.Filters(parse_month(RANGE["first"]), parse_month(RANGE["last"])))
        tables = figures.open_data_tables(result)
    out = []
    for t in tables:
        rows = [{"total": r.total, "values": ["<5" if isinstance(v, int) and 1 <= v <= 4 else v for v in r.values]}
                for r in t.rows]
        out.append({"id": t.id, "rows": rows})
    return out


def as_published(tables: list[Table]) -> list[dict[str, Any]]:
    return [{"id": t.id, "rows": [{"total": r.total, "values": r.values} for r in t.rows]} for t in tables]


def cross_table(table_id: str, cells: list[list[int]], total_row: bool = True) -> Table:
    rows = [Row(str(i), str(i), [*values, sum(values)]) for i, values in enumerate(cells)]
    if total_row:
        sums = [sum(r.values[c] for r in rows) for c in range(len(rows[0].values))]  # type: ignore[misc]
        rows.append(Row("total", "Total", sums, total=True))
    return Table(table_id, table_id, "", [str(c) for c in range(len(cells[0]) + 1)], rows,
                 additive_rows=True, additive_columns=total_row)


small_counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=int(__import__("os").environ.get("STATS_EXAMPLES", "150")), deadline=None)
@given(st.data())
def test_no_random_pair_of_tables_sharing_a_margin_gives_a_hidden_cell_away(data):
    columns = data.draw(st.integers(min_value=1, max_value=4))
    first = data.draw(st.lists(st.lists(small_counts, min_size=columns, max_size=columns), min_size=1, max_size=5))
    # A second table over the same columns with the same column totals (the shared margin).
    totals = [sum(r[c] for r in first) for c in range(columns)]
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    parts = data.draw(st.integers(min_value=1, max_value=4))
    second = [[0] * columns for _ in range(parts)]
    for c, total in enumerate(totals):
        for _ in range(total):
            second[rng.randrange(parts)][c] += 1
    published = disclosure.suppress([cross_table("a", first), cross_table("b", second)])
    flat = as_published(published)
    assert recovered(flat) == []
    for table, source in zip(published, (first, second)):
        for r, row in enumerate(source):
            for c, value in enumerate(row):
                if 1 <= value <= 4:  # "<5", or "[c]" where even "at least 1" would give a cell away
                    assert table.rows[r].values[c] in ("<5", "[c]")
