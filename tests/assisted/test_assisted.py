"""Assisted reporting by centre staff: same questions, consent, a slip shown once, no reading back."""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting.cases.models import CaseEvent
from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import minimal_answers, post_form, read_report, sign_in

ASSISTED_FIRST = {
    "how-taken": {"how_taken": "interpreter", "interpreter_language": "Polish"},
    "consent": {"consent_recorded": "yes", "consent_contact": "no"},
}


# The word the person chooses for their slip (typed twice, never shown back).
WORD = "Bluebell Wood"
WORD_STEP = {"receipt-word": {"receipt_word": WORD, "receipt_word_again": "bluebellwood"}}


def walk(client, steps, prefix="/centre/report/"):
    url = prefix + "how-taken"
    steps = WORD_STEP | steps
    while not url.endswith("/check"):
        name = url.rsplit("/", 1)[1]
        response = post_form(client, url, steps.get(name, {}))
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:1500])
        url = response.headers["Location"]
    return url


def centre_client(app, make_user, centre="example-library"):
    user = make_user("centre_staff", centre=centre)
    client = app.test_client()
    sign_in(client, app, user.email)
    return client, user


def test_assisted_report_with_consent_slip_once_and_no_reading_back(app, make_user, keys):
    staff, user = centre_client(app, make_user)
    assert "Assisted reporting" in staff.get("/centre/").get_data(as_text=True)
    start = post_form(staff, "/centre/report/", {})
    assert start.headers["Location"].endswith("/centre/report/how-taken")
    steps = ASSISTED_FIRST | minimal_answers() | {"staff-note": {"staff_note": "Seemed frightened HANDOVERNOTE"}}
    walk(staff, steps)
    check = staff.get("/centre/report/check").get_data(as_text=True)
    assert "Polish" in check and "Graffiti on a bus shelter." in check
    response = post_form(staff, "/centre/report/check", {})
    assert response.headers["Location"].endswith("/centre/report/receipt")
    slip = staff.get("/centre/report/receipt").get_data(as_text=True)
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", slip).group(0)
    assert re.search(r"(\d{4}</span> ){5}", slip) or len(re.findall(r"app-receipt-code__group\">\d{4}", slip)) == 6
    # Shown once: a reload does not show the code again.
    again = staff.get("/centre/report/receipt")
    assert again.status_code == 302
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        assert (report.channel, report.centre_id) == ("centre", user.centre_id)
        content = read_report(reference, keys.recovery_text)
        note = db.session.scalar(select(CaseEvent).where(CaseEvent.report_id == report.id))
    answers = content["answers"]
    assert answers["how_taken"] == "interpreter" and answers["interpreter_language"] == "Polish"
    assert answers["consent_recorded"] == "yes"
    assert "staff_note" not in answers, "the note to the Group must not be readable with the receipt"
    assert note.kind == "note" and b"HANDOVERNOTE" not in note.sealed
    # The list shows the reference and status; the content is out of reach.
    listing = staff.get("/centre/").get_data(as_text=True)
    assert reference in listing and "Graffiti on a bus shelter." not in listing
    assert staff.get(f"/review/cases/{reference}").status_code == 403
    # Staff of another centre do not see it in their list.
    other, _ = centre_client(app, make_user, centre="other-centre")
    assert reference not in other.get("/centre/").get_data(as_text=True)


def test_without_consent_the_report_cannot_go_on(app, make_user):
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    post_form(staff, "/centre/report/how-taken", {"how_taken": "in_person"})
    response = post_form(staff, "/centre/report/consent", {"consent_recorded": "no", "consent_contact": "no"})
    assert response.status_code == 200
    assert "Only continue if the person agrees" in response.get_data(as_text=True)


def test_interpreter_needs_a_language(app, make_user):
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    response = post_form(staff, "/centre/report/how-taken", {"how_taken": "interpreter"})
    assert response.status_code == 200
    assert "Enter the language the interpreter is using" in response.get_data(as_text=True)


def test_the_reviewer_sees_the_handover_note(app, make_user, keys):
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    walk(staff, ASSISTED_FIRST | minimal_answers() | {"staff-note": {"staff_note": "Please call after 6pm"}})
    post_form(staff, "/centre/report/check", {})
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", staff.get("/centre/report/receipt").get_data(as_text=True)).group(0)
    reviewer = make_user("reviewer")
    review = app.test_client()
    sign_in(review, app, reviewer.email)
    page = review.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "Please call after 6pm" in page
