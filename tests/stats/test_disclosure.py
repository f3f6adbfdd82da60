"""Open data: every count from 1 to 4 is hidden, and no hidden count can be worked out again
from any combination of what is published.

The reader below knows everything published: every shown number, that a "<5" is 1 to 4 and
a "[c]" 0 or more, the months each column covers (so that four quarters add up to their
year, and any column made of others adds up to them), that the rows above a total row add
up to it, that every total row is the reports of its period, and the row relations each
table states (no strand has more reports than the period; every report names a strand).
It reads only the published JSON.

A hidden count is safe when the reader cannot tell its true value from another: the check
asks for another whole-number value of it, and of other hidden counts, that keeps every
fact above true, and then verifies that answer itself against the published tables. That is
exact (an answer is a proof), not a sample. Where no answer is found the test fails.
"""
from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.disclosure import suppression
from reporting.stats import cohorts, disclosure, exports, figures, queries
from reporting.stats.figures import Row, Table
from reporting.periods import london_today, months_between, parse_month, publishable_periods

Key = tuple[str, str, str]  # (table, row code, column)


# The reader ----------------------------------------------------------------------------------

def months_of(code: str) -> frozenset[str]:
    first, last = code.split("..")
    return frozenset(months_between(parse_month(first), parse_month(last)))


def covers(target: frozenset[str], parts: dict[str, frozenset[str]]) -> list[list[str]]:
    """Every way of making ``target``'s months from other columns' months, each used once."""
    out: list[list[str]] = []

    def walk(left: frozenset[str], chosen: list[str]) -> None:
        if not left:
            out.append(list(chosen))
            return
        first = min(left)
        for name, months in parts.items():
            if name not in chosen and first in months and months <= left:
                walk(left - months, [*chosen, name])

    walk(target, [])
    return out


def reader(published: list[dict[str, Any]], truth: dict[Key, int]) -> tuple[suppression.System, set[Key], set[Key]]:
    """What a reader of ``published`` knows, as a system over the true counts, and which are hidden."""
    system = suppression.System({})
    primary: set[Key] = set()
    secondary: set[Key] = set()
    margin: dict[frozenset[str], Key] = {}
    for t in published:
        columns = t["columns"]
        months = {c: months_of(code) for c, code in zip(columns, t["column_months"])}
        for r in t["rows"]:
            for c, shown in zip(columns, r["values"]):
                key = (t["id"], r["code"], c)
                system.values[key] = truth[key]
                if shown == "<5":
                    primary.add(key)
                elif shown == "[c]":
                    secondary.add(key)
                else:
                    assert shown == truth[key], key
        for c in columns:
            others = {o: m for o, m in months.items() if o != c}
            for cover in covers(months[c], others):
                if cover:
                    for r in t["rows"]:
                        system.add_sum([(t["id"], r["code"], o) for o in cover], (t["id"], r["code"], c))
        rows = t["rows"]
        if rows and rows[-1]["total"]:
            total = rows[-1]["code"]
            for c in columns:
                if len(rows) > 1:
                    system.add_sum([(t["id"], r["code"], c) for r in rows[:-1]], (t["id"], total, c))
                key = (t["id"], total, c)
                if months[c] in margin:
                    system.add_same(margin[months[c]], key)
                else:
                    margin[months[c]] = key
    for t in published:
        codes = {r["code"] for r in t["rows"]}
        for smaller, larger in t.get("row_relations", []):
            for c, code in zip(t["columns"], t["column_months"]):
                def cells(names: list[str]) -> list[Key] | None:
                    out = []
                    for name in names:
                        if name in codes:
                            out.append((t["id"], name, c))
                        elif name == figures.REPORTS_ROW and months_of(code) in margin:
                            out.append(margin[months_of(code)])
                        else:
                            return None
                    return out
                low, high = cells(smaller), cells(larger)
                if low is not None and high is not None:
                    system.add_at_most(low, high)
    return system, primary, secondary


def holds(system: suppression.System, values: dict[Key, int]) -> bool:
    return (all(sum(values[k] for k in parts) == values[total] for parts, total in system.equations)
            and all(sum(values[k] for k in a) <= sum(values[k] for k in b) for a, b in system.inequalities))


