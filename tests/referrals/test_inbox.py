"""Issue 31 item 5: the police inbox can be worked. Filters (new, not yet acknowledged, late,
acknowledged, outcome given) with a count on each from one statement, fifty a page, late
oldest first, and bad addresses answered without a crash."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select

from reporting.audit.models import AuditEvent
from reporting.db import utcnow
from reporting.extensions import db
from reporting.keys.models import KeyPurpose, ServiceKey
from reporting.referrals import queries
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from tests.helpers import csrf_token, send_directly, sign_in

LINK = re.compile(r'href="/police/referrals/(\d+)"')
HOUR = timedelta(hours=1)


def officer(app: Any, make_user: Any) -> Any:
    client = app.test_client()
    sign_in(client, app, make_user("police").email)
    return client


def add_referrals(app: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Referrals as rows (the inbox reads clear columns only: the package is never opened here),
    all of one report: fast enough for thousands. Returns their ids in the order given."""
    reference = send_directly(app)
    with app.app_context():
        report_id = db.session.scalar(select(Report.id).where(Report.reference == reference))
        key_id = db.session.scalar(select(ServiceKey.id).where(ServiceKey.purpose == KeyPurpose.POLICE))
        values = [{
            "report_id": report_id, "police_key_id": key_id, "package": b"sealed", "kind": "intelligence",
            "shared_fields": [], "created_at": row["sent_at"] or utcnow(), "state": "sent", "opened_at": None,
            "acknowledged_at": None, "outcome": None, "outcome_at": None, "crime_reference": None,
        } | row for row in rows]
        ids = list(db.session.scalars(insert(Referral).returning(Referral.id, sort_by_parameter_order=True), values))
        db.session.commit()
    return ids


def ids_on(page: str) -> list[int]:
    return [int(found) for found in LINK.findall(page)]


def count_shown(page: str, words: str) -> int:
    found = re.search(re.escape(words) + r": <strong>([\d,]+)</strong>", page)
    assert found, words
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def inbox(app, make_user, keys):  # type: ignore[no-untyped-def]
    """Ten referrals, one of each kind and some late, sent a known number of days ago."""
    now = utcnow()
    days = timedelta(days=1)
    # Sent today, whatever the hour the tests run ("Sent today"), 1 before 0.
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    earlier, later = max(now - 2 * HOUR, midnight), max(now - HOUR, midnight + timedelta(seconds=1))
    ids = add_referrals(app, [
        {"sent_at": later},                                                   # 0 new
        {"sent_at": earlier, "opened_at": later},                             # 1 opened, not acknowledged
        {"sent_at": now - 30 * days},                                         # 2 late, oldest, never opened
        {"sent_at": now - 10 * days, "opened_at": now - 9 * days},            # 3 late, opened
        {"sent_at": now - 20 * days},                                         # 4 late, never opened
        {"sent_at": now - 5 * days, "state": "acknowledged", "opened_at": now - 4 * days,
         "acknowledged_at": now - 4 * days},                                  # 5 acknowledged
        {"sent_at": now - 40 * days, "state": "acknowledged", "opened_at": now - 39 * days,
         "acknowledged_at": now - 39 * days},                                 # 6 acknowledged, older
        {"sent_at": now - 15 * days, "state": "closed", "opened_at": now - 14 * days,
         "acknowledged_at": now - 14 * days, "outcome": "no_further_action", "outcome_at": now - 3 * days},  # 7
        {"sent_at": now - 12 * days, "state": "crime_recorded", "opened_at": now - 11 * days,
         "acknowledged_at": now - 11 * days, "outcome": "crime_recorded", "outcome_at": now - 2 * days,
         "crime_reference": "22/00077/26"},                                   # 8
        {"sent_at": None, "state": "awaiting_approval"},                      # 9 not sent: never shown
    ])
    return officer(app, make_user), ids


def test_each_filter_shows_its_count_and_its_referrals_in_order(inbox) -> None:  # type: ignore[no-untyped-def]
    client, ids = inbox
    page = client.get("/police/?filter=all").get_data(as_text=True)
    assert {words: count_shown(page, words) for words in (
        "All referrals", "New, not opened yet", "Not yet acknowledged", "Late", "Acknowledged", "Outcome given",
    )} == {"All referrals": 9, "New, not opened yet": 3, "Not yet acknowledged": 5, "Late": 3,
           "Acknowledged": 2, "Outcome given": 2}
    # Everything sent, newest first; the one waiting for a second reviewer is not the police's.
    assert ids_on(page) == [ids[n] for n in (0, 1, 5, 3, 8, 7, 4, 2, 6)]
    # What waits for the force oldest first; outcomes newest first.
    expected = {
        "new": (2, 4, 0),
        "not_acknowledged": (2, 4, 3, 1, 0),
        "late": (2, 4, 3),
        "acknowledged": (6, 5),
        "outcome": (8, 7),
    }
    for name, order in expected.items():
        shown = client.get(f"/police/?filter={name}")
        assert shown.status_code == 200
        assert ids_on(shown.get_data(as_text=True)) == [ids[n] for n in order], name
    # The inbox opens on what waits for the force, oldest first.
    assert ids_on(client.get("/police/").get_data(as_text=True)) == [ids[n] for n in expected["not_acknowledged"]]
    late = client.get("/police/?filter=late").get_data(as_text=True)
    assert 'aria-current="page">Late: <strong>3</strong>' in late
    assert "Not opened yet" in late and "Opened, not acknowledged" in late
    outcome = client.get("/police/?filter=outcome").get_data(as_text=True)
    assert "22/00077/26" in outcome and "No further action" in outcome


