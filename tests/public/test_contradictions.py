"""Contradictions are caught kindly, with a question; witnesses are asked about the person targeted."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.helpers import answer_all, csrf_token, minimal_answers, post_form, read_report, send, start


def error_messages(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).replace("Error:", "", 1).strip() for m in re.findall(r'<p id="[^"]+-error" class="govuk-error-message">(.*?)</p>', page, re.S)]


def with_details_and_no_contact(client: FlaskClient) -> str:
    start(client)
    steps = minimal_answers()
    steps["police"] = {"police_consent": "with_details"}
    url = "/report/who"
    while True:
        name = url.rsplit("/", 1)[1]
        if name not in steps:
            return url
        url = post_form(client, url, steps[name]).headers["Location"]


def test_with_my_details_and_no_details_asks_how_the_police_can_contact_them(client: FlaskClient):
    url = with_details_and_no_contact(client)
    assert url.endswith("/report/police-details")
    page = client.get(url).get_data(as_text=True)
    assert "You asked us to pass your report to the police with your details. How can they contact you?" in page
    # Checking sends them back to the question, and so does sending.
    assert client.get("/report/check").headers["Location"].endswith("/report/police-details")
    token = csrf_token(client, url)
    assert client.post("/report/check", data={"csrf_token": token}).headers["Location"].endswith("/report/police-details")
    # Choosing to give details, and giving none, is a clear error, not a silent contradiction.
    response = post_form(client, url, {"police_details": "give"})
    assert response.status_code == 200
    assert error_messages(response.get_data(as_text=True)) == [
        "Enter an email address or a phone number, or choose to pass it on without your details"
    ]


def test_giving_a_phone_number_settles_it(app, client: FlaskClient, keys):
    url = with_details_and_no_contact(client)
    response = post_form(client, url, {"police_details": "give", "phone": "07700 900982"})
    assert response.headers["Location"].endswith("/report/check")
    reference, _ = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["police_consent"] == "with_details"
    # For the police: "Can we contact you?" was not asked, so it is not answered.
    assert answers["phone"] == "07700 900982" and answers.get("contact_ok") is None


def test_passing_it_on_without_details_instead_changes_the_choice(app, client: FlaskClient, keys):
    url = with_details_and_no_contact(client)
    response = post_form(client, url, {"police_details": "without", "phone": "typed then changed mind"})
    assert response.headers["Location"].endswith("/report/check")
    page = client.get("/report/check").get_data(as_text=True)
    assert "Yes, but without my details (for police information only)" in page
    reference, _ = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["police_consent"] == "without_details"
    assert not answers.get("phone") and answers.get("contact_ok") != "yes"


def test_tell_us_more_first_lets_them_give_details_in_the_contact_section(client: FlaskClient):
    start(client)
    steps = minimal_answers()
    for name in ("who", "what", "why", "when", "where", "description"):
        post_form(client, f"/report/{name}", steps[name])
    response = post_form(client, "/report/police", {"police_consent": "with_details", "next": "more"})
    assert response.headers["Location"].endswith("/report/more")
    assert client.get("/report/more").status_code == 200  # not sent to the question yet
    assert client.get("/report/check").headers["Location"].endswith("/report/police-details")
    post_form(client, "/report/contact", {"contact_ok": "yes", "email": "sam@example.org"})
    assert client.get("/report/check").status_code == 200  # settled: no question needed


def test_contact_me_with_neither_email_nor_phone_is_asked_clearly(client: FlaskClient):
    start(client)
    answer_all(client, minimal_answers())
    response = post_form(client, "/report/contact", {"contact_ok": "yes", "name": "Sam"})
    assert response.status_code == 200
    assert error_messages(response.get_data(as_text=True)) == [
        "You said we can contact you: enter an email address or a phone number, or choose to stay anonymous"
    ]


def test_a_witness_is_asked_about_the_person_targeted(app, client: FlaskClient, keys):
    start(client)
    answer_all(client, minimal_answers())  # a witness
    page = client.get("/report/person-targeted").get_data(as_text=True)
    assert "Does the person targeted know you are reporting this?" in page
    assert "May the Group contact the person targeted?" in page
    post_form(client, "/report/person-targeted", {"target_knows": "no", "target_contact": "ask_first"})
    # The equality questions say whose answers they are.
    equality = client.get("/report/equality").get_data(as_text=True)
    assert "About the person targeted" in equality and "not you" in equality
    assert "Their age" in equality and "Your age" not in equality
    post_form(client, "/report/equality", {"age_group": "65_plus"})
    check = client.get("/report/check").get_data(as_text=True)
    assert "Their age" in check and "Ask me first" in check
    reference, _ = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["target_knows"] == "no" and answers["target_contact"] == "ask_first"


def test_someone_reporting_for_themselves_is_not_asked_about_another_person(client: FlaskClient):
    start(client)
    steps = minimal_answers()
    steps["who"] = {"reporter_type": "victim"}
    answer_all(client, steps)
    assert client.get("/report/person-targeted").headers["Location"].endswith("/report/more")
    assert "The person targeted" not in client.get("/report/more").get_data(as_text=True)
    equality = client.get("/report/equality").get_data(as_text=True)
    assert "Your age" in equality and "These questions are about you" in equality
