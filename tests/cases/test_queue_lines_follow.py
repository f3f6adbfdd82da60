"""Each line of the queue shows its case as it is now: a change to any of its words (status,
priority, assignee, a warning) shows on the next load, and one case's line never shows
another's words."""
from __future__ import annotations

import re
from typing import Any

from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import minimal_answers, report, sign_in


def _line(page: str, reference: str) -> str:
    found = re.search(rf'<tr class="govuk-table__row">\s*<th scope="row"[^>]*><a [^>]*>{reference}</a>.*?</tr>',
                      page, re.S)
    assert found, f"no line for {reference}"
    return found.group(0)


def _cells(line: str) -> dict[str, str]:
    cells = dict(re.findall(r'data-label="([^"]+)">(.*?)</td>', line, re.S))
    return {label: re.sub(r"<[^>]+>", " ", text).split("  ")[0].strip() for label, text in cells.items()}


def _but_received(line: str) -> str:
    """The line without its received time: two reports sent a minute apart on a slow machine differ there."""
    return re.sub(r'(data-label="Received">).*?(</td>)', r"\1\2", line, flags=re.S)


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_a_line_follows_its_case_and_keeps_to_it(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())
    other, _ = report(app.test_client(), minimal_answers())
    reviewer = make_user("reviewer")
    staff: Any = app.test_client()
    sign_in(staff, app, reviewer.email)
    queue = staff.get("/review/").get_data(as_text=True)
    line, untouched = _line(queue, reference), _line(queue, other)
    assert _cells(line) | {"Received": ""} == {"Received": "", "Status": "New", "Priority": "Normal",
                                               "What and where": "Graffiti (Not sure); Ludlow; Online form",
                                               "Assigned": "No one"}
    # The same words but the reference (and the time each was received).
    assert _but_received(line.replace(reference, other)) == _but_received(untouched)

    url = f"/review/cases/{reference}"
    token = _token(staff.get(url).get_data(as_text=True))
    for action, data in (("assign", {"assign-assignee": str(reviewer.id)}), ("priority", {"priority-priority": "urgent"}),
                         ("status", {"status-status": "in_triage", "status-reason": "Looking at it"})):
        assert staff.post(f"{url}/{action}", data={"csrf_token": token, **data}).status_code == 302
    queue = staff.get("/review/").get_data(as_text=True)
    cells = _cells(_line(queue, reference))
    assert (cells["Status"], cells["Priority"], cells["Assigned"]) == ("In triage", "Urgent", reviewer.email)
    assert _line(queue, other) == untouched

    # A warning beside the reference: the reporter added something the Group has not seen.
    assert "New information" not in _line(queue, reference)
    with app.app_context():
        db.session.query(Report).filter_by(reference=reference).update({"new_information": True})
        db.session.commit()
    assert "New information" in _line(staff.get("/review/").get_data(as_text=True), reference)