def test_the_police_read_working_days_and_dates_in_words(inbox) -> None:  # type: ignore[no-untyped-def]
    client, _ids = inbox
    page = client.get("/police/?filter=not_acknowledged").get_data(as_text=True)
    assert "Sent today" in page
    now = utcnow()
    thirty = queries.working_days_since(now - timedelta(days=30), now)
    assert f"Sent {thirty} working days ago" in page
    assert (now - timedelta(days=30)).strftime("%-d %B %Y") in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)
    assert "Working days are Monday to Friday" in page


def test_opening_a_referral_makes_it_no_longer_new(app, make_user, keys) -> None:  # type: ignore[no-untyped-def]
    from reporting.referrals import services

    reference = send_directly(app, {
        "reporter_type": "witness", "incident_types": ["graffiti"], "motivations": ["religion"],
        "incident_date": {"month": 10, "year": 2026}, "area": "ludlow",
        "description": "Graffiti on a bus shelter.", "police_consent": "without_details", "contact_ok": "no",
    })
    reviewer = make_user("reviewer")
    police = officer(app, make_user)
    with app.test_request_context():  # the package names its questions in words
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        answers = {"description": "Graffiti on a bus shelter.", "area": "ludlow"}
        referral = services.start_referral(report, actor=db.session.merge(reviewer), answers=answers,
                                           fields=["description"], now=utcnow())
        db.session.commit()
        referral_id = referral.id
    assert count_shown(police.get("/police/").get_data(as_text=True), "New, not opened yet") == 1
    assert police.get(f"/police/referrals/{referral_id}").status_code == 200
    page = police.get("/police/").get_data(as_text=True)
    assert count_shown(page, "New, not opened yet") == 0
    assert count_shown(page, "Not yet acknowledged") == 1
    with app.app_context():
        opened = db.session.get(Referral, referral_id).opened_at
    assert opened is not None
    # Opened again: the first opening is kept.
    police.get(f"/police/referrals/{referral_id}")
    with app.app_context():
        assert db.session.get(Referral, referral_id).opened_at == opened
    token = csrf_token(police, f"/police/referrals/{referral_id}")
    police.post(f"/police/referrals/{referral_id}/acknowledge", data={"csrf_token": token})
    page = police.get("/police/").get_data(as_text=True)
    assert count_shown(page, "Not yet acknowledged") == 0 and count_shown(page, "Acknowledged") == 1


def test_fifty_a_page_every_referral_once_and_a_page_past_the_last_is_the_last(app, make_user, keys) -> None:  # type: ignore[no-untyped-def]
    sent = utcnow() - timedelta(days=40)
    # All sent at the same moment: the order must still be total, or a line could move pages.
    ids = add_referrals(app, [{"sent_at": sent} for _ in range(120)])
    client = officer(app, make_user)
    for name, order in (("all", sorted(ids, reverse=True)), ("late", ids)):
        pages = [ids_on(client.get(f"/police/?filter={name}&page={n}").get_data(as_text=True)) for n in (1, 2, 3)]
        assert [len(p) for p in pages] == [50, 50, 20]
        assert [i for p in pages for i in p] == order, name
    third = client.get("/police/?filter=late&page=3").get_data(as_text=True)
    assert "Page 3 of 3" in third and 'rel="prev"' in third and 'rel="next"' not in third
    assert ids_on(client.get("/police/?filter=late&page=99").get_data(as_text=True)) == ids[100:]
    first = client.get("/police/?filter=late").get_data(as_text=True)
    assert 'href="/police/?filter=late&amp;page=2"' in first
    assert 'href="/police/?page=2"' in client.get("/police/").get_data(as_text=True)  # the first filter's own


@pytest.mark.parametrize("query", ["page=2147483648", "page=-1", "page=0", "page=abc", "page=", "page=1e3",
                                   "page=99999999999999999999999999"])
def test_a_bad_page_number_is_the_first_page(inbox, query) -> None:  # type: ignore[no-untyped-def]
    client, ids = inbox
    response = client.get(f"/police/?filter=late&{query}")
    assert response.status_code == 200
    assert ids_on(response.get_data(as_text=True)) == [ids[2], ids[4], ids[3]]


