"""Arabic pages read right to left; the receipt code stays digits read left to right, and
/status still takes it in Arabic-Indic digits."""
from __future__ import annotations

import re

from tests.helpers import answer_all, minimal_answers, post_form, start

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_report_made_in_arabic_shows_its_receipt_left_to_right(app, client):
    client.get("/?lang=ar")
    start(client)
    answer_all(client, minimal_answers())
    assert post_form(client, "/report/check", {}).status_code == 302
    sent = client.get("/report/sent").get_data(as_text=True)  # the one time the code is shown
    assert '<html lang="ar" dir="rtl"' in sent
    assert '<strong class="app-receipt-code" dir="ltr" id="receipt-code">' in sent
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", sent).group(0)
    code = re.search(r'id="receipt-code">(.*?)</strong>', sent, re.S).group(1)
    receipt = " ".join(re.sub(r"<[^>]+>", "", code).split())

    visitor = app.test_client()
    visitor.get("/?lang=ar")
    response = post_form(visitor, "/status", {"receipt": receipt.translate(ARABIC_INDIC)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/status/report")
    page = visitor.get("/status/report").get_data(as_text=True)
    assert reference in page and '<html lang="ar" dir="rtl"' in page
