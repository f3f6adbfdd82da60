"""Issue 9 §2: one start, one question per page, the short required path, "tell us more",
check-your-answers in sections, and the questions the national police form asks."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.helpers import CSRF, answer_all, full_answers, minimal_answers, post_form, read_report, send, start


def h1(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match, "no h1"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_a_minimal_anonymous_report_takes_nine_pages_from_the_home_page(client: FlaskClient):
    """Every page a person loads after the home page, up to the receipt, is counted."""
    home = client.get("/").get_data(as_text=True)
    token = CSRF.search(home).group(1)  # type: ignore[union-attr]
    assert 'action="/report/"' in home  # the home page's own button starts the report
    loads = []
    response = client.post("/report/", data={"csrf_token": token})
    steps = minimal_answers()
    while True:
        url = response.headers["Location"]
        page = client.get(url)
        loads.append(url)
        assert page.status_code == 200, url
        if url.endswith("/report/sent"):
            break
        name = url.rsplit("/", 1)[1]
        token = CSRF.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
        response = client.post(url, data={"csrf_token": token, **steps.get(name, {})})
        assert response.status_code == 302, (url, response.get_data(as_text=True)[:1000])
    assert [u.rsplit("/", 1)[1] for u in loads] == [
        "who", "what", "why", "when", "where", "description", "police", "check", "sent",
    ]
    assert len(loads) <= 9


def test_there_is_no_second_start_page(client: FlaskClient, make_user):
    """/report/ (old links, a centre's poster) shows the home page itself, with its one button."""
    make_user("centre_staff", centre="example-library")  # makes the centre
    home = client.get("/").get_data(as_text=True)
    page = client.get("/report/?via=example-library").get_data(as_text=True)
    assert h1(page) == h1(home) == "Report hate in Shropshire"
    assert "Start now" not in page and "Before you start" not in page
    # The centre's poster link keeps its centre, on the home page's button.
    assert '<input type="hidden" name="via" value="example-library">' in page
    assert 'name="via"' not in home


def test_each_single_question_is_the_page_heading_and_said_once(client: FlaskClient):
    start(client)
    for name, question in [
        ("who", "Who is reporting?"), ("what", "What happened?"), ("why", "Why do you think it happened?"),
        ("when", "When did it happen?"), ("where", "Where did it happen?"),
        ("description", "What happened, in your own words?"), ("police", "Can we pass this report to West Mercia Police?"),
    ]:
        page = client.get(f"/report/{name}").get_data(as_text=True)
        assert h1(page) == question, name
        assert page.count(question) == 2, f"{name}: the question is said more than once (title and h1 only)"
        assert re.search(r'<legend[^>]*>\s*<h1|<h1 class="govuk-label-wrapper"><label', page), name
        post_form(client, f"/report/{name}", minimal_answers()[name])


def test_other_say_what_is_under_its_choice(client: FlaskClient):
    start(client)
    post_form(client, "/report/who", {"reporter_type": "victim"})
    page = client.get("/report/what").get_data(as_text=True)
    other = re.search(r'<input[^>]*value="other"[^>]*data-aria-controls="(conditional-[^"]+)"', page)
    assert other, "the ‘Other’ choice controls a conditional reveal"
    # The follow-up is inside that reveal, right after the choice, and not hidden without JavaScript.
    reveal = re.search(rf'<div class="govuk-checkboxes__conditional" id="{other.group(1)}">(.*?)</div>\s*</div>', page, re.S)
    assert reveal and 'name="incident_other"' in reveal.group(1)
    assert "conditional--hidden" not in page and " hidden" not in reveal.group(0)
    # What was typed under a choice not made is not kept.
    post_form(client, "/report/what", {"incident_types": ["graffiti"], "incident_other": "typed, then unticked"})
    page = client.get("/report/what").get_data(as_text=True)
    assert "typed, then unticked" not in page


def test_tell_us_more_lists_every_optional_question_and_a_way_to_skip(client: FlaskClient):
    start(client)
    answer_all(client, minimal_answers())
    police = client.get("/report/police").get_data(as_text=True)
    assert "Would you like to tell us more?" in police
    assert 'name="next" value="more"' in police
    response = post_form(client, "/report/police", {"police_consent": "no", "next": "more"})
    assert response.headers["Location"].endswith("/report/more")
    page = client.get("/report/more").get_data(as_text=True)
    assert h1(page) == "Would you like to tell us more?"
    for section in ("Why you think it was a hate incident", "More about when it happened", "Who was responsible?",
                    "Witnesses", "How it has affected them, and support", "Reporting it to the police before",
                    "Photos, screenshots or documents", "Contacting you", "About the person targeted",
                    "The person targeted"):
        assert section in page, section
    assert 'href="/report/check"' in page and "Skip to check your answers" in page
    # An optional question returns to this page, and back goes there too.
    witnesses = client.get("/report/witnesses").get_data(as_text=True)
    assert 'href="/report/more" class="govuk-back-link"' in witnesses or 'class="govuk-back-link" href="/report/more"' in witnesses
    response = post_form(client, "/report/witnesses", {"witnesses": "the bus driver"})
    assert response.headers["Location"].endswith("/report/more")
    assert "Answered" in client.get("/report/more").get_data(as_text=True)


def test_the_files_question_leads_to_adding_files(client: FlaskClient):
    start(client)
    answer_all(client, minimal_answers())
    page = client.get("/report/evidence-files").get_data(as_text=True)
    assert h1(page) == "Do you have photos, screenshots or documents?"
    response = post_form(client, "/report/evidence-files", {"has_files": "yes"})
    assert response.headers["Location"].endswith("/report/files")
    response = post_form(client, "/report/evidence-files", {"has_files": "no"})
    assert response.headers["Location"].endswith("/report/more")


def test_check_answers_is_in_sections_listing_only_answers_and_what_was_not_answered(client: FlaskClient):
    start(client)
    answer_all(client, minimal_answers())
    page = client.get("/report/check").get_data(as_text=True)
    cards = re.findall(r'<h2 class="govuk-summary-card__title">(.*?)</h2>', page)
    assert cards[:3] == ["What happened", "When and where", "The people involved"]
    assert "Graffiti on a bus shelter." in page and "October 2026" in page
    # Unanswered questions are one line per section, not a row each.
    assert page.count(">Not answered<") == len([c for c in cards if c != "What happened"]) + 1
    not_answered = re.findall(r'<dt class="govuk-summary-list__key">Not answered</dt>\s*<dd[^>]*>(.*?)</dd>', page, re.S)
    assert "9 questions" in not_answered  # the people involved: person targeted 2, offenders 6, witnesses 1: counted, not listed
    assert all(re.fullmatch(r"\d+ questions?", line.strip()) for line in not_answered), not_answered
    questions_listed = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>', page)
    assert "Did anyone else see or hear it?" not in questions_listed, "an unanswered question has its own row"
    assert page.count("govuk-summary-list__row") < 25, "the check page of a minimal report stays short"


def test_the_national_form_questions_are_asked_in_words_and_sealed(app, client, keys):
    start(client)
    answer_all(client, full_answers())
    page = client.get("/report/check").get_data(as_text=True)
    for words in ("Evening (6pm to midnight)", "A neighbour", "31 to 50", "a snake tattoo", "22/12345/26",
                  "Was anyone hurt?", "How would you prefer us to contact you?", "Would you need an interpreter?"):
        assert words in page, words
    reference, _receipt = send(client)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
    assert answers["time_of_day"] == "evening"
    assert answers["offender_relationship"] == "neighbour" and answers["offender_age"] == "31_50"
    assert answers["offender_sex"] == "male" and answers["offender_distinctive"] == "a snake tattoo"
    assert answers["already_reported"] == "yes" and answers["crime_reference"] == "22/12345/26"
    assert answers["injury"] == "no" and answers["preferred_contact"] == "email"
    assert answers["contact_language"] == "Polish" and answers["interpreter"] == "no"


def test_email_and_phone_are_marked_optional_and_one_is_enough(client: FlaskClient):
    start(client)
    answer_all(client, minimal_answers())
    page = client.get("/report/contact").get_data(as_text=True)
    assert "Email address (optional)" in page and "Phone number (optional)" in page
    assert "You only need to give one" in page
    response = post_form(client, "/report/contact", {"contact_ok": "yes", "phone": "07700 900982"})
    assert response.status_code == 302