def test_a_nul_in_the_page_number_is_the_app_s_clear_400(inbox) -> None:  # type: ignore[no-untyped-def]
    client, _ids = inbox
    response = client.get("/police/?filter=late&page=%00")
    assert response.status_code == 400
    assert "Sorry, there is a problem with that request" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["\x00", "bogus", "LATE", "late\x00", "x" * 5000, "all "])
def test_an_unknown_filter_is_a_clear_400_and_changes_nothing(app, inbox, value) -> None:  # type: ignore[no-untyped-def]
    client, _ids = inbox
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.get("/police/", query_string={"filter": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    if "\x00" in value:  # refused before any view (reporting/security.py): the app's own 400 page
        assert "Sorry, there is a problem with that request" in page
        return
    assert "govuk-error-summary" in page
    assert '<a href="#show-heading">There is no such filter' in page  # to the filters there are
    assert "<title>Error:" in page
    assert 'href="/police/?filter=late"' in page  # the filters there are, to choose from
    assert not ids_on(page)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


@contextmanager
def statements_on_referrals(app: Any, *, with_parameters: bool = False) -> Iterator[list[Any]]:
    seen: list[Any] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "referrals" in statement:
            seen.append((statement, parameters) if with_parameters else statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_one_statement_counts_every_filter_and_one_reads_the_page(app, inbox) -> None:  # type: ignore[no-untyped-def]
    client, _ids = inbox
    for name in ("all", "new", "late", "outcome"):
        with statements_on_referrals(app) as seen:
            assert client.get(f"/police/?filter={name}").status_code == 200
        assert len(seen) == 2, seen
        assert "count(" in seen[0].lower() and "LIMIT" in seen[1].upper()


# A query plan is SQLite's to check here; PostgreSQL's depends on its statistics.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_counts_and_pages_read_the_inbox_index_alone_on_sqlite(app, backend, inbox) -> None:  # type: ignore[no-untyped-def]
    """On SQLite a referral's sent_at lies after its sealed package: the counts and each filter's
    ids come from an index alone, in its order, without reading a row or sorting them all."""
    client, _ids = inbox
    index = {"all": "ix_referrals_sent_at", "outcome": "ix_referrals_outcome_at"}
    for name in ("new", "not_acknowledged", "late", "acknowledged", "outcome", "all"):
        with statements_on_referrals(app, with_parameters=True) as seen:
            client.get(f"/police/?filter={name}")
        with app.app_context():
            raw = db.session.connection().connection.driver_connection
            plans = [" | ".join(str(row[-1]) for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters))
                     for statement, parameters in seen]
        counts, page = plans
        assert "COVERING INDEX ix_referrals_state_sent_at" in counts, counts
        steps = page.split(" | ")
        assert any(f"COVERING INDEX {index.get(name, 'ix_referrals_state_sent_at')}" in step for step in steps), (
            name, page)
        # Only the fifty lines found are sorted (the last step); the ids come in index order, at most
        # sorting referrals sent at the very same moment by id ("RIGHT PART OF ORDER BY").
        assert [step for step in steps if step == "USE TEMP B-TREE FOR ORDER BY"] == [steps[-1]], (name, page)


# Working days -------------------------------------------------------------------------

def test_working_days_since_counts_monday_to_friday() -> None:
    at = datetime(2026, 11, 27, 15, tzinfo=UTC)  # a Friday
    assert queries.working_days_since(at, at + HOUR) == 0
    assert queries.working_days_since(at, datetime(2026, 11, 28, 9, tzinfo=UTC)) == 0  # Saturday
    assert queries.working_days_since(at, datetime(2026, 11, 30, 9, tzinfo=UTC)) == 1  # Monday
    assert queries.working_days_since(at, datetime(2026, 12, 4, 9, tzinfo=UTC)) == 5
    assert queries.working_days_since(at, datetime(2026, 12, 7, 9, tzinfo=UTC)) == 6
    assert queries.working_days_since(at - timedelta(days=365), at) == 261


@pytest.mark.parametrize("allowed", [0, 1, 2, 3, 5, 7])
def test_late_is_exactly_when_the_working_days_reach_the_number_allowed(allowed: int) -> None:
    """"Late" (the filter, a cut-off moment in SQL) and "Sent N working days ago" (the words) agree,
    on every day of a fortnight, for anything sent in the three weeks before."""
    for today in (date(2026, 11, 23) + timedelta(days=n) for n in range(14)):
        now = datetime(today.year, today.month, today.day, 10, tzinfo=UTC)
        before = queries.late_before(now, allowed)
        for hours in range(0, 24 * 21, 5):
            sent = now - timedelta(hours=hours)
            assert (sent < before) == (queries.working_days_since(sent, now) >= allowed), (now, sent)
