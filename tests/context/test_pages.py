"""Issue 30 item 7: initiatives (analysts and administrators record them, reviewers look) and
area populations (administrators), audited; bad input refused with an error summary and
nothing kept (run on PostgreSQL too, with TEST_DATABASE_URL)."""
from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.context.models import AreaPopulation, Initiative
from reporting.extensions import db
from tests.helpers import csrf_token, post_form, sign_in

GOOD = {"title": "Hate Crime Awareness Week 2025", "kind": "awareness_week", "starts_on": "2025-10-11",
        "ends_on": "2025-10-18", "area": "all"}


@pytest.fixture
def staff(app, make_user):  # type: ignore[no-untyped-def]
    def signed_in(role: str):  # type: ignore[no-untyped-def]
        client = app.test_client()
        extra = {"centre": "lib"} if role == "centre_staff" else {"agency": "Example school"} if role == "agency" else {}
        sign_in(client, app, make_user(role, **extra).email)
        return client
    return signed_in


def initiatives(app) -> list[Initiative]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = list(db.session.scalars(select(Initiative).order_by(Initiative.id)))
        db.session.expunge_all()
        return rows


def audit_actions(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_an_analyst_records_changes_and_removes_an_initiative(app, staff):
    analyst = staff("analyst")
    response = post_form(analyst, "/stats/initiatives/new", GOOD)
    assert response.status_code == 302
    [saved] = initiatives(app)
    assert (saved.title, saved.kind, saved.starts_on, saved.ends_on, saved.area) == (
        "Hate Crime Awareness Week 2025", "awareness_week", date(2025, 10, 11), date(2025, 10, 18), None)
    page = analyst.get("/stats/initiatives/").get_data(as_text=True)
    assert "Hate Crime Awareness Week 2025" in page
    assert "11 October 2025 to 18 October 2025" in page and "Every area" in page
    assert "awareness_week" not in page
    response = post_form(analyst, f"/stats/initiatives/{saved.id}",
                         GOOD | {"title": "Ludlow centre opens", "kind": "new_centre", "ends_on": "", "area": "ludlow"})
    assert response.status_code == 302
    [changed] = initiatives(app)
    assert (changed.title, changed.kind, changed.ends_on, changed.area) == ("Ludlow centre opens", "new_centre", None,
                                                                             "ludlow")
    page = analyst.get("/stats/initiatives/").get_data(as_text=True)
    assert "From 11 October 2025, still running" in page and "Ludlow" in page
    assert analyst.get(f"/stats/initiatives/{saved.id}/remove").status_code == 200
    assert post_form(analyst, f"/stats/initiatives/{saved.id}/remove", {}).status_code == 302
    assert initiatives(app) == []
    actions = audit_actions(app)
    assert [a for a in actions if a.startswith("initiative.")] == ["initiative.save", "initiative.save",
                                                                    "initiative.remove"]


def test_a_reviewer_sees_initiatives_but_records_none(app, staff):
    post_form(staff("admin"), "/stats/initiatives/new", GOOD)
    reviewer = staff("reviewer")
    page = reviewer.get("/stats/initiatives/").get_data(as_text=True)
    assert "Hate Crime Awareness Week 2025" in page
    assert "Add an initiative" not in page and "/remove" not in page
    [saved] = initiatives(app)
    token = csrf_token(reviewer, "/stats/initiatives/")
    assert reviewer.get("/stats/initiatives/new").status_code == 403
    assert reviewer.post("/stats/initiatives/new", data={"csrf_token": token, **GOOD}).status_code == 403
    assert reviewer.post(f"/stats/initiatives/{saved.id}/remove", data={"csrf_token": token}).status_code == 403
    assert len(initiatives(app)) == 1
    for role in ("centre_staff", "police", "agency"):
        assert staff(role).get("/stats/initiatives/").status_code == 403


@pytest.mark.parametrize("bad, message", [
    ({"title": "Week\x00of action"}, "Remove the unusual characters from this answer"),
    ({"title": "A" * 81}, "Answer must be 80 characters or fewer"),
    ({"title": ""}, "Enter the initiative&#39;s title"),
    ({"kind": "festival"}, "Select the kind of initiative"),
    ({"kind": ""}, "Select the kind of initiative"),
    ({"starts_on": ""}, "Enter the date it started"),
    ({"starts_on": "2025-02-30"}, "Enter a real date, for example 2026-10-12"),
    ({"starts_on": "1999-12-31"}, "Enter a date between 2000 and 2100"),
    ({"ends_on": "99999-01-01"}, "Enter a real date, for example 2026-10-12"),
    ({"ends_on": "2025-10-10"}, "The end date must be the same as or after the start date"),
    ({"area": "atlantis"}, "Select an area from the list"),
    ({"area": "lud\x00low"}, "Select an area from the list"),
])
def test_bad_initiatives_are_refused_with_an_error_summary(app, staff, bad, message):
    analyst = staff("analyst")
    before = audit_actions(app)
    response = post_form(analyst, "/stats/initiatives/new", GOOD | bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page
    assert initiatives(app) == []
    assert audit_actions(app) == before


def test_a_change_with_bad_input_keeps_the_initiative(app, staff):
    analyst = staff("analyst")
    post_form(analyst, "/stats/initiatives/new", GOOD)
    [saved] = initiatives(app)
    response = post_form(analyst, f"/stats/initiatives/{saved.id}", GOOD | {"title": "x\x00"})
    assert response.status_code == 400
    assert initiatives(app)[0].title == GOOD["title"]
    assert analyst.get("/stats/initiatives/999999").status_code == 404


def populations(app) -> dict[str, tuple[int, str, int]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {p.area: (p.population, p.source, p.year) for p in db.session.scalars(select(AreaPopulation))}


def test_an_admin_enters_and_removes_an_areas_population(app, staff):
    admin = staff("admin")
    page = admin.get("/admin/populations/").get_data(as_text=True)
    assert "Ludlow" in page and "Not entered" in page
    response = post_form(admin, "/admin/populations/ludlow",
                         {"population": "11,000", "source": "Census 2021, usual residents", "year": "2021"})
    assert response.status_code == 302
    assert populations(app) == {"ludlow": (11000, "Census 2021, usual residents", 2021)}
    page = admin.get("/admin/populations/").get_data(as_text=True)
    assert "11,000" in page and "Census 2021, usual residents, 2021" in page
    assert post_form(admin, "/admin/populations/ludlow", {"population": "11 500", "source": "Census", "year": "2022"}
                     ).status_code == 302
    assert populations(app) == {"ludlow": (11500, "Census", 2022)}
    token = csrf_token(admin, "/admin/populations/ludlow")
    assert admin.post("/admin/populations/ludlow/remove", data={"csrf_token": token}).status_code == 302
    assert populations(app) == {}
    assert [a for a in audit_actions(app) if a.startswith("population.")] == [
        "population.save", "population.save", "population.remove"]
    assert admin.get("/admin/populations/atlantis").status_code == 404
    log = admin.get("/admin/audit").get_data(as_text=True)
    assert "Saved an area&#39;s population" in log or "Saved an area's population" in log


@pytest.mark.parametrize("bad, message", [
    ({"population": ""}, "Enter how many people live in the area"),
    ({"population": "lots"}, "Enter a whole number, like 48,500"),
    ({"population": "-5"}, "Enter a whole number, like 48,500"),
    ({"population": "0"}, "Enter a number of residents from 1 to 100,000,000"),
    ({"population": "99999999999999999999999"}, "Enter a whole number, like 48,500"),
    ({"population": "100000001"}, "Enter a number of residents from 1 to 100,000,000"),
    ({"population": "4\x008"}, "Enter a whole number, like 48,500"),
    ({"source": "ONS\x00"}, "Remove the unusual characters from this answer"),
    ({"source": "S" * 121}, "Answer must be 120 characters or fewer"),
    ({"source": ""}, "Enter where the figure comes from"),
    ({"year": "3021"}, "Enter a year from 1900 to 2100"),
    ({"year": "21.5"}, "Enter a whole number, like 48,500"),
])
def test_bad_populations_are_refused_with_an_error_summary(app, staff, bad, message):
    admin = staff("admin")
    response = post_form(admin, "/admin/populations/ludlow",
                         {"population": "11000", "source": "Census 2021", "year": "2021"} | bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page
    assert populations(app) == {}


def test_only_administrators_enter_populations(app, staff):
    for role in ("analyst", "reviewer"):
        client = staff(role)
        assert client.get("/admin/populations/").status_code == 403
        assert client.get("/admin/populations/ludlow").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AreaPopulation)) == 0


def test_the_audit_log_names_initiatives_and_populations_in_words(app, staff):
    admin = staff("admin")
    post_form(admin, "/stats/initiatives/new", GOOD)
    post_form(admin, "/admin/populations/ludlow", {"population": "11000", "source": "Census 2021", "year": "2021"})
    from tests.test_labels import visible_text

    log = html.unescape(visible_text(admin.get("/admin/audit").get_data(as_text=True)))
    for words in ("Saved an initiative", "Initiative 1", "Hate Crime Awareness Week", "Saved an area's population",
                  "The areas' populations", "Residents"):
        assert words in log, words
    assert "awareness_week" not in log and "initiative.save" not in log
