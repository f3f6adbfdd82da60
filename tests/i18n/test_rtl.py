"""Arabic pages read right to left; the receipt code stays digits read left to right, and
/status still takes it in Arabic-Indic digits."""
from __future__ import annotations

from tests.helpers import minimal_answers, post_form, report

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_report_made_in_arabic_shows_its_receipt_left_to_right(app, client):
    client.get("/?lang=ar")
    reference, receipt = report(client, minimal_answers())
    sent = client.get("/report/sent").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in sent
    assert '<strong class="app-receipt-code" dir="ltr" id="receipt-code">' in sent

    visitor = app.test_client()
    visitor.get("/?lang=ar")
    response = post_form(visitor, "/status", {"receipt": receipt.translate(ARABIC_INDIC)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/status/report")
    page = visitor.get("/status/report").get_data(as_text=True)
    assert reference in page and '<html lang="ar" dir="rtl"' in page
