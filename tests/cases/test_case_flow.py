"""The Group's queue and case page through the HTTP interface."""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting.cases.models import CaseEvent, CaseLink
from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import full_answers, minimal_answers, post_form, report, sign_in


def reviewer_client(app, make_user, **kwargs):
    user = make_user("reviewer", **kwargs)
    staff = app.test_client()
    sign_in(staff, app, user.email)
    return staff, user


def stored(app, reference):
    with app.app_context():
        found = db.session.scalar(select(Report).where(Report.reference == reference))
        db.session.expunge(found)
        return found


def test_reviewer_signs_in_sees_the_queue_and_reads_a_case(app, client, make_user):
    reference, _ = report(client, full_answers("readable"))
    staff, _user = reviewer_client(app, make_user)
    queue = staff.get("/review/")
    assert queue.status_code == 200
    assert reference in queue.get_data(as_text=True)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "A man shouted at me in the street. readable" in page
    assert "Sam readable" in page
    # The report's every strand, read with its types in one statement (three of each: nine rows).
    strands = re.search(r'Strands</dt><dd class="govuk-summary-list__value">([^<]*)</dd>', page)
    assert strands and strands.group(1) == ("Other, not a monitored strand, Race, including ethnicity and nationality, "
                                            "Religion or belief"), strands


def test_status_workflow_with_reasons_sealed_on_the_timeline(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    staff, _user = reviewer_client(app, make_user)
    url = f"/review/cases/{reference}"
    token_page = staff.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    response = staff.post(f"{url}/status", data={"csrf_token": token, "status-status": "in_triage",
                                                 "status-reason": "Looks urgent CANARYNOTE"})
    assert response.status_code == 302
    assert stored(app, reference).status == "in_triage"
    page = staff.get(url).get_data(as_text=True)
    assert "Looks urgent CANARYNOTE" in page  # the reason, opened for a key holder
    with app.app_context():
        event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "status"))
        assert (event.action, event.before, event.after, event.reason) == ("changed", "new", "in_triage", None)
        assert b"CANARYNOTE" not in (event.sealed or b"")
    # Closing needs a closure reason; with one, the case closes.
    response = staff.post(f"{url}/status", data={"csrf_token": token, "status-status": "closed",
                                                 "status-reason": "done"})
    assert response.status_code == 200
    assert "Select why the case is being closed" in response.get_data(as_text=True)
    assert stored(app, reference).status == "in_triage"
    staff.post(f"{url}/status", data={"csrf_token": token, "status-status": "closed",
                                      "status-closure_reason": "not_hate_incident", "status-reason": "done"})
    closed = stored(app, reference)
    assert (closed.status, closed.closure_reason) == ("closed", "not_hate_incident")


