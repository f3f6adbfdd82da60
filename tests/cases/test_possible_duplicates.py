"""Possible duplicates on the case page: the same area, a shared strand ("other" and "unknown" only
when the case has no other), within a few days, and not already linked; read from each candidate's
own strand_set (reporting/cases/queries.py), so it must find what its report_strands rows say."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from reporting.cases.queries import possible_duplicates
from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import minimal_answers, report


def _report(app: Any, motivations: list[str], area: str = "ludlow") -> str:
    steps = minimal_answers()
    steps["why"] = {"motivations": motivations}
    if "other" in motivations:
        steps["why"]["motivation_other"] = "something else"
    steps["where"] = {"area": area}
    return report(app.test_client(), steps)[0]


def _duplicates(app: Any, reference: str) -> set[str]:
    with app.app_context():
        case = db.session.scalar(select(Report).where(Report.reference == reference))
        assert case is not None
        return {other.reference for other in possible_duplicates(case)}


def test_a_shared_strand_in_the_same_area_makes_a_possible_duplicate(app, keys):  # type: ignore[no-untyped-def]
    first = _report(app, ["race", "other"])
    race_and_religion = _report(app, ["religion", "race"])
    religion = _report(app, ["religion"])
    only_other = _report(app, ["other"])
    disability = _report(app, ["disability"])
    race_elsewhere = _report(app, ["race"], area="oswestry")
    with app.app_context():
        strand_sets = dict(db.session.execute(select(Report.reference, Report.strand_set)).all())
    assert strand_sets[race_and_religion] == ",race,religion,"

    # "other" is left out while the case has a strand of its own; the area must match.
    assert _duplicates(app, first) == {race_and_religion}
    # Any one of several strands will do.
    assert _duplicates(app, race_and_religion) == {first, religion}
    # A case whose only strand is "other" is matched on "other" alone.
    assert _duplicates(app, only_other) == {first}
    assert _duplicates(app, disability) == set()
    assert _duplicates(app, race_elsewhere) == set()
