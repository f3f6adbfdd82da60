"""Issue 31 items 6-7: a centre's history, its reports per quarter and last report, quiet centres
flagged, visits, hate crime awareness training with a content-free reminder, and the counts in
the statistics."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from reporting.audit.models import AuditEvent
from reporting.centres.models import Centre, CentreTraining, CentreVisit
from reporting.centres.services import add_months
from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report
from tests.admin.helpers import submit, summary
from tests.helpers import send_directly, sign_in

TODAY = utcnow().date()


@pytest.fixture
def centre(app, keys):  # type: ignore[no-untyped-def]
    with app.app_context():
        row = Centre(slug="example-records", name="Example Records Library", town="shrewsbury",
                     opened_on=date(2020, 1, 6))
        db.session.add(row)
        db.session.commit()
        return row.id


def signed_in(app, make_user, role):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, app, make_user(role).email)
    return client


def through_centre(app, centre_id: int, when) -> str:  # type: ignore[no-untyped-def]
    reference = send_directly(app)
    with app.app_context():
        db.session.execute(update(Report).where(Report.reference == reference)
                           .values(centre_id=centre_id, received_at=when))
        db.session.commit()
    return reference


def actions(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_closing_a_centre_hides_it_from_the_public_and_is_audited(app, make_user, centre):
    admin = signed_in(app, make_user, "admin")
    public = app.test_client()
    assert "Example Records Library" in public.get("/centres/").get_data(as_text=True)
    page = f"/review/centres/{centre}/history"
    closing = (TODAY - timedelta(days=1)).isoformat()
    response = submit(admin, page, page, {"opened_on": "2020-01-06", "closed_on": closing,
                                          "contact_email": "Desk@Example.org"})
    assert response.status_code == 302
    assert "Example Records Library" not in public.get("/centres/").get_data(as_text=True)
    assert public.get("/centres/example-records").status_code == 404
    assert public.get("/centres/example-records/poster").status_code == 404
    assert "centre.close" in actions(app)
    shown = admin.get(f"/review/centres/{centre}").get_data(as_text=True)
    assert "6 January 2020" in shown and "Closed" in shown and "desk@example.org" in shown
    # Reopened: the date cleared, the centre back in the directory.
    assert submit(admin, page, page, {"opened_on": "2020-01-06", "closed_on": ""}).status_code == 302
    assert "Example Records Library" in public.get("/centres/").get_data(as_text=True)
    assert actions(app)[-1] == "centre.reopen"


@pytest.mark.parametrize("bad", [
    {"opened_on": "2021-05-01", "closed_on": "2021-04-30"},  # closed before opened
    {"closed_on": (TODAY + timedelta(days=1)).isoformat()},  # a closure that has not happened
    {"opened_on": (TODAY + timedelta(days=400)).isoformat()},
    {"opened_on": "2021-13-45"},
    {"opened_on": "99999-01-01"},
    {"contact_email": "desk\x00@example.org"},
    {"contact_email": "not an address"},
])
def test_bad_dates_are_refused_with_the_error_summary_and_change_nothing(app, make_user, centre, bad):
    admin = signed_in(app, make_user, "admin")
    page = f"/review/centres/{centre}/history"
    before = actions(app)
    response = submit(admin, page, page, {"opened_on": "2020-01-06", "closed_on": "", "contact_email": ""} | bad)
    assert response.status_code == 400
    assert summary(response.get_data(as_text=True))
    with app.app_context():
        stored = db.session.get(Centre, centre)
        assert (stored.opened_on, stored.closed_on, stored.contact_email) == (date(2020, 1, 6), None, "")
    assert actions(app) == before


def test_only_administrators_change_dates_but_the_group_reads_and_records(app, make_user, centre):
    reviewer = signed_in(app, make_user, "reviewer")
    assert reviewer.get("/review/centres/").status_code == 200
    assert reviewer.get(f"/review/centres/{centre}").status_code == 200
    assert reviewer.get(f"/review/centres/{centre}/history").status_code == 403
    assert reviewer.get(f"/review/centres/{centre}/visits/new").status_code == 200
    for role in ("centre_staff", "analyst", "police", "agency"):
        other = app.test_client()
        sign_in(other, app, make_user(role, centre="lib" if role == "centre_staff" else None).email)
        assert other.get("/review/centres/").status_code == 403, role
        assert other.get(f"/review/centres/{centre}").status_code == 403, role
    assert reviewer.get("/review/centres/99999").status_code == 404


def test_reports_per_quarter_the_last_report_and_the_six_month_flag(app, make_user, centre):
    with app.app_context():
        busy = Centre(slug="example-busy", name="Example Busy Centre", town="shrewsbury", opened_on=date(2020, 1, 6))
        new = Centre(slug="example-new", name="Example New Centre", town="shrewsbury", opened_on=TODAY)
        db.session.add_all([busy, new])
        db.session.commit()
        busy_id = busy.id
    # The quiet centre's reports are all older than six months; the busy one had one this week.
    from datetime import UTC, datetime
    through_centre(app, centre, datetime(2024, 5, 10, 12, tzinfo=UTC))
    through_centre(app, centre, datetime(2024, 6, 30, 23, 30, tzinfo=UTC))  # 00:30 on 1 July in London: Q2
    through_centre(app, centre, datetime(2024, 8, 1, 9, tzinfo=UTC))
    through_centre(app, busy_id, utcnow() - timedelta(days=3))
    reviewer = signed_in(app, make_user, "reviewer")
    listing = reviewer.get("/review/centres/").get_data(as_text=True)
    quiet = listing.split('class="govuk-list govuk-list--bullet app-quiet-list"', 1)[1].split("</ul>", 1)[0]
    assert "Example Records Library" in quiet and "1 August 2024" in quiet
    assert "Example Busy Centre" not in quiet
    assert "Example New Centre" not in quiet  # opened today: not yet six months to judge
    page = reviewer.get(f"/review/centres/{centre}").get_data(as_text=True)
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
                      r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>', page)
    assert rows == [("2024/25 Q2", "2"), ("2024/25 Q1", "1")]
    assert "1 August 2024" in page and "No report in six months" in page
    assert "2024-08-01" not in page


def test_a_visit_is_logged_and_shown(app, make_user, centre):
    reviewer = signed_in(app, make_user, "reviewer")
    page = f"/review/centres/{centre}/visits/new"
    form = reviewer.get(page).get_data(as_text=True)
    assert "Do not write about any report" in form
    response = submit(reviewer, page, page, {
        "visited_on": (TODAY - timedelta(days=2)).isoformat(), "poster_displayed": "yes",
        "leaflets_stocked": "no", "staff_able": "3", "notes": "Poster moved beside the desk."})
    assert response.status_code == 302
    shown = reviewer.get(f"/review/centres/{centre}").get_data(as_text=True)
    assert "Poster moved beside the desk." in shown
    assert (TODAY - timedelta(days=2)).strftime("%-d %B %Y") in shown
    assert actions(app)[-1] == "centre.visit"


@pytest.mark.parametrize("bad", [
    {"staff_able": "-1"}, {"staff_able": "two"}, {"staff_able": "99999"}, {"staff_able": ""},
    {"poster_displayed": "maybe"}, {"leaflets_stocked": ""}, {"notes": "a\x00b"}, {"notes": "x" * 501},
    {"visited_on": (TODAY + timedelta(days=1)).isoformat()}, {"visited_on": "1999-02-30"}, {"visited_on": ""},
])
def test_bad_visits_are_refused_and_nothing_is_stored(app, make_user, centre, bad):
    reviewer = signed_in(app, make_user, "reviewer")
    page = f"/review/centres/{centre}/visits/new"
    good = {"visited_on": TODAY.isoformat(), "poster_displayed": "yes", "leaflets_stocked": "yes",
            "staff_able": "1", "notes": ""}
    response = submit(reviewer, page, page, good | bad)
    assert response.status_code == 400, bad
    assert summary(response.get_data(as_text=True)), bad
    with app.app_context():
        assert db.session.scalar(select(func.count(CentreVisit.id))) == 0


def test_training_defaults_its_refresher_and_lapsed_centres_are_listed(app, make_user, centre):
    reviewer = signed_in(app, make_user, "reviewer")
    page = f"/review/centres/{centre}/training/new"
    assert "12 months" in reviewer.get(page).get_data(as_text=True)
    long_ago = add_months(TODAY, -13)
    assert submit(reviewer, page, page, {"person_name": "Example Person", "person_role": "Library assistant",
                                         "trained_on": long_ago.isoformat()}).status_code == 302
    with app.app_context():
        training = db.session.scalar(select(CentreTraining))
        assert training.refresher_due == add_months(long_ago, 12)
    listing = reviewer.get("/review/centres/").get_data(as_text=True)
    lapsed = listing.split('app-lapsed-list', 1)[1].split("</ul>", 1)[0]
    assert "Example Records Library" in lapsed
    # A refresher recorded today: the centre has trained staff again.
    assert submit(reviewer, page, page, {"person_name": "Example Person", "trained_on": TODAY.isoformat(),
                                         "refresher_due": add_months(TODAY, 24).isoformat()}).status_code == 302
    assert "app-lapsed-list" not in reviewer.get("/review/centres/").get_data(as_text=True)
    bad = submit(reviewer, page, page, {"person_name": "", "trained_on": TODAY.isoformat(),
                                        "refresher_due": (TODAY - timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and len(summary(bad.get_data(as_text=True))) == 2


def test_the_refresher_interval_is_a_setting(make_app, keys):
    from reporting.settings import current_settings

    app = make_app(TRAINING_REFRESH_MONTHS=6)
    with app.app_context():
        assert current_settings().training_refresh_months == 6
    from reporting.config import ConfigError
    with pytest.raises(ConfigError):
        make_app(TRAINING_REFRESH_MONTHS=0)


def test_the_reminder_names_the_centre_only_and_goes_once_per_due_date(app, runner, centre, monkeypatch):
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr("reporting.notify.send_email", lambda to, subject, body: sent.append((to, subject, body)) or True)
    with app.app_context():
        db.session.execute(update(Centre).values(contact_email="desk@example.org"))
        db.session.add(CentreTraining(centre_id=centre, person_name="Example Person", person_role="",
                                      trained_on=add_months(TODAY, -12), refresher_due=TODAY + timedelta(days=10)))
        db.session.add(CentreTraining(centre_id=centre, person_name="Later Person", person_role="",
                                      trained_on=TODAY, refresher_due=add_months(TODAY, 12)))
        db.session.commit()
    reference = send_directly(app)
    result = runner.invoke(args=["centres", "remind-training"])
    assert result.exit_code == 0 and "Training reminders sent: 1" in result.output
    assert len(sent) == 1
    to, subject, body = sent[0]
    assert to == "desk@example.org" and "Example Records Library" in body and "sign" in body.lower()
    assert reference not in body and "Example Person" not in body
    again = runner.invoke(args=["centres", "remind-training"])
    assert "Training reminders sent: 0" in again.output and len(sent) == 1
    # A new due date (the refresher moved) is reminded again; a closed centre never.
    with app.app_context():
        db.session.execute(update(CentreTraining).where(CentreTraining.person_name == "Example Person")
                           .values(refresher_due=TODAY + timedelta(days=20)))
        db.session.commit()
    assert "sent: 1" in runner.invoke(args=["centres", "remind-training"]).output
    with app.app_context():
        db.session.execute(update(CentreTraining).values(refresher_due=TODAY + timedelta(days=5)))
        db.session.execute(update(Centre).values(closed_on=TODAY))
        db.session.commit()
    assert "sent: 0" in runner.invoke(args=["centres", "remind-training"]).output
    assert "centre.training_reminder" in actions(app)


def test_the_statistics_count_centres_open_active_and_with_trained_staff(app, make_user, centre):
    """Quarter 2024/25 Q2 (July to September 2024): the records library open with a report and
    trained staff; one closed in August (open, no report); one opened in 2025 (not counted)."""
    from datetime import UTC, datetime
    with app.app_context():
        db.session.add_all([
            Centre(slug="example-closed", name="Example Closed Centre", town="shrewsbury",
                   opened_on=date(2019, 1, 1), closed_on=date(2024, 8, 15)),
            Centre(slug="example-later", name="Example Later Centre", town="shrewsbury", opened_on=date(2025, 1, 1)),
            CentreTraining(centre_id=centre, person_name="Example Person", person_role="",
                           trained_on=date(2024, 1, 10), refresher_due=date(2025, 1, 10)),
        ])
        db.session.commit()
    through_centre(app, centre, datetime(2024, 8, 1, 9, tzinfo=UTC))
    analyst = signed_in(app, make_user, "analyst")
    query = "?first=2024-08&last=2024-09"
    page = analyst.get("/stats/" + query).get_data(as_text=True)
    assert "Reporting centres by quarter (financial year)" in page
    table = page.split("Reporting centres by quarter (financial year)", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', table)
    assert "2024/25 Q2" in table and cells[:3] == ["2", "1", "1"], cells
    exported = analyst.get("/stats/export.csv" + query).get_data(as_text=True)
    for column, value in (("Centres open", 2), ("Centres active (a report came through them)", 1),
                          ("Centres with trained staff", 1)):
        assert f"centres_by_quarter,Reporting centres by quarter (financial year),2024/25 Q2,2024/25 Q2,{column},{value}" \
            in exported


def test_a_closed_centre_takes_no_assisted_report_and_no_new_staff(app, make_user):
    staff = make_user("centre_staff", centre="example-closing")
    client = app.test_client()
    sign_in(client, app, staff.email)
    assert submit(client, "/centre/report/", "/centre/report/", {}).status_code == 302  # open: the journey starts
    with app.app_context():
        db.session.execute(update(Centre).where(Centre.slug == "example-closing")
                           .values(closed_on=TODAY - timedelta(days=1)))
        db.session.commit()
    client = app.test_client()
    sign_in(client, app, staff.email)
    page = client.get("/centre/report/").get_data(as_text=True)
    assert "reports can no longer be started here" in page
    assert (TODAY - timedelta(days=1)).strftime("%-d %B %Y") in page
    response = submit(client, "/staff/login", "/centre/report/", {})
    assert response.status_code == 200 and "reports can no longer be started here" in response.get_data(as_text=True)
    admin = signed_in(app, make_user, "admin")
    assert 'value="example-closing"' not in admin.get("/admin/users/new").get_data(as_text=True)


def test_the_audit_log_says_what_happened_to_a_centre_in_words(app, make_user, centre):
    admin = signed_in(app, make_user, "admin")
    page = f"/review/centres/{centre}/history"
    submit(admin, page, page, {"opened_on": "2020-01-06", "closed_on": "2024-03-31"})
    log = admin.get("/admin/audit?action=centre.close").get_data(as_text=True)
    assert "Closed a centre" in log and "31 March 2024" in log and "2024-03-31" not in log


def test_retiring_a_centre_closes_it_today_and_it_stays_in_the_statistics(app, make_user, centre):
    from datetime import UTC, datetime
    through_centre(app, centre, datetime(2024, 8, 1, 9, tzinfo=UTC))
    admin = signed_in(app, make_user, "admin")
    page = f"/admin/centres/{centre}"
    assert submit(admin, page, f"{page}/retire", {}).status_code == 302
    with app.app_context():
        assert db.session.get(Centre, centre).closed_on == TODAY
    assert "Closed" in admin.get(f"/review/centres/{centre}").get_data(as_text=True)
    stats = admin.get("/stats/?first=2024-08&last=2024-09").get_data(as_text=True)
    table = stats.split("Reporting centres by quarter (financial year)", 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', table)[:2] == ["1", "1"]


def test_with_no_centre_the_group_reads_so_not_an_empty_table(app, make_user):
    reviewer = signed_in(app, make_user, "reviewer")
    page = reviewer.get("/review/centres/").get_data(as_text=True)
    assert "No reporting centre is recorded yet" in page
    assert "<table" not in page
