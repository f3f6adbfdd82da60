"""Files attached in the public journey: under the draft key until sent, then the report's evidence."""
from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

from sqlalchemy import func, select

from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import DraftFile
from reporting.reports.services import purge_expired_drafts
from reporting.evidence.models import Evidence
from tests.evidence.conftest import error_of, multipart, photo_with_canary
from tests.helpers import answer_all, csrf_token, minimal_answers, send, sign_in, start
from tests.public.test_canary import database_bytes


def attach(client, data: bytes, name: str, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
    body, form_type = multipart({"csrf_token": csrf_token(client, "/report/files")}, "evidence-file", name, data, content_type)
    return client.post("/report/files", data=body, content_type=form_type)


def count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_files_attached_before_sending_become_the_reports_evidence(app, client, make_user, canary, captured_logs):
    start(client)
    answer_all(client, minimal_answers())
    check = client.get("/report/check").get_data(as_text=True)
    assert 'href="/report/files"' in check and "None added" in check
    page = client.get("/report/files").get_data(as_text=True)
    assert page.index("where and when a photo was taken") < page.index('type="file"')

    photo = photo_with_canary(canary)
    response = attach(client, photo, f"street {canary}.jpg", "image/jpeg")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/files")
    assert attach(client, b"a second file, to be removed\n", "second.txt", "text/plain").status_code == 302
    page = client.get("/report/files").get_data(as_text=True)
    assert f"street {canary}.jpg" in page and "second.txt" in page
    assert count(app, DraftFile) == 2
    with app.app_context():
        assert canary.encode() not in database_bytes(app), "canary in the database while a draft"
        second = db.session.scalar(select(DraftFile.id).order_by(DraftFile.id.desc()).limit(1))

    token = csrf_token(client, "/report/files")
    assert client.post(f"/report/files/{second}/remove", data={"csrf_token": token}).status_code == 302
    assert count(app, DraftFile) == 1
    assert f"street {canary}.jpg" in client.get("/report/check").get_data(as_text=True)

    reference, _receipt = send(client)
    assert count(app, DraftFile) == 0
    with app.app_context():
        [row] = db.session.scalars(select(Evidence))
        assert row.sha256 == hashlib.sha256(photo).hexdigest() and row.size == len(photo)
        assert canary.encode() not in database_bytes(app)
        db.session.expunge(row)

    reviewer = make_user("reviewer")
    staff = client.application.test_client()
    sign_in(staff, app, reviewer.email)
    case = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert f"street {canary}.jpg" in case
    cleaned = staff.get(f"/review/cases/{reference}/evidence/{row.id}")
    assert cleaned.status_code == 200 and canary.encode() not in cleaned.data
    token = re.search(r'name="csrf_token" value="([^"]+)"', case).group(1)
    original = staff.post(f"/review/cases/{reference}/evidence/{row.id}/original", data={"csrf_token": token})
    assert original.data == photo
    assert not any(canary in line for line in captured_logs)


def test_hostile_files_in_the_journey_are_refused(app, client):
    start(client)
    response = attach(client, b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg")
    assert response.status_code == 200
    assert "web page or drawing file" in html.unescape(error_of(response.get_data(as_text=True)))
    response = attach(client, b"", "empty.png", "image/png")
    assert "empty" in error_of(response.get_data(as_text=True))
    assert count(app, DraftFile) == 0


def test_an_expired_draft_takes_its_files_with_it(app, client):
    start(client)
    assert attach(client, b"notes\n", "notes.txt", "text/plain").status_code == 302
    assert count(app, DraftFile) == 1
    with app.app_context():
        purge_expired_drafts(utcnow() + timedelta(days=1))
        db.session.commit()
    assert count(app, DraftFile) == 0
    assert 'type="file"' not in client.get("/report/files").get_data(as_text=True)


def test_without_a_draft_the_files_page_says_so(app, client):
    stranger = app.test_client()
    page = stranger.get("/report/files")
    assert page.status_code == 200 and 'type="file"' not in page.get_data(as_text=True)
