"""The Group's queue and case page through the HTTP interface."""
from __future__ import annotations

from tests.helpers import minimal_answers, report, sign_in, full_answers


def test_reviewer_signs_in_sees_the_queue_and_reads_a_case(app, client, make_user):
    reference, _ = report(client, full_answers("readable"))
    reviewer = make_user("reviewer")
    staff = app.test_client()
    landing = sign_in(staff, app, reviewer.email)
    assert landing.headers["Location"].endswith("/staff/")
    queue = staff.get("/review/")
    assert queue.status_code == 200
    assert reference in queue.get_data(as_text=True)
    case = staff.get(f"/review/cases/{reference}")
    assert case.status_code == 200
    page = case.get_data(as_text=True)
    assert "A man shouted at me in the street. readable" in page