def test_a_transition_not_in_the_table_is_refused(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    staff, _user = reviewer_client(app, make_user)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = staff.post(f"/review/cases/{reference}/status",
                          data={"csrf_token": token, "status-status": "resolved", "status-reason": "skip"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert stored(app, reference).status == "new"


def test_notes_assignment_priority_and_flags(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    staff, user = reviewer_client(app, make_user)
    url = f"/review/cases/{reference}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get(url).get_data(as_text=True)).group(1)
    assert staff.post(f"{url}/notes", data={"csrf_token": token, "note-note": "Called the shop"}).status_code == 302
    assert staff.post(f"{url}/assign", data={"csrf_token": token, "assign-assignee": str(user.id)}).status_code == 302
    assert staff.post(f"{url}/priority", data={"csrf_token": token, "priority-priority": "urgent"}).status_code == 302
    assert staff.post(f"{url}/flags", data={"csrf_token": token, "flags-flags": ["child_involved", "repeat_victim"]}).status_code == 302
    case = stored(app, reference)
    assert case.assignee_id == user.id and case.priority == "urgent"
    assert case.staff_flags is not None and b"child_involved" not in case.staff_flags
    page = staff.get(url).get_data(as_text=True)
    assert "Called the shop" in page
    assert "Child involved" in page and "Repeat victim" in page
    mine = staff.get("/review/?assigned=me").get_data(as_text=True)
    assert reference in mine
    assert reference not in staff.get("/review/?assigned=unassigned").get_data(as_text=True)


def test_linking_and_suggested_duplicates(app, client, make_user):
    first, _ = report(client, minimal_answers())
    second, _ = report(app.test_client(), minimal_answers())  # same area and strand, same month
    other_steps = minimal_answers()
    other_steps["where"] = {"area": "oswestry"}
    elsewhere, _ = report(app.test_client(), other_steps)
    staff, _user = reviewer_client(app, make_user)
    page = staff.get(f"/review/cases/{first}").get_data(as_text=True)
    suggestions = page.split("Possible duplicates", 1)[1] if "Possible duplicates" in page else ""
    assert second in suggestions and elsewhere not in suggestions
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = staff.post(f"/review/cases/{first}/links",
                          data={"csrf_token": token, "link-reference": second.lower(), "link-kind": "duplicate"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(CaseLink).count() == 2  # both directions
    assert first in staff.get(f"/review/cases/{second}").get_data(as_text=True)
    response = staff.post(f"/review/cases/{first}/links/{second}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(CaseLink).count() == 0


def test_queue_filters_sorting_and_counts(app, client, make_user):
    online_steps = full_answers()
    a, _ = report(client, online_steps)  # race/religion, verbal abuse, Shrewsbury
    b, _ = report(app.test_client(), minimal_answers())  # unknown strand, graffiti, Ludlow
    staff, _user = reviewer_client(app, make_user)
    by_strand = staff.get("/review/?strand=religion").get_data(as_text=True)
    assert a in by_strand and b not in by_strand
    by_type = staff.get("/review/?incident_type=graffiti").get_data(as_text=True)
    assert b in by_type and a not in by_type
    by_area = staff.get("/review/?area=ludlow").get_data(as_text=True)
    assert b in by_area and a not in by_area
    newest = staff.get("/review/?sort=newest").get_data(as_text=True)
    oldest = staff.get("/review/?sort=oldest").get_data(as_text=True)
    assert newest.index(b) < newest.index(a) and oldest.index(a) < oldest.index(b)
    assert "New: <strong>2</strong>" in newest
    # Nonsense in the query string is ignored, not a crash.
    assert staff.get("/review/?status=bogus&page=-4&received_from=notadate&sort=x").status_code == 200


def test_phone_entry_uses_the_same_questions_and_records_the_channel(app, make_user, keys):
    staff, user = reviewer_client(app, make_user)
    start = post_form(staff, "/review/phone/", {})
    assert start.headers["Location"].endswith("/review/phone/who")
    steps = minimal_answers() | {"receipt-word": {"receipt_word": "harbour", "receipt_word_again": "harbour"}}
    url = "/review/phone/who"
    while not url.endswith("/check"):
        name = url.rsplit("/", 1)[1]
        response = post_form(staff, url, steps[name])
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        url = response.headers["Location"]
    response = post_form(staff, "/review/phone/check", {})
    assert response.headers["Location"].endswith("/review/phone/sent")
    page = staff.get("/review/phone/sent").get_data(as_text=True)
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", page).group(0)
    assert re.search(r"\d{4} \d{4}", re.sub(r"<[^>]+>", "", page))
    case = stored(app, reference)
    assert case.channel == "phone"
    from tests.helpers import read_report

    with app.app_context():
        content = read_report(reference, keys.recovery_text)
    assert content["meta"]["entered_by"] == user.id
    assert content["answers"]["description"] == "Graffiti on a bus shelter."


def test_queue_filters_by_centre(app, client, make_user):
    from tests.centres.test_via_link import add_centre, start_via
    from tests.helpers import answer_all, send

    centre_id = add_centre(app, "filter-centre")
    visitor = app.test_client()
    start_via(visitor, "filter-centre")
    answer_all(visitor, minimal_answers())
    through_centre, _ = send(visitor)
    online, _ = report(client, minimal_answers())
    staff, _user = reviewer_client(app, make_user)
    page = staff.get(f"/review/?centre={centre_id}").get_data(as_text=True)
    assert through_centre in page and online not in page
    assert "Online form, from a centre" in page


def test_an_online_report_shows_only_the_online_questions(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    staff, _user = reviewer_client(app, make_user)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "How are you taking this report?" not in page
    assert "Who is reporting?" in page


def test_a_long_queue_counts_to_a_cap_and_still_pages_on(app, client, make_user, monkeypatch):
    from reporting.cases import queries

    # The cap and the page size made small: five new cases stand for thousands.
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    references = [report(app.test_client(), minimal_answers())[0] for _ in range(5)]
    staff, _user = reviewer_client(app, make_user)
    first = staff.get("/review/?sort=oldest").get_data(as_text=True)
    assert "New: <strong>more than 3</strong>" in first
    assert "Closed: <strong>0</strong>" in first
    assert "More than 3 cases" in first and "Page 1</p>" in first
    assert references[0] in first and references[1] in first and references[2] not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    # Past the cap the queue still pages on, a page at a time, to the last case.
    third = staff.get("/review/?sort=oldest&page=3").get_data(as_text=True)
    assert references[4] in third and 'rel="next"' not in third and 'rel="prev"' in third
    beyond = staff.get("/review/?sort=oldest&page=9")
    assert beyond.status_code == 200
    text = beyond.get_data(as_text=True)
    assert "There are no more cases" in text and not any(r in text for r in references)
    # Under the cap, counts and the last page number are exact again.
    monkeypatch.setattr(queries, "COUNT_CAP", 10)
    exact = staff.get("/review/?sort=oldest").get_data(as_text=True)
    assert "New: <strong>5</strong>" in exact and "5 cases" in exact and "Page 1 of 3" in exact


def test_most_urgent_first_across_pages(app, client, make_user, monkeypatch):
    from reporting.cases import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    references = [report(app.test_client(), minimal_answers())[0] for _ in range(5)]
    priorities = ["urgent", "low", "high", "normal", "urgent"]
    with app.app_context():
        for reference, priority in zip(references, priorities):
            db.session.scalar(select(Report).where(Report.reference == reference)).priority = priority
        db.session.commit()
    staff, _user = reviewer_client(app, make_user)
    seen = []
    for number in (1, 2, 3):
        page = staff.get(f"/review/?sort=priority&page={number}").get_data(as_text=True)
        seen += sorted((page.index(r), r) for r in references if f">{r}</a>" in page)
    # Urgent ones newest first, then high, normal, low; each case once, none lost between pages.
    expected = [references[4], references[0], references[2], references[3], references[1]]
    assert [r for _index, r in seen] == expected
    urgent_only = staff.get("/review/?sort=priority&priority=urgent").get_data(as_text=True)
    assert urgent_only.index(references[4]) < urgent_only.index(references[0]) and references[1] not in urgent_only
