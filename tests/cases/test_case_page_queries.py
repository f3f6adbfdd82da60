"""The case page sends the same number of SQL statements however many cases it lists beside
this one (possible duplicates), for a key holder and for a reviewer without the key: no query
per listed case, so the page costs the same on a busy month as on a quiet one."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event

from reporting.extensions import db
from tests.helpers import minimal_answers, report, sign_in


def _statements(app: Any, client: Any, path: str) -> tuple[list[str], str]:
    """The statements one view of ``path`` sent (each on one line), and the page."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(" ".join(args[2].split()))

    client.get(path)  # once untimed: the session's idle-time write is not the page's cost
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return seen, response.get_data(as_text=True)


def test_the_case_page_does_not_query_once_per_listed_case(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())
    first_duplicate, _ = report(app.test_client(), minimal_answers())
    holder = app.test_client()
    sign_in(holder, app, make_user("reviewer").email)
    reader = app.test_client()
    sign_in(reader, app, make_user("reviewer", holder=False).email)
    path = f"/review/cases/{reference}"
    one = {}
    for name, client_ in (("holder", holder), ("reader", reader)):
        seen, page = _statements(app, client_, path)
        one[name] = len(seen)
        assert first_duplicate in page

    # Four more reports of the same place, kind and month: each is a possible duplicate of the first.
    others = [report(app.test_client(), minimal_answers())[0] for _ in range(4)]
    for name, client_ in (("holder", holder), ("reader", reader)):
        seen, page = _statements(app, client_, path)
        count = len(seen)
        assert all(other in page for other in others), f"the {name}'s page lists the possible duplicates"
        assert count == one[name], f"the {name}'s page sent {count} statements listing five cases, {one[name]} listing one"


# Each kind a feature registered as a holding (reporting/casefile.py), by the table its panel reads.
HELD_TABLES = ("case_links", "evidence", "referrals", "messages", "reporter_feedback", "case_support",
               "actions", "meeting_flags")


def _asked(seen: list[str], table: str) -> bool:
    """Whether a statement read rows of ``table`` (the report's one statement only asks whether
    the case holds any; the possible duplicates leave linked cases out by a subquery)."""
    return any(statement.startswith(f"SELECT {table}.") for statement in seen)


def test_a_case_that_holds_nothing_of_a_kind_is_not_asked_for_it_and_one_that_does_is_shown_it(
        app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())
    holder = app.test_client()
    sign_in(holder, app, make_user("reviewer").email)
    path = f"/review/cases/{reference}"
    seen, page = _statements(app, holder, path)
    assert [table for table in HELD_TABLES if _asked(seen, table)] == []
    assert "HELDCANARY" not in page

    # Support recorded and a message written: the page asks for those two, and shows them.
    page_text = holder.get(path).get_data(as_text=True)
    token = page_text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = holder.post(f"{path}/messages", data={"csrf_token": token, "message-text": "HELDCANARY can you call us"})
    assert answer.status_code == 302
    answer = holder.post(f"{path}/support", data={"csrf_token": token, "support-offered": "no"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    seen, page = _statements(app, holder, path)
    asked = [table for table in HELD_TABLES if _asked(seen, table)]
    assert asked == ["messages", "case_support"]
    assert "HELDCANARY" in page and "Recorded that support was not offered" in page


def test_the_risk_flags_form_ticks_each_choice_of_flags_as_the_form_itself_renders_it(app):  # type: ignore[no-untyped-def]
    """The case page ticks a case's flags on the empty form kept per language; for every choice of
    flags that is the very HTML the form renders with those flags chosen."""
    from itertools import combinations

    from reporting.cases import forms
    from reporting.cases.views import _flags_fields
    from reporting.forms import fields_html

    codes = list(forms.FLAG_LABELS)
    with app.test_request_context("/review/"):
        for size in range(len(codes) + 1):
            for chosen in combinations(codes, size):
                expected = fields_html(forms.FlagsForm(prefix="flags", formdata=None, data={"flags": list(chosen)}))
                assert _flags_fields(list(chosen))["flags"] == expected["flags"], chosen
        # A code the form does not offer ticks nothing, as the form would not show it.
        assert _flags_fields(["not_a_flag"])["flags"] == _flags_fields([])["flags"]
        assert " checked" not in _flags_fields([])["flags"]