def unprotected(published: list[dict[str, Any]], truth: dict[Key, int]) -> list[Key]:
    """The hidden counts for which no other value is shown to fit everything published."""
    system, primary, secondary = reader(published, truth)
    assert holds(system, system.values), "the reader's facts hold for the true counts"
    answers = suppression.certificates(system, primary, secondary)
    failed = []
    for cell in sorted(primary | secondary):
        answer = answers.get(cell)
        if answer is None:
            failed.append(cell)
            continue
        values = dict(system.values) | answer
        # The answer is checked here, not trusted: it changes only hidden counts, keeps "<5" in
        # 1 to 4 and "[c]" at 0 or more, keeps every fact, and gives this count another value.
        assert set(answer) <= primary | secondary
        assert all(1 <= values[k] <= 4 for k in primary) and all(values[k] >= 0 for k in secondary)
        assert holds(system, values) and values[cell] != system.values[cell], cell
    return failed


def pinned_by_one_sum(published: list[dict[str, Any]], truth: dict[Key, int]) -> dict[Key, int]:
    """Hidden counts the reader works out exactly: the only hidden count of a sum they know."""
    system, primary, secondary = reader(published, truth)
    hidden = primary | secondary
    found = {}
    for parts, total in system.equations:
        terms = [(k, 1) for k in parts] + [(total, -1)]
        unknown = [(k, s) for k, s in terms if k in hidden]
        if len(unknown) == 1:
            key, sign = unknown[0]
            found[key] = -sign * sum(s * system.values[k] for k, s in terms if k not in hidden)
    return found


def published_json(tables: list[Table]) -> list[dict[str, Any]]:
    return json.loads(exports.to_json(tables, {}))["tables"]


def truth_of(tables: list[Table]) -> dict[Key, int]:
    return {(t.id, r.code, c): v for t in tables for r in t.rows for c, v in zip(t.columns, r.values)}


