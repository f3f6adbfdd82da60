"""Issue 30 item 8: the support a case's person was offered, accepted and completed, recorded from
the case page by a reviewer, in clear codes, on the timeline and in the audit log."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.cases.models import CaseEvent
from reporting.db import utcnow
from reporting.extensions import db
from reporting.periods import LONDON
from reporting.reports.models import Report
from reporting.support.models import CaseSupport
from tests.helpers import send_directly, sign_in

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(app, make_user, role="reviewer", **kwargs):
    user = make_user(role, **kwargs)
    staff = app.test_client()
    sign_in(staff, app, user.email)
    return staff, user


def today():
    return utcnow().astimezone(LONDON).date()


def post_support(staff, reference, **answers):
    page = staff.get(f"/review/cases/{reference}")
    assert page.status_code == 200
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    data = {"csrf_token": token, **{f"support-{k}": v for k, v in answers.items()}}
    return staff.post(f"/review/cases/{reference}/support", data=data)


def record_of(app, reference):
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        found = db.session.get(CaseSupport, report.id)
        events = db.session.execute(
            select(CaseEvent.action, CaseEvent.before, CaseEvent.after, CaseEvent.ref)
            .where(CaseEvent.report_id == report.id, CaseEvent.kind == "support").order_by(CaseEvent.id)).all()
        row = None if found is None else (found.offered, found.offered_on, found.accepted, found.completed)
        return row, [tuple(e) for e in events]


def test_a_reviewer_records_support_offered_accepted_and_completed(app, client, make_user):
    reference = send_directly(app)
    staff, user = signed_in(app, make_user)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "Record support" in page and "Not recorded yet" in page
    day = today().isoformat()
    response = post_support(staff, reference, offered="yes", offered_on=day, accepted="not_yet")
    assert response.status_code == 302
    assert record_of(app, reference) == (("yes", today(), "not_yet", None),
                                         [("offered", None, "yes", day), ("accepted", None, "not_yet", None)])
    # Later: accepted, then completed. Only what changed goes on the timeline.
    assert post_support(staff, reference, offered="yes", offered_on=day, accepted="yes",
                        completed="not_yet").status_code == 302
    assert post_support(staff, reference, offered="yes", offered_on=day, accepted="yes",
                        completed="yes").status_code == 302
    row, events = record_of(app, reference)
    assert row == ("yes", today(), "yes", "yes")
    assert events[2:] == [("accepted", "not_yet", "yes", None), ("completed", None, "not_yet", None),
                          ("completed", "not_yet", "yes", None)]
    # The same answers again change nothing and write nothing.
    again = post_support(staff, reference, offered="yes", offered_on=day, accepted="yes", completed="yes")
    assert again.status_code == 302
    assert len(record_of(app, reference)[1]) == 5
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    words = re.sub(r"\s+", " ", page)
    assert "Support offered on " + today().strftime("%-d %B %Y") in words
    assert "The person&#39;s answer to the support offered: Accepted" in words and "The support: Completed" in words
    assert "The support: Still going" in words
    with app.app_context():
        entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "support.case_recorded")).all()
        assert len(entries) == 3 and all(e.actor_id == user.id for e in entries)
    audit_page = staff.get("/admin/audit")  # reviewers cannot read the audit log; the words are checked elsewhere
    assert audit_page.status_code in (302, 403)


def test_not_offered_clears_what_followed_it(app, client, make_user):
    reference = send_directly(app)
    staff, _user = signed_in(app, make_user, holder=False)  # clear codes: no key needed
    day = today().isoformat()
    assert post_support(staff, reference, offered="yes", offered_on=day, accepted="no").status_code == 302
    assert post_support(staff, reference, offered="no").status_code == 302
    row, events = record_of(app, reference)
    assert row == ("no", None, None, None)
    assert events[-2:] == [("offered", "yes", "no", None), ("accepted", "no", None, None)]


def bad(staff, reference, expected, **answers):
    response = post_support(staff, reference, **answers)
    assert response.status_code == 400, answers
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and expected in page, (answers, expected)


def test_bad_answers_get_the_error_summary_and_change_nothing(app, client, make_user):
    reference = send_directly(app)
    staff, _user = signed_in(app, make_user)
    day = today().isoformat()
    bad(staff, reference, "Select whether support was offered")
    bad(staff, reference, "Select whether support was offered", offered="maybe")
    bad(staff, reference, "Select whether support was offered", offered="yes\x00")
    bad(staff, reference, "Enter the day support was offered", offered="yes", accepted="yes", completed="yes")
    bad(staff, reference, "real date", offered="yes", offered_on="2026-13-45", accepted="no")
    bad(staff, reference, "real date", offered="yes", offered_on="2026\x00-01-01", accepted="no")
    bad(staff, reference, "real date", offered="yes", offered_on="99999999-01-01", accepted="no")
    bad(staff, reference, "cannot be in the future", offered="yes",
        offered_on=(today() + timedelta(days=1)).isoformat(), accepted="no")
    bad(staff, reference, "cannot be before the report was received", offered="yes",
        offered_on=(today() - timedelta(days=400)).isoformat(), accepted="no")
    bad(staff, reference, "Select whether the person accepted", offered="yes", offered_on=day)
    bad(staff, reference, "Select whether the support was completed", offered="yes", offered_on=day, accepted="yes")
    bad(staff, reference, "once the person accepted it", offered="yes", offered_on=day, accepted="no",
        completed="yes")
    bad(staff, reference, "Leave this blank when support was not offered", offered="no", accepted="yes")
    bad(staff, reference, "Select one of the options", offered="yes", offered_on=day, accepted="perhaps")
    assert record_of(app, reference) == (None, [])


def test_only_reviewers_record_support(app, client, make_user):
    reference = send_directly(app)
    for role in ("analyst", "admin", "centre_staff", "police"):
        kwargs = {"centre": "library"} if role == "centre_staff" else {}
        staff, _user = signed_in(app, make_user, role, **kwargs)
        response = staff.post(f"/review/cases/{reference}/support",
                              data={"support-offered": "no"})
        assert response.status_code in (302, 400, 403), role
        assert record_of(app, reference) == (None, []), role
    anonymous = app.test_client()
    assert anonymous.post(f"/review/cases/{reference}/support", data={"support-offered": "no"}).status_code in (
        302, 400, 403)
    assert record_of(app, reference) == (None, [])


def test_the_form_shows_the_answers_recorded_at_once(app, client, make_user):
    """The support form as first shown is kept (reporting/cache.py) by its answers: after a change
    the page shows the new answers ticked, and a case with none shows none, never another's."""
    first, second = send_directly(app), send_directly(app)
    staff, _user = signed_in(app, make_user)

    def ticked(reference: str) -> set[str]:
        page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
        return {f"{m.group(1)}={m.group(2)}" for m in re.finditer(
            r'<input[^>]*name="support-(\w+)"[^>]*value="(\w+)"[^>]*checked', page)}

    assert ticked(first) == set() == ticked(second)
    day = today().isoformat()
    assert post_support(staff, first, offered="yes", offered_on=day, accepted="not_yet").status_code == 302
    assert ticked(first) == {"offered=yes", "accepted=not_yet"}
    assert ticked(second) == set()
    assert post_support(staff, first, offered="yes", offered_on=day, accepted="yes",
                        completed="yes").status_code == 302
    assert ticked(first) == {"offered=yes", "accepted=yes", "completed=yes"}
