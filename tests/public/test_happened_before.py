"""Issue 30 item 6: repeat victimisation as the reporter's answer, and the kind of place.

"Has this happened to you before?" and "What kind of place was it?" are asked once, in the
questions every journey walks (public, assisted, phone). Each answer is kept in clear only as a
code (reports.happened_before, reports.place_kind); "prefer not to say" and no answer are NULL.
Check-your-answers, the case page and the subject access export show the answer in words."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from reporting.extensions import db
from reporting.reports import questions
from reporting.reports.models import Report
from tests.helpers import answer_all, csrf_token, full_answers, minimal_answers, post_form, report, sign_in, start
from tests.public.test_bad_input import assert_field_error, stored_answers


def clear_columns(app, reference: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    with app.app_context():
        row = db.session.execute(select(Report.happened_before, Report.place_kind)
                                 .where(Report.reference == reference)).one()
        return row.happened_before, row.place_kind


def test_the_question_is_offered_and_its_answer_kept_in_clear_as_a_code(app, client, keys):
    start(client)
    steps = minimal_answers() | {"happened-before": {"happened_before": "several"},
                                 "place": {"place_kind": "transport", "place_description": "the bus station"}}
    steps["who"] = {"reporter_type": "victim"}
    answer_all(client, steps)
    more = client.get("/report/more").get_data(as_text=True)
    assert 'href="/report/happened-before"' in more and "Has this happened before?" in more
    page = client.get("/report/happened-before").get_data(as_text=True)
    assert "Has this happened to you before?" in page
    for words in ("No, this is the first time", "Yes, once before", "Yes, several times", "Yes, it is still going on",
                  "Prefer not to say"):
        assert words in page
    check = client.get("/report/check").get_data(as_text=True)
    assert "Yes, several times" in check and "On public transport, or at a station or stop" in check
    assert 'href="/report/happened-before?change=1#happened_before"' in check
    response = post_form(client, "/report/check", {})
    assert response.headers["Location"].endswith("/report/sent")
    reference = db_reference(app)
    assert clear_columns(app, reference) == ("several", "transport")


def db_reference(app) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(Report.reference).order_by(Report.id.desc()).limit(1))


@pytest.mark.parametrize(("answer", "kept"), [("prefer_not", None), ("no", "no"), ("once", "once"),
                                               ("ongoing", "ongoing"), (None, None)])
def test_only_the_four_bands_are_kept_prefer_not_and_no_answer_are_null(app, keys, answer, kept):
    steps = minimal_answers()
    if answer is not None:
        steps["happened-before"] = {"happened_before": answer}
    reference, _receipt = report(app.test_client(), steps)
    assert clear_columns(app, reference) == (kept, None)


def test_about_someone_else_the_question_asks_about_them(client):
    start(client)
    answer_all(client, minimal_answers())  # a witness
    page = client.get("/report/happened-before").get_data(as_text=True)
    assert "Has this happened to them before?" in page and "Has this happened to you before?" not in page


@pytest.mark.parametrize(("step", "field", "posted"), [
    ("happened-before", "happened_before", "sometimes"),
    ("happened-before", "happened_before", "no\x00"),
    ("happened-before", "happened_before", "9" * 400),
    ("place", "place_kind", "castle"),
    ("place", "place_kind", "home\x00"),
])
def test_a_band_not_offered_is_refused_with_an_error_summary_and_nothing_kept(app, client, step, field, posted):
    start(client)
    answer_all(client, minimal_answers())
    before = stored_answers(app, client)
    response = post_form(client, f"/report/{step}", {field: posted})
    assert_field_error(response, field, "Select one of the options")
    assert stored_answers(app, client) == before
    assert field not in before or before[field] is None


def test_assisted_and_phone_entry_ask_the_same_questions():
    for steps in (questions.ASSISTED_STEPS, questions.PHONE_STEPS):
        names = {step.name for step in steps}
        assert "happened-before" in names and "place" in names
        assert next(s for s in steps if s.name == "happened-before").form is questions.HappenedBeforeForm


def _case_page(app, make_user, answers):  # type: ignore[no-untyped-def]
    """A report sent with ``answers``, a key holder signed in, and its case page as they see it."""
    reference, _receipt = report(app.test_client(), answers)
    reviewer = app.test_client()
    sign_in(reviewer, app, make_user("reviewer").email)
    return reference, reviewer, reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)


def test_staff_see_the_answer_in_words_on_the_case_page_and_in_the_subject_access_export(app, make_user, keys):
    reference, reviewer, page = _case_page(app, make_user, full_answers())
    assert 'id="case-happened-before">Several times before<' in page
    assert "Yes, several times" in page  # the reporter's own words among the answers
    url = f"/review/retention/cases/{reference}"
    response = reviewer.post(f"{url}/export", data={"csrf_token": csrf_token(reviewer, url)})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        answers = json.loads(archive.read("answers.json"))
    assert answers["happened_before"] == "several" and answers["place_kind"] == "street"


def test_the_case_page_says_not_answered_without_an_answer(app, make_user, keys):
    _reference, _reviewer, page = _case_page(app, make_user, minimal_answers())
    assert 'id="case-happened-before">Not answered<' in page


def test_assisted_and_phone_entry_ask_it_and_keep_the_code(app, make_user, keys):
    from tests.assisted.test_assisted import ASSISTED_FIRST, centre_client, walk

    staff, _user = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    walk(staff, ASSISTED_FIRST | minimal_answers())
    assert "Has this happened to them before?" in staff.get("/centre/report/happened-before").get_data(as_text=True)
    assert post_form(staff, "/centre/report/happened-before", {"happened_before": "once"}).status_code == 302
    assert post_form(staff, "/centre/report/place", {"place_kind": "work"}).status_code == 302
    assert "Yes, once before" in staff.get("/centre/report/check").get_data(as_text=True)
    assert post_form(staff, "/centre/report/check", {}).headers["Location"].endswith("/centre/report/receipt")
    assert clear_columns(app, db_reference(app)) == ("once", "work")

    phone = app.test_client()
    sign_in(phone, app, make_user("reviewer").email)
    post_form(phone, "/review/phone/", {})
    steps = minimal_answers() | {"receipt-word": {"receipt_word": "harbour", "receipt_word_again": "harbour"}}
    url = "/review/phone/who"
    while not url.endswith("/check"):
        response = post_form(phone, url, steps[url.rsplit("/", 1)[1]])
        url = response.headers["Location"]
    assert "Has this happened to them before?" in phone.get("/review/phone/happened-before").get_data(as_text=True)
    assert post_form(phone, "/review/phone/happened-before", {"happened_before": "ongoing"}).status_code == 302
    assert post_form(phone, "/review/phone/check", {}).headers["Location"].endswith("/review/phone/sent")
    assert clear_columns(app, db_reference(app)) == ("ongoing", None)
