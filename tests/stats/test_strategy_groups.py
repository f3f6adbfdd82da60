"""The strategy's least-likely groups: submit keeps in clear only which groups a report's reasons
name, and the statistics count them without opening anything."""
from __future__ import annotations

import json

from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import full_answers, minimal_answers, report, sign_in
from tests.stats.conftest import RANGE
from tests.stats.helpers import column


def stored(app, reference: str) -> Report:  # type: ignore[no-untyped-def]
    with app.app_context():
        row = db.session.scalar(select(Report).where(Report.reference == reference))
        db.session.expunge(row)
        return row


def test_submit_keeps_which_groups_a_report_names_and_nothing_finer(app, client, keys, make_user):
    steps = full_answers()
    steps["why"] = {"motivations": ["gypsy_roma_traveller", "disability", "religion"]}
    named, _receipt = report(app.test_client(), steps)
    steps = minimal_answers()
    steps["why"] = {"motivations": ["migrant", "race"]}
    migrant, _receipt = report(app.test_client(), steps)
    none, _receipt = report(app.test_client(), minimal_answers())

    first = stored(app, named)
    assert first.strategy_groups == "disability,gypsy_roma_traveller"
    assert first.strand_codes == ["disability", "race", "religion"]
    # "race" chosen alone or beside "migrant" reads the same in the strands: only the group tells them apart.
    assert stored(app, migrant).strategy_groups == "migrant"
    assert stored(app, migrant).strand_codes == ["race"]
    assert stored(app, none).strategy_groups == ""

    analyst = make_user("analyst")
    sign_in(client, app, analyst.email)

    document = json.loads(client.get("/stats/export.json").data)
    groups = {t["id"]: {r["code"]: r["values"] for r in t["rows"]} for t in document["tables"]}["by_strategy_group"]
    assert column(groups) == {"gypsy_roma_traveller": 1, "migrant": 1, "transgender": 0, "disability": 1, "any": 2,
                              "not_known": 0}
    page = client.get("/stats/").get_data(as_text=True)
    assert "Migrant, asylum seeker or refugee" in page and "gypsy_roma_traveller<" not in page


def test_open_data_publishes_the_groups_with_small_counts_hidden(stats_world, analyst):
    document = json.loads(analyst.get("/stats/export.json", query_string={"open": "1"}).data)
    table = {t["id"]: t for t in document["tables"]}["open_by_strategy_group"]
    rows = {r["code"]: dict(zip(table["columns"], r["values"])) for r in table["rows"]}
    # Gypsy, Roma and Traveller: one report in each of 2024/25 Q3 and Q4 and 2025/26 Q2, all below 5.
    grt = rows["gypsy_roma_traveller"]
    assert [grt[p] for p in ("2024/25 Q3", "2024/25 Q4", "2024/25", "2025/26 Q2", "2025/26")] == ["<5"] * 5
    assert grt["2024/25 Q1"] in (0, "[c]")
    assert (rows["any"]["2024/25"], rows["any"]["2025/26"]) == (7, 10)
    assert (rows["not_known"]["2024/25"], rows["not_known"]["2025/26"]) == (6, 0)
