"""A centre's A4 poster and wallet cards: the QR code that was served decodes to the
centre's report link, and a report started from that link records the centre.

The QR is read back from the page's own SVG (never regenerated): the path's
commands are turned into a module matrix, drawn with Pillow and decoded with
zxing-cpp, as a phone camera would read the printed sheet.
"""
from __future__ import annotations

import math
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import select

from reporting.centres import services as centre_services
from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import CSRF, answer_all, minimal_answers, send

QR = re.compile(r'<div class="app-qr__image[^"]*" role="img" aria-label="([^"]+)">(<svg\b.*?</svg>)</div>', re.S)
PIXELS_PER_MODULE = 8


@pytest.fixture
def centre_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        centre = centre_services.save_centre(
            centre_services.CentreData(
                slug="ludlow-hub", name="Ludlow Community Hub", town="ludlow",
                opening_hours="Tuesday 10am to 3pm\nThursday 10am to 3pm", offers=["bsl"],
            ),
            actor="test",
        )
        db.session.commit()
        return centre.id


def module_matrix(svg: str) -> list[list[bool]]:
    """The dark modules drawn by a served SVG QR code (segno's stroked-path form).

    Handles the path commands segno writes (M/m moves, h/H and v/V lines, z) and
    an optional ``scale()`` transform, so it reads what the page served at any size.
    """
    root = ElementTree.fromstring(svg)
    assert root.tag == "svg"
    box = [float(n) for n in (root.get("viewBox") or f"0 0 {root.get('width')} {root.get('height')}").split()]
    scale = 1.0
    for element in root.iter():
        found = re.search(r"scale\(([\d.]+)\)", element.get("transform", ""))
        if found:
            scale = float(found.group(1))
    width, height = round(box[2] / scale), round(box[3] / scale)
    assert width == height and (width - 8 - 21) % 4 == 0, "a QR code with a four-module quiet zone"
    dark = [path for path in root.iter("path") if path.get("stroke")]
    assert len(dark) == 1, "one path draws every dark module"
    stroke_width = float(dark[0].get("stroke-width", "1"))
    assert stroke_width == 1
    matrix = [[False] * width for _ in range(height)]
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", dark[0].get("d", "")):
        values = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command in "Mm":
            for dx, dy in zip(values[::2], values[1::2]):
                x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
        elif command in "Hh":
            for value in values:
                end = value if command == "H" else x + value
                row = math.floor(y)
                for column in range(round(min(x, end)), round(max(x, end))):
                    matrix[row][column] = True
                x = end
        elif command in "Vv":
            for value in values:
                end = value if command == "V" else y + value
                column = math.floor(x)
                for row in range(round(min(y, end)), round(max(y, end))):
                    matrix[row][column] = True
                y = end
    return matrix


def decode(svg: str) -> str:
    matrix = module_matrix(svg)
    size = len(matrix) * PIXELS_PER_MODULE
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for column, is_dark in enumerate(cells):
            if is_dark:
                left, top = column * PIXELS_PER_MODULE, row * PIXELS_PER_MODULE
                draw.rectangle([left, top, left + PIXELS_PER_MODULE - 1, top + PIXELS_PER_MODULE - 1], fill=0)
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, "exactly one readable code"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(results[0].text)


def served_qr_codes(page: str) -> list[tuple[str, str]]:
    found = QR.findall(page)
    assert found, "an inline SVG QR code with a text alternative"
    return found


@pytest.mark.parametrize("kind", ["poster", "card"])
def test_the_served_qr_code_decodes_to_the_centres_report_link(client, centre_id, kind):
    page = client.get(f"/centres/ludlow-hub/{kind}").get_data(as_text=True)
    codes = served_qr_codes(page)
    for label, svg in codes:
        assert decode(svg) == "http://localhost/report/?via=ludlow-hub"
        assert "Ludlow Community Hub" in label and "QR code" in label
        assert 'stroke="#0b0c0c"' in svg  # near-black on white: readable in print and on screen
        assert "<script" not in svg and "href" not in svg and "style=" not in svg
    # The link is also printed as text, for people without a camera phone.
    assert "http://localhost/report/?via=ludlow-hub</" in page


def test_the_link_follows_the_host_the_service_is_reached_on(client, centre_id):
    page = client.get("/centres/ludlow-hub/poster", base_url="https://report.example.org").get_data(as_text=True)
    [(_label, svg)] = served_qr_codes(page)
    assert decode(svg) == "https://report.example.org/report/?via=ludlow-hub"


def test_the_poster_says_what_it_is_for_and_where(app, client, centre_id):
    response = client.get("/centres/ludlow-hub/poster")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1
    assert re.search(r"<h1[^>]*>Report hate incidents here</h1>", page)
    poster = page[page.index('class="app-sheet app-poster"'):page.index("</main>")]
    assert f'<p class="app-poster__service">{app.config["SERVICE_NAME"]}</p>' in poster
    assert "Ludlow Community Hub" in poster
    assert "Tuesday 10am to 3pm<br>Thursday 10am to 3pm" in poster
    assert "999" in poster
    assert len(served_qr_codes(page)) == 1


def test_the_card_page_shows_one_card_and_prints_a_sheet(client, centre_id):
    page = client.get("/centres/ludlow-hub/card").get_data(as_text=True)
    assert page.count("<h1") == 1
    cards = re.findall(r'<div class="app-card( app-card--copy)?"( aria-hidden="true")?>', page)
    assert len(cards) == 8
    # Only the first is on screen and in the accessibility tree; the copies are for paper.
    assert cards[0] == ("", "")
    assert all(card == (" app-card--copy", ' aria-hidden="true"') for card in cards[1:])
    sheet = page[page.index('class="app-sheet app-cards"'):page.index("</main>")]
    assert "<a " not in sheet and "<button" not in sheet  # nothing focusable inside hidden copies
    assert len(served_qr_codes(page)) == 8


def test_poster_pages_set_no_cookie_and_are_not_cached(client, centre_id):
    for url in ("/centres/", "/centres/ludlow-hub", "/centres/ludlow-hub/poster", "/centres/ludlow-hub/card"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"] == "no-store"


def test_a_report_started_from_the_decoded_link_records_the_centre_and_nothing_else(app, client, centre_id):
    page = client.get("/centres/ludlow-hub/poster").get_data(as_text=True)
    [(_label, svg)] = served_qr_codes(page)
    link = decode(svg)

    # As a phone would: open the link, then press "Start now" on the page it shows.
    start = client.get(link)
    assert start.status_code == 200
    start_page = start.get_data(as_text=True)
    assert 'name="via" value="ludlow-hub"' in start_page
    token = CSRF.search(start_page)
    assert token
    parts = urlsplit(link)
    response = client.post(f"{parts.path}?{parts.query}", data={"csrf_token": token.group(1), "via": "ludlow-hub"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/who")

    answer_all(client, minimal_answers())
    reference, _receipt = send(client)
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        assert (report.channel, report.centre_id) == ("centre_link", centre_id)


def test_the_poster_uses_the_configured_public_address(make_app):
    app = make_app(PUBLIC_BASE_URL="https://report.example.org")
    from reporting.centres import services as centre_services
    from reporting.extensions import db

    with app.app_context():
        centre_services.save_centre(centre_services.CentreData(slug="addr-centre", name="Example", town="wem"), actor="test")
        db.session.commit()
    page = app.test_client().get("/centres/addr-centre/poster", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://report.example.org/report/?via=addr-centre" in page
    assert "evil.example" not in page
