"""The new questions reach the staff case page, in words, through the existing rendering."""
from __future__ import annotations

from tests.helpers import full_answers, report, sign_in


def test_the_case_page_shows_the_new_answers_labelled(app, client, make_user):
    steps = full_answers()
    steps["who"] = {"reporter_type": "witness"}
    steps["person-targeted"] = {"target_knows": "not_sure", "target_contact": "ask_first"}
    reference, _ = report(client, steps)
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    for label, answer in [
        ("What time of day was it?", "Evening (6pm to midnight)"),
        ("Who were they?", "A neighbour"),
        ("About how old were they?", "31 to 50"),
        ("Anything distinctive about them", "a snake tattoo"),
        ("Has this already been reported to the police?", "Yes"),
        ("Crime reference number, if you know it", "22/12345/26"),
        ("Was anyone hurt?", "No"),
        ("How would you prefer us to contact you?", "Email"),
        ("Would you need an interpreter?", "No"),
        ("May the Group contact the person targeted?", "Ask me first"),
        ("Their age", "25 to 34"),  # a witness answers for the person targeted
    ]:
        assert label in page and answer in page, label
    assert "ask_first" not in page and "31_50" not in page
