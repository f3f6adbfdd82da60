"""Issue 11 item 9: text is stored once, one report's files are capped at 25 MB in all, and
the admin sees the storage used."""
from __future__ import annotations

from sqlalchemy import func, select

from reporting.evidence.models import Evidence
from reporting.extensions import db
from tests.evidence.conftest import error_of
from tests.helpers import sign_in

TEXT = ("What they wrote to me, copied from my phone.\n" * 200_000).encode()  # about 8.8 MB


def test_a_text_file_is_stored_once_and_still_opens_as_its_copy(app, reporter, make_user):
    assert reporter.upload(b"They said it again on the bus.\n", "notes.txt", "text/plain").status_code == 302
    with app.app_context():
        [row] = db.session.scalars(select(Evidence)).all()
        assert row.cleaned == b"" and len(row.original) > 0
        evidence_id = row.id
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    copy = staff.get(f"/review/cases/{reporter.reference}/evidence/{evidence_id}")
    assert copy.status_code == 200
    assert copy.data == b"They said it again on the bus.\n"


def test_one_reports_files_are_capped_at_25_mb_in_all_and_the_admin_sees_storage(app, reporter, make_user):
    for number in range(2):
        assert reporter.upload(TEXT, f"part {number}.txt", "text/plain").status_code == 302
    refused = reporter.upload(TEXT, "part 3.txt", "text/plain")
    assert refused.status_code == 400 or refused.status_code == 200
    assert "25 MB in all" in error_of(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(Evidence.id))) == 2
        stored = db.session.scalar(select(func.sum(func.length(Evidence.original) + func.length(Evidence.cleaned))))
    # Stored once each: about the size of the two files, not twice it.
    assert stored < 2 * len(TEXT) * 1.05
    admin = make_user("admin")
    staff = app.test_client()
    sign_in(staff, app, admin.email)
    overview = staff.get("/admin/").get_data(as_text=True)
    assert "Storage of evidence files" in overview
    assert "2 files," in overview and "MB stored" in overview
