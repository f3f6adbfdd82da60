"""Promise 6 for uploads: hostile or wrong files get a clear message, store nothing, never a 500.

Also the limits (10 MB a file, 5 a report) and the promise that no upload is ever
written to a temporary file in plaintext.
"""
from __future__ import annotations

import html
import io
import os
import tempfile

import pytest
import werkzeug.formparser
from PIL import Image
from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.evidence.files import MAX_FILE_BYTES, MAX_FILES_PER_REPORT
from reporting.extensions import db
from reporting.evidence.models import Evidence
from tests.evidence.conftest import error_of, multipart, photo_with_canary, png_bomb
from tests.helpers import csrf_token

HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>\n"
)
SVG_BARE = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def stored_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Evidence)) or 0)


def added_events(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evidence.add")) or 0)


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 0)).save(out, format="PNG")
    return out.getvalue()


HOSTILE = {
    "html named jpg": (HTML_PAGE, "photo.jpg", "image/jpeg", "web page or drawing file"),
    "html named txt": (HTML_PAGE, "notes.txt", "text/plain", "web page or drawing file"),
    "svg with script": (SVG, "drawing.svg", "image/svg+xml", "web page or drawing file"),
    "svg named png": (SVG_BARE, "picture.png", "image/png", "web page or drawing file"),
    "svg named txt": (SVG_BARE, "picture.txt", "text/plain", "web page or drawing file"),
    "empty": (b"", "empty.jpg", "image/jpeg", "The selected file is empty"),
    "decompression bomb": (png_bomb(), "bomb.png", "image/png", "too many pixels"),
    "truncated jpeg": (photo_with_canary("x", (400, 300))[:700], "cut.jpg", "image/jpeg", "could not be opened"),
    "jpeg magic then junk": (b"\xff\xd8\xff\xe0" + os.urandom(2000), "junk.jpg", "image/jpeg", "could not be opened"),
    "a program": (b"MZ\x90\x00" + os.urandom(500), "setup.exe", "application/octet-stream", "must be a photo"),
    "a zip": (b"PK\x03\x04" + os.urandom(500), "files.zip", "application/zip", "must be a photo"),
    "binary named txt": (b"hello\x00\x01\x02world", "notes.txt", "text/plain", "must be a photo"),
    "png named pdf": (png(), "letter.pdf", "application/pdf", "not what its name says"),
    "pdf named jpg": (b"%PDF-1.4\n%%EOF\n", "photo.jpg", "image/jpeg", "not what its name says"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_files_are_refused_clearly_and_nothing_is_stored(app, reporter, case):
    data, name, content_type, message = HOSTILE[case]
    response = reporter.upload(data, name, content_type)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'class="govuk-error-summary"' in page
    assert message in html.unescape(error_of(page))
    assert stored_count(app) == 0 and added_events(app) == 0
    assert "<script>alert" not in page


def test_no_file_chosen(app, reporter):
    token = csrf_token(reporter.client, "/status/report")
    response = reporter.client.post("/status/evidence", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert error_of(response.get_data(as_text=True)) == "Select a file to upload"
    assert stored_count(app) == 0


def test_without_a_token_nothing_is_stored(app, reporter):
    response = reporter.client.post(
        "/status/evidence", data={"evidence-file": (io.BytesIO(png()), "a.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert stored_count(app) == 0


def test_without_a_receipt_session_the_upload_goes_nowhere(app, client):
    stranger = app.test_client()
    token = csrf_token(stranger, "/status")
    response = stranger.post(
        "/status/evidence", data={"csrf_token": token, "evidence-file": (io.BytesIO(png()), "a.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/status")
    assert stored_count(app) == 0


def test_ten_megabytes_is_the_most_a_file_may_be(app, reporter):
    line = b"what they shouted, written down the same evening\n"
    exactly = (line * (MAX_FILE_BYTES // len(line) + 1))[:MAX_FILE_BYTES]
    assert reporter.upload(exactly, "long.txt", "text/plain").status_code == 302
    assert stored_count(app) == 1

    over = exactly + b"x"
    response = reporter.upload(over, "longer.txt", "text/plain")
    assert response.status_code == 200
    assert error_of(response.get_data(as_text=True)) == "The selected file must be smaller than 10 MB"
    assert stored_count(app) == 1


def test_a_far_too_large_request_gets_the_too_large_page(app, reporter):
    response = reporter.upload(b"a" * (MAX_FILE_BYTES + 2 * 1024 * 1024), "big.txt", "text/plain")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert stored_count(app) == 0


def test_other_pages_still_take_one_megabyte_at_most(app, reporter):
    body, content_type = multipart(
        {"csrf_token": csrf_token(reporter.client, "/status/report")}, "evidence-file", "big.txt", b"a" * (2 * 1024 * 1024)
    )
    assert reporter.client.post("/status/add", data=body, content_type=content_type).status_code == 413


def test_five_files_a_report(app, reporter):
    for number in range(MAX_FILES_PER_REPORT):
        assert reporter.upload(f"note {number}\n".encode(), f"note{number}.txt", "text/plain").status_code == 302
    page = reporter.page()
    assert "the most a report can have" in page and 'type="file"' not in page
    response = reporter.upload(b"one more\n", "more.txt", "text/plain")
    assert response.status_code == 200
    assert "already added 5 files" in html.unescape(error_of(response.get_data(as_text=True)))
    assert stored_count(app) == MAX_FILES_PER_REPORT


def test_no_temporary_file_is_made_while_an_upload_is_read(app, reporter, canary, monkeypatch, tmp_path):
    # A photo well over the 500 KB at which Werkzeug would spool to a temporary file.
    image = Image.effect_noise((1400, 1000), 90).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, comment=f"comment {canary}".encode())
    photo = out.getvalue()
    assert len(photo) > 600 * 1024

    body, content_type = multipart(
        {"csrf_token": csrf_token(reporter.client, "/status/report")}, "evidence-file", "big.jpg", photo
    )

    made: list[str] = []

    def refuse(name):  # type: ignore[no-untyped-def]
        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            made.append(name)
            raise AssertionError(f"{name} called during an upload")

        return spy

    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp", "_mkstemp_inner"):
        monkeypatch.setattr(tempfile, name, refuse(name))
    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", refuse("werkzeug SpooledTemporaryFile"))
    # The spy is real: Werkzeug's own factory would have been caught.
    with pytest.raises(AssertionError):
        werkzeug.formparser.default_stream_factory(total_content_length=len(body), content_type=None, filename="x")
    made.clear()

    # A temporary folder of this test's own, so other processes' files don't count.
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    temp_dir = tempfile.gettempdir()
    before = set(os.listdir(temp_dir))
    response = reporter.client.post("/status/evidence", data=body, content_type=content_type)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert made == []
    assert set(os.listdir(temp_dir)) - before == set()
    assert stored_count(app) == 1
