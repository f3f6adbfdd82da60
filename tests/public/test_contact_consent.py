"""Issue 28 item 5: consent to contact is asked, never assumed; the check page shows only
what was asked, in the person's words; "how to contact you" only after "yes"; and the
files page's way back to checking goes to the check page."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.helpers import csrf_token, minimal_answers, post_form, read_report, send, start

CONTACT_QUESTION = "Can we contact you about this report?"
HOW_QUESTIONS = ("Can we leave a message?", "How would you prefer us to contact you?", "Would you need an interpreter?")


def rows(page: str) -> dict[str, str]:
    """The check page's answered rows: question to answer, as text."""
    found = re.findall(r'<dt class="govuk-summary-list__key">([^<]*)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>',
                       page, re.S)
    return {key.strip(): " ".join(re.sub(r"<[^>]+>", " ", value).split()) for key, value in found}


def required_then(client: FlaskClient, police: str, *, more: bool = False) -> str:
    start(client)
    steps = minimal_answers()
    steps["who"] = {"reporter_type": "victim"}
    for name in ("who", "what", "why", "when", "where", "description"):
        assert post_form(client, f"/report/{name}", steps[name]).status_code == 302
    response = post_form(client, "/report/police", {"police_consent": police} | ({"next": "more"} if more else {}))
    return str(response.headers["Location"])


def test_details_for_the_police_are_not_consent_to_be_contacted(app, client: FlaskClient, keys):
    assert required_then(client, "with_details").endswith("/report/police-details")
    response = post_form(client, "/report/police-details", {"police_details": "give", "email": "sam@example.org"})
    assert response.headers["Location"].endswith("/report/check")
    page = client.get("/report/check").get_data(as_text=True)
    shown = rows(page)
    assert CONTACT_QUESTION not in shown, "a question never asked is not shown as answered"
    # What was asked, in the person's words, in the police section.
    question = "You asked us to pass your report to the police with your details. How can they contact you?"
    assert shown[question] == "I will give an email address or a phone number"
    assert shown["Email address"] == "sam@example.org"
    assert page.index("sam@example.org") < page.index("Contacting you")
    reference, _receipt = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["email"] == "sam@example.org" and answers.get("contact_ok") is None
    assert answers["police_consent"] == "with_details"


def test_saying_yes_to_contact_afterwards_shows_it_once_in_contacting_you(client: FlaskClient):
    required_then(client, "with_details")
    post_form(client, "/report/police-details", {"police_details": "give", "email": "sam@example.org"})
    form = client.get("/report/contact").get_data(as_text=True)
    assert 'value="sam@example.org"' in form  # under "Yes", ready to be kept
    response = post_form(client, "/report/contact", {"contact_ok": "yes", "email": "sam@example.org"})
    assert response.headers["Location"].endswith("/report/contact-how")
    page = client.get("/report/check").get_data(as_text=True)
    assert rows(page)[CONTACT_QUESTION] == "Yes"
    assert page.count("sam@example.org") == 1


def test_how_to_contact_is_asked_only_after_yes(client: FlaskClient):
    required_then(client, "no", more=True)
    contact = client.get("/report/contact").get_data(as_text=True)
    assert all(question not in contact for question in HOW_QUESTIONS)
    more = client.get("/report/more").get_data(as_text=True)
    assert "How to contact you" not in more, "not offered on its own"
    # "No": straight back to "tell us more"; the questions about how are not asked.
    response = post_form(client, "/report/contact", {"contact_ok": "no"})
    assert response.headers["Location"].endswith("/report/more")
    assert client.get("/report/contact-how").headers["Location"].endswith("/report/more")
    # "Yes": they come next, and lead back to "tell us more".
    response = post_form(client, "/report/contact", {"contact_ok": "yes", "phone": "07700 900982"})
    assert response.headers["Location"].endswith("/report/contact-how")
    how = client.get("/report/contact-how").get_data(as_text=True)
    assert all(question in how for question in HOW_QUESTIONS)
    assert 'href="/report/contact"' in how  # back to the question before
    response = post_form(client, "/report/contact-how", {"leave_message": "yes", "preferred_contact": "text",
                                                         "interpreter": "no"})
    assert response.headers["Location"].endswith("/report/more")


def test_changing_to_anonymous_keeps_no_stale_answers(app, client: FlaskClient, keys):
    required_then(client, "no", more=True)
    post_form(client, "/report/contact", {"contact_ok": "yes", "email": "sam@example.org"})
    post_form(client, "/report/contact-how", {"leave_message": "yes", "preferred_contact": "email", "interpreter": "yes"})
    # From the check page: change the answer to "No, I want to stay anonymous".
    response = post_form(client, "/report/contact?change=1", {"contact_ok": "no", "email": "sam@example.org"})
    assert response.headers["Location"].endswith("/report/check")
    page = client.get("/report/check").get_data(as_text=True)
    assert rows(page)[CONTACT_QUESTION] == "No, I want to stay anonymous"
    assert all(question not in page for question in HOW_QUESTIONS) and "sam@example.org" not in page
    reference, _receipt = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["contact_ok"] == "no"
    assert not any(answers.get(name) for name in ("email", "leave_message", "preferred_contact", "interpreter"))


def test_yes_from_the_check_page_asks_how_then_goes_back_to_checking(client: FlaskClient):
    required_then(client, "no")
    response = post_form(client, "/report/contact?change=1", {"contact_ok": "yes", "email": "sam@example.org"})
    assert response.headers["Location"].endswith("/report/contact-how?change=1")
    response = post_form(client, "/report/contact-how?change=1", {"leave_message": "no"})
    assert response.headers["Location"].endswith("/report/check")


def back_to_check_links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*>Back to check your answers</a>', page)


def test_back_to_check_your_answers_on_the_files_page_goes_to_check_your_answers(client: FlaskClient):
    # "With my details" and none given yet: the question comes before checking.
    required_then(client, "with_details", more=True)
    assert post_form(client, "/report/evidence-files", {"has_files": "yes"}).headers["Location"].endswith("/report/files")
    page = client.get("/report/files").get_data(as_text=True)
    for url in back_to_check_links(page):
        assert client.get(url).status_code == 200, "it opened another question"
    assert back_to_check_links(page) == []
    assert re.search(r'<a href="/report/more"[^>]*>Continue</a>', page)
    # Once settled, it goes to the check page.
    post_form(client, "/report/police-details", {"police_details": "without"})
    page = client.get("/report/files").get_data(as_text=True)
    assert back_to_check_links(page) == ["/report/check"]
    assert client.get("/report/check").status_code == 200


def test_details_for_the_police_go_when_the_police_are_not_to_be_told(app, client: FlaskClient, keys):
    required_then(client, "with_details")
    post_form(client, "/report/police-details", {"police_details": "give", "email": "sam@example.org"})
    response = post_form(client, "/report/police?change=1", {"police_consent": "no"})
    assert response.headers["Location"].endswith("/report/check")
    assert "sam@example.org" not in client.get("/report/check").get_data(as_text=True)
    reference, _receipt = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["police_consent"] == "no" and not answers.get("email")