def units(published: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pieces a reader could hold apart: each table for each financial year (its quarters and the year)."""
    out = []
    for t in published:
        years = dict.fromkeys(c[:7] for c in t["columns"])
        for year in years:
            keep = [i for i, c in enumerate(t["columns"]) if c.startswith(year)]
            out.append(t | {
                "id": t["id"], "columns": [t["columns"][i] for i in keep],
                "column_months": [t["column_months"][i] for i in keep],
                "rows": [r | {"values": [r["values"][i] for i in keep]} for r in t["rows"]]})
    return out


def combined(parts: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """Several pieces as the reader puts them together: the same table's pieces side by side."""
    by_id: dict[str, dict[str, Any]] = {}
    for part in parts:
        if part["id"] not in by_id:
            by_id[part["id"]] = json.loads(json.dumps(part))
            continue
        into = by_id[part["id"]]
        into["columns"] += part["columns"]
        into["column_months"] += part["column_months"]
        for row, more in zip(into["rows"], part["rows"]):
            row["values"] += more["values"]
    return list(by_id.values())


# Generated data -------------------------------------------------------------------------------

def followed_on(rng: random.Random) -> Counter[str]:
    """What one generated report counts in, in the cohort table (reporting/stats/cohorts.py)."""
    counts = Counter({cohorts.RECEIVED: 1})
    if rng.random() < 0.3:
        counts[cohorts.STILL_OPEN] += 1
    if rng.random() < 0.1:
        counts[cohorts.CRIME] += 1  # the force matched it, referred or not
    if rng.random() < 0.4:
        counts[cohorts.PASSED] += 1
        if rng.random() < 0.7:
            counts[cohorts.ACKNOWLEDGED] += 1
        outcome = rng.choice([None, None, "crime_recorded", "no_further_action", "charged_or_summonsed"])
        counts[cohorts.outcome_code(outcome) if outcome else cohorts.NO_OUTCOME] += 1
        if outcome and outcome != "no_further_action" and not counts[cohorts.CRIME]:
            counts[cohorts.CRIME] += 1
    return counts


def generated_tables(app, seed: int) -> list[Table]:  # type: ignore[no-untyped-def]
    """The publishable tables (before suppression) of random reports over two financial years."""
    rng = random.Random(seed)
    months = months_between(date(2024, 4, 1), date(2026, 3, 1))
    with app.test_request_context():
        areas = [c for c, _l, _g in queries.choice_labels("area")][:6]
        strands = [c for c, _l, _g in queries.choice_labels("strand")][:5]
        types = [c for c, _l, _g in queries.choice_labels("incident_type")][:5]
        cubes: dict[str, Counter[tuple[str, Any]]] = {n: Counter() for n in figures.CUBES}
        monthly: Counter[str] = Counter()
        followed: dict[str, Counter[str]] = {m: Counter() for m in months}
        for _ in range(rng.randint(60, 90)):
            month = rng.choice(months)
            monthly[month] += 1
            cubes["area"][(month, rng.choice(areas))] += 1
            cubes["channel"][(month, rng.choice(["online", "phone", "centre"]))] += 1
            cubes["reporter_type"][(month, rng.choice(["victim", "witness", "on_behalf"]))] += 1
            for code in rng.sample(strands, rng.choice([1, 1, 2])):
                cubes["strand"][(month, code)] += 1
            for code in rng.sample(types, rng.choice([1, 1, 2])):
                cubes["incident_type"][(month, code)] += 1
            groups = rng.choice([None, [], [], ["migrant"], ["disability"], ["migrant", "disability"]])
            for code in figures.strategy_groups(None if groups is None else ",".join(groups)):
                cubes["strategy_group"][(month, code)] += 1
            followed[month].update(followed_on(rng))
            cubes["happened_before"][(month, rng.choice(["no", "once", "several", "ongoing", "not_answered"]))] += 1
        result = figures.Figures(queries.Filters(date(2024, 4, 1), date(2026, 3, 1)), months, sum(monthly.values()),
                                 [], monthly={m: monthly[m] for m in months}, cubes=cubes, cohorts=followed)
        periods = publishable_periods("2024-04", date(2026, 4, 1))
        assert [p.code for p in periods][-1] == "2025/26"
        # Every quarter here followed six months on (as if published from October 2026): the final cohort.
        tables = figures.open_data_tables(result, periods, final_cohorts=followed)
        for table in tables:  # plain strings, outside the request
            table.title, table.row_header, table.note = str(table.title), str(table.row_header), str(table.note)
            table.columns = [str(c) for c in table.columns]
            for row in table.rows:
                row.label = str(row.label)
    return tables


def test_no_pair_or_chain_of_three_published_tables_and_periods_pins_a_hidden_count(app):
    for seed in (7,):
        tables = generated_tables(app, seed)
        truth = truth_of(tables)
        assert any(v in range(1, 5) for v in truth.values()), "the data must hold a count from 1 to 4"
        published = published_json(disclosure.suppress(tables))
        assert not [v for t in published for r in t["rows"] for v in r["values"] if isinstance(v, int) and 1 <= v <= 4]
        assert unprotected(published, truth) == [], "everything published together"
        pieces = units(published)
        assert len(pieces) == 18  # nine tables, two financial years
        for size in (2, 3):
            for parts in itertools.combinations(pieces, size):
                together = combined(parts)
                assert unprotected(together, truth) == [], [p["id"] + " " + p["columns"][0][:7] for p in parts]


def test_the_check_does_find_what_primary_suppression_alone_gives_away(app):
    # The check is not a formality: with only "<5" (no "[c]"), the reader works counts out.
    tables = generated_tables(app, 7)
    truth = truth_of(tables)
    only_primary = published_json([
        Table(t.id, t.title, t.row_header, t.columns,
              [Row(r.code, r.label, ["<5" if isinstance(v, int) and 1 <= v <= 4 else v for v in r.values], r.total)
               for r in t.rows], t.note, t.additive_rows, t.additive_columns, t.column_codes, t.row_sums, t.relations)
        for t in tables])
    worked_out = pinned_by_one_sum(only_primary, truth)
    assert worked_out and all(truth[k] == v and 1 <= v <= 4 for k, v in worked_out.items())
    assert unprotected(only_primary, truth) != []


def test_the_overlapping_ranges_of_the_issue_give_a_count_away_and_are_never_published(app, stats_world, analyst):
    # July to September 2025: one strand had 3 reports ("<5"); July 2025 to March 2026 showed 15 and
    # October 2025 to March 2026 12. Each table safe alone; together they give the 3 away.
    def strand_table(table_id: str, first: str, last: str, value: int | str) -> dict[str, Any]:
        return {"id": table_id, "columns": [f"{first} to {last}"], "column_months": [f"{first}..{last}"],
                "rows": [{"code": "race", "total": False, "values": [value]}]}

    # The same table ("Reports by strand") asked for three ranges: the reader lays them side by side.
    published = [strand_table("by_strand", "2025-07", "2025-09", "<5"),
                 strand_table("by_strand", "2025-07", "2026-03", 15), strand_table("by_strand", "2025-10", "2026-03", 12)]
    truth = {("by_strand", "race", "2025-07 to 2025-09"): 3, ("by_strand", "race", "2025-07 to 2026-03"): 15,
             ("by_strand", "race", "2025-10 to 2026-03"): 12}
    for alone in published:
        assert pinned_by_one_sum([alone], truth) == {}
    together = combined(tuple(published))
    assert pinned_by_one_sum(together, truth) == {("by_strand", "race", "2025-07 to 2025-09"): 3}
    assert unprotected(together, truth) == [("by_strand", "race", "2025-07 to 2025-09")]
    # Such ranges and filters never reach open data: refused on the page, the exports and the command line.
    for args in ({"first": "2025-07", "last": "2026-03"}, {"first": "2025-10", "last": "2026-03"},
                 {"strand": "race"}, {"area": "shrewsbury"}, {"centre": "1"}, {"channel": "online"}):
        page = analyst.get("/stats/open-data", query_string=args)
        assert page.status_code == 400 and "whole financial years" in page.get_data(as_text=True), args
        for fmt in ("csv", "json", "xlsx"):
            response = analyst.get(f"/stats/export.{fmt}", query_string=args | {"open": "1"})
            assert response.status_code == 400, (args, fmt)
    runner = analyst.application.test_cli_runner()
    result = runner.invoke(args=["stats", "export", "--from", "2025-07", "--to", "2026-03", "--format", "json",
                                 "--open-data"])
    assert result.exit_code != 0
    # They stay inside the service, for signed-in analysts, marked not for publication.
    exact = json.loads(analyst.get("/stats/export.json", query_string={"first": "2025-07", "last": "2026-03",
                                                                       "strand": "race"}).data)
    assert exact["protective_marking"] == "OFFICIAL-SENSITIVE: not for publication" and exact["open_data"] is False


def test_open_data_of_the_service_publishes_fixed_periods_and_gives_no_count_away(app, stats_world, analyst):
    response = analyst.get("/stats/export.json", query_string={"open": "1"})
    document = json.loads(response.data)
    assert document["open_data"] is True and "protective_marking" not in document
    published = document["tables"]
    assert {t["id"] for t in published} == {"open_reports", "open_by_area", "open_by_channel", "open_by_reporter_type",
                                            "open_by_strand", "open_by_incident_type", "open_by_strategy_group",
                                            "open_cohorts", "open_by_happened_before"}
    # Financial years and their quarters only, each ended before today (December 2026).
    assert published[0]["columns"][:5] == ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4", "2023/24"]
    assert published[0]["columns"][-2:] == ["2026/27 Q1", "2026/27 Q2"]
    assert not [v for t in published for r in t["rows"] for v in r["values"] if isinstance(v, int) and 1 <= v <= 4]
    with app.test_request_context():
        # What the page published today, before suppression (the cohort table's final quarters with it).
        truth = truth_of(disclosure.publishable(london_today())[1])
    assert unprotected(published, truth) == []
    tables = {t["id"]: t for t in published}
    for pair in itertools.combinations(tables, 2):
        assert unprotected([tables[i] for i in pair], truth) == [], pair
    page = analyst.get("/stats/open-data").get_data(as_text=True)
    assert "&lt;5" in page and "[c]" in page and "2025/26 Q2" in page


# Any two tables sharing a margin ---------------------------------------------------------------

def cross_table(table_id: str, cells: list[list[int]], total_row: bool = True) -> Table:
    rows = [Row(str(i), str(i), [*values, sum(values)]) for i, values in enumerate(cells)]
    if total_row:
        sums = [sum(r.values[c] for r in rows) for c in range(len(rows[0].values))]  # type: ignore[misc]
        rows.append(Row("total", "Total", sums, total=True))
    width = len(cells[0])
    # Columns: months 2025-01.. one each, then the total over all of them.
    codes = [f"2025-{c + 1:02d}..2025-{c + 1:02d}" for c in range(width)] + [f"2025-01..2025-{width:02d}"]
    return Table(table_id, table_id, "", [str(c) for c in range(width + 1)], rows,
                 additive_rows=True, additive_columns=total_row, column_codes=codes)


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
    tables = [cross_table("a", first), cross_table("b", second)]
    published = disclosure.suppress(tables)
    assert unprotected(published_json(published), truth_of(tables)) == []
    for table, source in zip(published, (first, second)):
        for r, row in enumerate(source):
            for c, value in enumerate(row):
                if 1 <= value <= 4:  # "<5", or "[c]" where even "at least 1" would give a cell away
                    assert table.rows[r].values[c] in ("<5", "[c]")
