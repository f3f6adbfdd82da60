"""Evidence at /status: sealed everywhere, a clean copy by default, the original byte for byte.

The canary is in the photo's EXIF (GPS and description), its JPEG comment and its
file name. It must not appear in the database, the logs, the audit log, a cookie, a
temporary file, or any response to someone without the receipt or a key.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile

import pytest
from PIL import Image
from sqlalchemy import select

from reporting import audit
from reporting.audit.models import AuditEvent
from reporting.extensions import db
from reporting.evidence.models import Evidence
from tests.evidence.conftest import photo_with_canary
from tests.helpers import sign_in
from tests.public.test_canary import cookie_texts, database_bytes

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def case_token(staff, reference: str) -> str:
    return CSRF.search(staff.get(f"/review/cases/{reference}").get_data(as_text=True)).group(1)


def evidence_rows(app) -> list[Evidence]:
    with app.app_context():
        rows = list(db.session.scalars(select(Evidence).order_by(Evidence.id)))
        db.session.expunge_all()
        return rows


def audit_events(app) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return rows


def test_the_reporter_is_told_before_uploading(reporter):
    page = reporter.page()
    told = page.index("hidden details, such as where and when a photo was taken")
    assert told < page.index('type="file"')
    assert "opening it is recorded" in page or "each time they do it is recorded" in page
    assert 'enctype="multipart/form-data"' in page and 'class="govuk-file-upload"' in page


def test_photo_with_gps_is_sealed_everywhere_and_reaches_the_reviewer(
    app, reporter, make_user, canary, captured_logs, tmp_path
):
    photo = photo_with_canary(canary)
    name = f"home {canary}.jpg"
    needles = [canary.encode(), canary.lower().encode()]
    temp_before = set(tempfile.gettempdir() and __import__("os").listdir(tempfile.gettempdir()))

    response = reporter.upload(photo, name, "image/jpeg")
    assert response.status_code == 302 and response.headers["Location"].endswith("/status/report")
    page = reporter.page()
    assert "Your file has been added" in page
    assert name in page  # the reporter, with their receipt, sees their own file's name

    [row] = evidence_rows(app)
    assert row.kind == "image" and row.size == len(photo)
    assert row.sha256 == hashlib.sha256(photo).hexdigest()
    with app.app_context():
        stored = database_bytes(app)
    for needle in needles:
        assert needle not in stored, "canary in the database"
    assert b"\xff\xd8\xff" not in row.original[:64] and photo[200:264] not in row.original

    # Someone without the receipt or a key sees nothing of it.
    stranger = app.test_client()
    assert stranger.get("/status/report").status_code == 302
    non_holder = make_user("reviewer", holder=False)
    locked = app.test_client()
    sign_in(locked, app, non_holder.email)
    locked_case = locked.get(f"/review/cases/{reporter.reference}")
    locked_file = locked.get(f"/review/cases/{reporter.reference}/evidence/{row.id}")
    assert locked_file.status_code == 302
    for body in (locked_case.data, locked_file.data, locked.get(locked_file.headers["Location"]).data):
        assert canary.encode() not in body

    # The reviewer sees the file on the case and downloads the copy without metadata.
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    case = staff.get(f"/review/cases/{reporter.reference}").get_data(as_text=True)
    assert name in case and row.sha256 in case
    cleaned = staff.get(f"/review/cases/{reporter.reference}/evidence/{row.id}")
    assert cleaned.status_code == 200
    assert cleaned.headers["Content-Type"] == "image/jpeg"
    assert cleaned.headers["Content-Disposition"] == f'attachment; filename="evidence-{row.id}.jpg"'
    assert cleaned.headers["X-Content-Type-Options"] == "nosniff"
    assert cleaned.headers["Cache-Control"] == "no-store"
    for needle in needles:
        assert needle not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert len(image.getexif()) == 0
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)
    assert b"Exif" not in cleaned.data and b"GPS" not in cleaned.data

    # The original, byte for byte, as a separate confirmed action.
    original = staff.post(
        f"/review/cases/{reporter.reference}/evidence/{row.id}/original",
        data={"csrf_token": case_token(staff, reporter.reference)},
    )
    assert original.status_code == 200
    assert original.data == photo
    assert hashlib.sha256(original.data).hexdigest() == row.sha256
    assert original.headers["Content-Type"] == "image/jpeg"
    assert original.headers["Content-Disposition"] == f'attachment; filename="evidence-{row.id}-original.jpg"'
    with Image.open(io.BytesIO(original.data)) as image:
        assert image.getexif().get_ifd(0x8825)  # the GPS is still there, as evidence

    # Audited: the upload, each opening, the original separately; ids only, never content.
    events = audit_events(app)
    actions = [e.action for e in events]
    assert "evidence.add" in actions and "evidence.open" in actions
    opened = [e for e in events if e.action == "evidence.open_original"]
    assert len(opened) == 1 and opened[0].actor == reviewer.email
    assert json.loads(opened[0].detail) == {"evidence": row.id}
    assert all(canary not in e.detail and canary not in e.target for e in events)
    with app.app_context():
        assert audit.verify() is None

    # Nowhere else either: logs, cookies, the temporary folder.
    assert captured_logs
    for needle in needles:
        assert not any(needle.decode() in line for line in captured_logs), "canary in the logs"
        assert not any(needle.decode() in text for text in cookie_texts(app, reporter.client))
    import os

    new_files = set(os.listdir(tempfile.gettempdir())) - temp_before
    for entry in new_files:
        path = os.path.join(tempfile.gettempdir(), entry)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                assert canary.encode() not in handle.read(), f"canary in temporary file {entry}"


def test_opening_the_original_needs_a_post_with_a_token(app, reporter, make_user):
    reporter.upload(b"a note of what was said\n", "note.txt", "text/plain")
    [row] = evidence_rows(app)
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/cases/{reporter.reference}/evidence/{row.id}/original"
    assert staff.get(url).status_code == 405
    assert staff.post(url, data={}).status_code == 400
    assert not [e for e in audit_events(app) if e.action == "evidence.open_original"]
    text = staff.get(f"/review/cases/{reporter.reference}/evidence/{row.id}")
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.data == b"a note of what was said\n"
    assert staff.get(f"/review/cases/{reporter.reference}/evidence/{row.id + 1}").status_code == 404


@pytest.mark.parametrize("role", ["centre_staff", "police", "analyst", "admin"])
def test_only_reviewers_open_files(app, reporter, make_user, role):
    reporter.upload(photo_with_canary("x"), "photo.jpg", "image/jpeg")
    [row] = evidence_rows(app)
    user = make_user(role, centre="lib" if role == "centre_staff" else None)
    staff = app.test_client()
    sign_in(staff, app, user.email)
    token = CSRF.search(staff.get("/staff/login").get_data(as_text=True))
    base = f"/review/cases/{reporter.reference}/evidence/{row.id}"
    assert staff.get(base).status_code == 403
    data = {"csrf_token": token.group(1)} if token else {}
    assert staff.post(base + "/original", data=data).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(base).headers["Location"].startswith("/staff/login")


def test_a_file_from_another_case_is_not_found(app, client, reporter, make_user):
    from tests.helpers import minimal_answers, report

    reporter.upload(b"text\n", "a.txt", "text/plain")
    [row] = evidence_rows(app)
    other, _ = report(app.test_client(), minimal_answers())
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert staff.get(f"/review/cases/{other}/evidence/{row.id}").status_code == 404
