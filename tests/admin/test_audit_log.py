"""Admins read the audit log in the browser: newest first, filtered, paginated, verified."""
from __future__ import annotations

import re

from sqlalchemy import select, update

from reporting import audit
from reporting.audit.models import AuditEvent
from reporting.extensions import db


def seqs(page: str) -> list[int]:
    body = page.split('<tbody class="govuk-table__body">', 1)[1]
    return [int(n) for n in re.findall(r'<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header">(\d+)</th>', body)]


def test_the_log_lists_entries_newest_first_and_shows_intact(app, admin_client):
    staff, admin = admin_client
    staff.get("/admin/audit")
    response = staff.get("/admin/audit")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Intact" in page
    # Actions in words, never their codes (keys.init, user.create, keys.grant, signin, audit.view).
    for words in ("Made the service keys", "Created an account", "Granted key access", "Signed in",
                  "Viewed the audit log"):
        assert f'data-label="Action">{words}</td>' in page, words
    for code in ("keys.init", "user.create", "signin", "audit.view"):
        assert f">{code}<" not in page, code
    numbers = seqs(page)
    assert numbers == sorted(numbers, reverse=True) and numbers[-1] == 1
    assert admin.email in page


def test_opening_the_log_is_itself_audited(app, admin_client):
    staff, admin = admin_client
    staff.get("/admin/audit")
    with app.app_context():
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert last is not None and last.action == "audit.view" and last.actor == admin.email
        assert audit.verify() is None


def test_filter_by_action_and_pages_of_fifty(app, admin_client):
    staff, _admin = admin_client
    with app.app_context():
        for number in range(120):
            audit.record("test.filler", f"thing:{number}", actor="test")
        db.session.commit()
    first = staff.get("/admin/audit?action=test.filler").get_data(as_text=True)
    assert "120 entries" in first and "Page 1 of 3" in first
    assert 'data-label="Action">Signed in</td>' not in first
    assert len(seqs(first)) == 50
    third = staff.get("/admin/audit?action=test.filler&page=3").get_data(as_text=True)
    assert len(seqs(third)) == 20
    assert 'href="/admin/audit?page=2&amp;action=test.filler"' in third or 'action=test.filler&amp;page=2' in third
    assert max(seqs(third)) < min(seqs(first))


def test_a_changed_entry_shows_as_broken(app, admin_client):
    staff, _admin = admin_client
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(target="user:forged"))
        db.session.commit()
    page = staff.get("/admin/audit").get_data(as_text=True)
    assert "Intact" not in page
    assert "Broken at entry 2: changed after it was written" in page
