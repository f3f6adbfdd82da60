"""The queue's strand filter reads reports.strand_set, the strands kept beside the clear fields
(written with the report's report_strands rows): it must find exactly the cases of that strand,
however the codes look, and a migrated database must carry the strands of earlier reports."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from reporting.extensions import db
from reporting.reports.models import Report, ReportStrand, strand_set
from tests.cases.test_case_flow import reviewer_client
from tests.helpers import minimal_answers, report


def _with(motivations: list[str]) -> dict:
    steps = minimal_answers()
    steps["why"] = {"motivations": motivations}
    return steps


def test_a_sent_report_keeps_its_strands_beside_its_clear_fields(app, client):
    reference, _ = report(client, _with(["sexual_orientation", "migrant", "race"]))
    with app.app_context():
        stored = db.session.scalar(sa.select(Report).where(Report.reference == reference))
        assert stored.strand_codes == ["race", "sexual_orientation"]
        assert stored.strand_set == ",race,sexual_orientation," == strand_set(stored.strand_codes)


def test_the_strand_filter_finds_exactly_the_cases_of_that_strand(app, client, make_user):
    both, _ = report(client, _with(["sexual_orientation", "race"]))
    race, _ = report(app.test_client(), _with(["migrant"]))
    none, _ = report(app.test_client(), _with(["not_sure"]))
    look_alike, _ = report(app.test_client(), _with(["disability"]))
    with app.app_context():
        # "_" is a LIKE wildcard: a code differing only there must not match (none exists today).
        db.session.execute(sa.update(Report).where(Report.reference == look_alike)
                           .values(strand_set=",sexualXorientation,"))
        db.session.commit()
    staff, _user = reviewer_client(app, make_user)
    for strand, shown in (("sexual_orientation", {both}), ("race", {both, race}), ("unknown", {none})):
        page = staff.get(f"/review/?strand={strand}").get_data(as_text=True)
        assert {ref for ref in (both, race, none, look_alike) if ref in page} == shown, strand
        assert f"New: <strong>{len(shown)}</strong>" in page
        by_priority = staff.get(f"/review/?strand={strand}&sort=priority").get_data(as_text=True)
        assert {ref for ref in (both, race, none, look_alike) if ref in by_priority} == shown, strand


def test_the_migration_gives_earlier_reports_their_strands(app, client):
    with_strands, _ = report(client, _with(["religion", "race"]))
    without, _ = report(app.test_client(), _with(["not_sure"]))
    with app.app_context():
        db.session.execute(sa.delete(ReportStrand).where(
            ReportStrand.report_id == sa.select(Report.id).where(Report.reference == without).scalar_subquery()))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0022")
        assert "strand_set" not in {c["name"] for c in sa.inspect(db.engine).get_columns("reports")}
        upgrade()
        found = dict(db.session.execute(sa.select(Report.reference, Report.strand_set)).all())
    assert found[with_strands] in (",race,religion,", ",religion,race,")
    assert found[without] == ""
