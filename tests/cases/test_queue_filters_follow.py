"""The queue's filter form shows the centres as they are now and speaks the reader's language:
it is kept as HTML (reporting/cases/views.py ``_filters``, through reporting.cache), and these
tests hold that a change shows on the next page."""
from __future__ import annotations

import re

from sqlalchemy import select, text

from reporting.centres.models import Centre
from reporting.extensions import db
from tests.helpers import sign_in


def _filter_form(page: str) -> str:
    found = re.search(r'<form method="get".*?</form>', page, re.S)
    assert found, "no filter form"
    return found.group(0)


def _centres(page: str) -> list[str]:
    select_ = re.search(r'<select[^>]* name="centre".*?</select>', page, re.S)
    assert select_, "no centre filter"
    return [name.strip() for name in re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select_.group(0))]


def test_a_new_or_renamed_centre_shows_in_the_centre_filter_at_once(app, make_user):  # type: ignore[no-untyped-def]
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    before = _centres(staff.get("/review/").get_data(as_text=True))
    assert "Oswestry Library" not in before
    with app.app_context():
        db.session.add(Centre(slug="oswestry-library", name="Oswestry Library"))
        db.session.commit()
    assert "Oswestry Library" in _centres(staff.get("/review/").get_data(as_text=True))
    with app.app_context():
        db.session.scalar(select(Centre).where(Centre.slug == "oswestry-library")).name = "Oswestry Town Library"
        db.session.commit()
    after = _centres(staff.get("/review/").get_data(as_text=True))
    assert "Oswestry Town Library" in after and "Oswestry Library" not in after
    # The same filters asked for again show the same centres (kept, not stale).
    assert _centres(staff.get("/review/?status=new").get_data(as_text=True)) == after
    # Plain SQL, not the ORM: the database's triggers move the version all the same.
    with app.app_context():
        db.session.execute(text("DELETE FROM centres WHERE slug = 'oswestry-library'"))
        db.session.commit()
    assert "Oswestry Town Library" not in _centres(staff.get("/review/").get_data(as_text=True))


def test_the_filter_form_and_the_words_follow_the_readers_language(app, make_user):  # type: ignore[no-untyped-def]
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    english = staff.get("/review/").get_data(as_text=True)
    assert staff.get("/review/?lang=pl").status_code == 303
    polish = staff.get("/review/").get_data(as_text=True)
    assert _filter_form(polish) != _filter_form(english)
    assert staff.get("/review/?lang=en").status_code == 303
    assert _filter_form(staff.get("/review/").get_data(as_text=True)) == _filter_form(english)
