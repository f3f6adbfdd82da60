"""Issue 26 item 1: the word guarding a centre's slip is set once, by the person.

Before sending, centre staff posted /centre/report/receipt-word a second time with a word of
their own; the slip's code then opened with the staff's word and the person's was refused.
"""
from __future__ import annotations

import re

from tests.assisted.test_assisted import ASSISTED_FIRST, centre_client, walk
from tests.helpers import csrf_token, minimal_answers, post_form
from tests.status.test_slip_word import CODE, WRONG, text_of, try_word

PERSON = "Kingfisher"
STAFF = "Staffword"


def test_a_second_word_from_the_centre_is_refused_and_the_persons_word_still_opens(app, make_user, keys):
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    walk(staff, ASSISTED_FIRST | minimal_answers()
         | {"receipt-word": {"receipt_word": PERSON, "receipt_word_again": PERSON}})

    # The word's page no longer offers a form: the person chose already.
    shown = staff.get("/centre/report/receipt-word")
    assert shown.status_code == 200
    assert "The person has chosen their word" in shown.get_data(as_text=True)
    assert 'name="receipt_word"' not in shown.get_data(as_text=True)
    # A post of a word of the staff's own (a token from another page) is refused, and changes nothing.
    token = csrf_token(staff, "/centre/report/check")
    refused = staff.post("/centre/report/receipt-word",
                         data={"csrf_token": token, "receipt_word": STAFF, "receipt_word_again": STAFF})
    assert refused.status_code == 409
    assert "cannot be changed or replaced" in text_of(refused)

    assert post_form(staff, "/centre/report/check", {}).status_code == 302
    slip = staff.get("/centre/report/receipt")
    code = CODE.search(text_of(slip)).group(0)
    assert re.search(r"HC-\d\d-[0-9A-Z]{6}", slip.get_data(as_text=True))

    # The staff's word opens nothing; the person's own word opens their report.
    assert WRONG in try_word(app.test_client(), code, STAFF).get_data(as_text=True)
    opened = try_word(app.test_client(), code, PERSON)
    assert opened.status_code == 200 and "Your new receipt code" in text_of(opened)
