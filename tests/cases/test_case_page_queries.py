"""The case page sends the same number of SQL statements however many cases it lists beside
this one (possible duplicates), for a key holder and for a reviewer without the key: no query
per listed case, so the page costs the same on a busy month as on a quiet one."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event

from reporting.extensions import db
from tests.helpers import minimal_answers, report, sign_in


def _statements(app: Any, client: Any, path: str) -> tuple[int, str]:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    client.get(path)  # once untimed: the session's idle-time write is not the page's cost
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen), response.get_data(as_text=True)


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
        one[name], page = _statements(app, client_, path)
        assert first_duplicate in page

    # Four more reports of the same place, kind and month: each is a possible duplicate of the first.
    others = [report(app.test_client(), minimal_answers())[0] for _ in range(4)]
    for name, client_ in (("holder", holder), ("reader", reader)):
        count, page = _statements(app, client_, path)
        assert all(other in page for other in others), f"the {name}'s page lists the possible duplicates"
        assert count == one[name], f"the {name}'s page sent {count} statements listing five cases, {one[name]} listing one"
