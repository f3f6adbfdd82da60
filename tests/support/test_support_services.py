"""Support services: a list the admin keeps (pages and CSV), shown to people who want support."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from reporting.extensions import db
from reporting.support.cli import DEMO_CSV
from reporting.support.models import SupportService
from tests.helpers import answer_all, minimal_answers, post_form, report, send, sign_in, start

CSV = (
    "slug,name,helps_with,phone,web_address,hours,example,active,position\n"
    "hate-line,Hate Support Line,Help after a hate incident,01632 960 111,https://example.org/help,Every day,no,yes,1\n"
    "old-line,Old Line,Closed now,01632 960 222,,,no,no,2\n"
)


def load(runner, tmp_path, text: str = CSV):  # type: ignore[no-untyped-def]
    path = tmp_path / "support.csv"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["support", "import", str(path)])


def with_support(wanted: str) -> dict:
    steps = minimal_answers() | {"impact": {"support": wanted}}
    return steps


def test_someone_who_wants_support_sees_the_services_after_sending_and_at_status(app, client, runner, tmp_path):
    assert load(runner, tmp_path).exit_code == 0
    start(client)
    answer_all(client, with_support("yes"))
    _reference, receipt = send(client)
    page = client.get("/report/sent").get_data(as_text=True)
    assert "Support you can contact now" in page
    assert "Hate Support Line" in page and "01632 960 111" in page and "Every day" in page
    assert "https://example.org/help" in page and "Help after a hate incident" in page
    assert "Old Line" not in page  # hidden by the admin
    visitor = app.test_client()
    post_form(visitor, "/status", {"receipt": receipt})
    assert "Hate Support Line" in visitor.get("/status/report").get_data(as_text=True)


def test_no_support_list_for_someone_who_did_not_ask(app, client, runner, tmp_path):
    load(runner, tmp_path)
    _reference, receipt = report(client, with_support("no"))
    page = client.get("/report/sent").get_data(as_text=True)
    assert "Hate Support Line" not in page and "Support you can contact now" not in page
    visitor = app.test_client()
    post_form(visitor, "/status", {"receipt": receipt})
    assert "Hate Support Line" not in visitor.get("/status/report").get_data(as_text=True)


def test_demo_entries_are_clearly_examples(app, client, runner, tmp_path):
    assert load(runner, tmp_path, DEMO_CSV.read_text(encoding="utf-8")).exit_code == 0
    report(client, with_support("yes"))
    page = client.get("/report/sent").get_data(as_text=True)
    with app.app_context():
        shown = db.session.scalar(select(func.count(SupportService.id)).where(SupportService.active.is_(True)))
    assert shown == 3 and page.count(">Example</strong>") == 3
    # The badge says it once: a demo name does not say "Example" again (issue 28, item 11).
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Example Example" not in text and "Example:" not in text


def test_import_is_all_or_nothing_and_names_the_row(app, runner, tmp_path):
    bad = CSV + "bad slug!,,x,not a phone,ftp://x,,maybe,yes,one\n"
    result = load(runner, tmp_path, bad)
    assert result.exit_code != 0
    assert "Row 4: This is an example, not a real service (shown as ‘Example’): write yes or no, not 'maybe'" in result.output
    assert "Row 4: Name: Enter the service's name" in result.output
    assert "Row 4: web_address must start with https://" in result.output
    assert "Row 4: Order in the list: " in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(SupportService.id))) == 0
    # Export then import again changes nothing.
    assert load(runner, tmp_path).exit_code == 0
    exported = runner.invoke(args=["support", "export"]).output
    assert exported.splitlines()[1].startswith("hate-line,Hate Support Line,")
    again = load(runner, tmp_path, exported)
    assert "(0 new, 2 updated)" in again.output


def test_the_admin_adds_and_edits_a_service(app, make_user):
    admin = make_user("admin")
    client = app.test_client()
    sign_in(client, app, admin.email)
    assert "Support services" in client.get("/admin/").get_data(as_text=True)
    response = post_form(client, "/admin/support/new", {"name": "Town Advice", "slug": "town-advice",
                                                        "web_address": "javascript:alert(1)", "active": "y"})
    assert response.status_code == 200
    assert "web_address must start with https://" in response.get_data(as_text=True)
    response = post_form(client, "/admin/support/new", {"name": "Town Advice", "slug": "town-advice",
                                                        "phone": "01632 960 333", "active": "y"})
    assert response.status_code == 302
    edit_url = response.headers["Location"]
    post_form(client, edit_url, {"name": "Town Advice Centre", "phone": "01632 960 444", "example": "y", "active": "y"})
    listing = client.get("/admin/support/").get_data(as_text=True)
    assert "Town Advice Centre" in listing and ">Example</strong>" in listing
    with app.app_context():
        saved = db.session.scalar(select(SupportService).where(SupportService.slug == "town-advice"))
        assert saved.phone == "01632 960 444" and saved.example is True


def test_a_formula_cell_is_refused_with_its_row_and_a_phone_with_plus_is_not(app, runner, tmp_path):
    # Issue 25: cells a spreadsheet would run are refused by row; nothing is imported.
    bad = CSV + ("intl,International Line,Help,+44 1632 960 333,https://example.org/i,,no,yes,3\n"
                 'formula,"=HYPERLINK(""https://example.org"",""Click"")",Help,,,,no,yes,4\n'
                 "at-sign,Line,@SUM(1+1),,,-1+2,no,yes,5\n")
    result = load(runner, tmp_path, bad)
    assert result.exit_code != 0
    for problem in ("Row 5: Name: begins with '='", "Row 6: What they help with: begins with '@'",
                    "Row 6: Opening hours: begins with '-'"):
        assert problem in result.output, (problem, result.output)
    assert "Row 4" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(SupportService.id))) == 0
    # The phone number with + round-trips unchanged.
    good = CSV + "intl,International Line,Help,+44 1632 960 333,https://example.org/i,,no,yes,3\n"
    assert load(runner, tmp_path, good).exit_code == 0
    exported = runner.invoke(args=["support", "export"]).output
    assert ",+44 1632 960 333," in exported
    assert "(0 new, 3 updated)" in load(runner, tmp_path, exported).output


def test_the_admin_uploads_a_csv_with_the_same_import(app, make_user):
    import io

    from tests.helpers import csrf_token

    admin = make_user("admin")
    client = app.test_client()
    sign_in(client, app, admin.email)
    assert "/admin/support/import" in client.get("/admin/support/").get_data(as_text=True)

    def upload(content: str):  # type: ignore[no-untyped-def]
        token = csrf_token(client, "/admin/support/import")
        return client.post("/admin/support/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(content.encode()), "support.csv")})

    bad = upload(CSV + "bad,,x,,ftp://x,,maybe,yes,1\n")
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Row 4: Name: Enter the service&#39;s name" in page and "Row 4: web_address must start with https://" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(SupportService.id))) == 0
    good = upload(CSV)
    assert good.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(SupportService.id))) == 2
    assert "Imported: 2 new, 0 updated." in client.get("/admin/support/").get_data(as_text=True)
