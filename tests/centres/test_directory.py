"""The public directory at /centres/ and each centre's page."""
from __future__ import annotations

import re

import pytest

from reporting.centres import services as centre_services
from reporting.centres.forms import OFFER_LABELS
from reporting.centres.models import OFFERS
from reporting.extensions import db


@pytest.fixture
def make_centre(app):  # type: ignore[no-untyped-def]
    """Factory: a centre saved through the service, as the admin or an import would."""

    def factory(slug: str, **fields):  # type: ignore[no-untyped-def]
        data = centre_services.CentreData(slug=slug, name=fields.pop("name", f"Centre {slug}"), **fields)
        with app.app_context():
            centre_services.save_centre(data, actor="test")
            db.session.commit()
        return slug

    return factory


@pytest.fixture
def centres(make_centre):  # type: ignore[no-untyped-def]
    make_centre("shrewsbury-library", name="Shrewsbury Library", town="shrewsbury",
                offers=["step_free", "hearing_loop", "quiet_room"], languages=["English", "Polish"],
                opening_hours="Monday to Friday 9am to 5pm\nSaturday 9am to 1pm")
    make_centre("shrewsbury-mosque", name="Shrewsbury Mosque Community Room", town="shrewsbury",
                offers=["step_free", "interpreters"], languages=["English", "Urdu", "Arabic"])
    make_centre("ludlow-hub", name="Ludlow Community Hub", town="ludlow", offers=["quiet_room", "bsl"],
                languages=["English", "British Sign Language"])
    make_centre("oswestry-office", name="Oswestry Council Office", town="oswestry", offers=[])
    make_centre("wem-retired", name="Wem Old Library", town="wem", offers=["step_free"], active=False)


def names(page: str) -> list[str]:
    """Centre names listed as results, in order."""
    return re.findall(r'<h3 class="govuk-heading-s"><a class="govuk-link" href="/centres/[^"]+">([^<]+)</a>', page)


def get(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_directory_lists_every_active_centre_and_the_count(client, centres):
    page = get(client, "/centres/")
    assert names(page) == ["Ludlow Community Hub", "Oswestry Council Office", "Shrewsbury Library",
                           "Shrewsbury Mosque Community Room"]
    assert "4 centres" in page
    assert "Wem Old Library" not in page


def test_the_town_list_offers_only_towns_with_active_centres(client, centres):
    page = get(client, "/centres/")
    select = re.search(r'<select[^>]*name="town".*?</select>', page, re.S)
    assert select
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', select.group(0))
    # "Any" first, then the areas list's order; Wem's only centre is retired.
    assert options == [("", "Any town"), ("ludlow", "Ludlow"), ("oswestry", "Oswestry"), ("shrewsbury", "Shrewsbury")]


def test_filter_by_town(client, centres):
    page = get(client, "/centres/?town=shrewsbury")
    assert names(page) == ["Shrewsbury Library", "Shrewsbury Mosque Community Room"]
    assert "2 centres match" in page
    assert '<option value="shrewsbury" selected>' in page


def test_filter_by_one_offer(client, centres):
    assert names(get(client, "/centres/?offers=step_free")) == ["Shrewsbury Library", "Shrewsbury Mosque Community Room"]
    assert names(get(client, "/centres/?offers=bsl")) == ["Ludlow Community Hub"]


def test_several_offers_must_all_be_offered(client, centres):
    page = get(client, "/centres/?offers=step_free&offers=hearing_loop")
    assert names(page) == ["Shrewsbury Library"]
    assert "1 centre matches" in page
    for code in ("step_free", "hearing_loop"):
        assert re.search(rf'value="{code}" checked>', page)


def test_town_and_offers_together(client, centres):
    assert names(get(client, "/centres/?town=shrewsbury&offers=interpreters")) == ["Shrewsbury Mosque Community Room"]
    assert names(get(client, "/centres/?town=ludlow&offers=step_free")) == []


def test_no_match_says_so(client, centres):
    page = get(client, "/centres/?town=ludlow&offers=hearing_loop&offers=interpreters")
    assert names(page) == []
    assert "0 centres match" in page
    assert "No centres match" in page
    assert 'href="/report/"' in page  # reporting online is always possible


@pytest.mark.parametrize("query", [
    "town=atlantis", "town=wem", "town=online", "town=" + "x" * 5000, "town=%ff",
    "offers=jacuzzi", "offers=", "offers=%3Cscript%3E", "page=2&sort=evil",
    "town=ludlow&town=shrewsbury&offers=bsl&offers=bsl",
])
def test_unknown_filter_values_are_ignored_never_an_error(client, centres, query):
    response = client.get(f"/centres/?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>" not in page
    assert names(page)  # something listed: the bad value did not filter everything away


@pytest.mark.parametrize("query", ["town=%00%ff", "offers=step_free%00"])
def test_control_characters_in_a_filter_get_a_clear_400(client, centres, query):
    # PostgreSQL refuses NUL in text: refused before any query (issue 12), never a 500.
    response = client.get(f"/centres/?{query}")
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)


def test_an_unknown_town_shows_every_centre_and_selects_any(client, centres):
    page = get(client, "/centres/?town=atlantis&offers=jacuzzi")
    assert len(names(page)) == 4
    assert '<option value="" selected>' in page
    assert " checked>" not in page


def test_a_repeated_town_takes_the_first(client, centres):
    assert names(get(client, "/centres/?town=ludlow&town=shrewsbury")) == ["Ludlow Community Hub"]


def test_filter_form_is_a_labelled_get_form_without_javascript(client, centres):
    page = get(client, "/centres/")
    form = re.search(r"<form[^>]*>.*?</form>", page, re.S)
    assert form and 'method="get"' in form.group(0) and 'action="/centres/"' in form.group(0)
    assert 'name="csrf_token"' not in form.group(0)
    assert '<label class="govuk-label govuk-label--s" for="town">Town</label>' in page
    fieldset = re.search(r"<fieldset.*?</fieldset>", form.group(0), re.S)
    assert fieldset and "<legend" in fieldset.group(0)
    for code in OFFERS:
        box = re.search(rf'<input class="govuk-checkboxes__input" id="([^"]+)" name="offers" type="checkbox" value="{code}"', page)
        assert box, code
        assert f'<label class="govuk-label govuk-checkboxes__label" for="{box.group(1)}">{OFFER_LABELS[code]}</label>' in page
    assert {str(label) for label in OFFER_LABELS.values()} == {
        "Step-free access", "Hearing loop", "Quiet private room", "British Sign Language (BSL)", "Interpreters",
    }
    assert page.count("<h1") == 1


def test_result_cards_show_town_hours_offers_and_languages(client, centres):
    page = get(client, "/centres/?town=shrewsbury")
    card = page[page.index("Shrewsbury Library</a>"):page.index("Shrewsbury Mosque")]
    assert 'href="/centres/shrewsbury-library"' in page
    assert "Shrewsbury</dd>" in card
    assert "Monday to Friday 9am to 5pm<br>Saturday 9am to 1pm" in card
    for label in ("Step-free access", "Hearing loop", "Quiet private room"):
        assert f'<strong class="govuk-tag govuk-tag--blue">{label}</strong>' in card
    assert "English, Polish" in card


def test_the_home_page_links_to_the_directory(client):
    assert 'href="/centres/"' in get(client, "/")


def test_a_centre_page_says_how_to_get_help_there(client, make_centre):
    make_centre(
        "ludlow-hub", name="Ludlow Community Hub", address="Corve Street\nLudlow", town="ludlow", postcode="SY8 1DA",
        opening_hours="Tuesday 10am to 3pm\nThursday 10am to 3pm", phone="01632 960 303",
        offers=["quiet_room", "bsl"], languages=["English", "British Sign Language"],
        how_to_get_help="Drop in, or phone ahead for a BSL interpreter.\nAsk for Sam & Jo at the desk.",
    )
    page = get(client, "/centres/ludlow-hub")
    assert page.count("<h1") == 1
    assert re.search(r"<h1[^>]*>Ludlow Community Hub</h1>", page)
    assert "Corve Street<br>Ludlow<br>SY8 1DA" in page
    assert "Tuesday 10am to 3pm<br>Thursday 10am to 3pm" in page
    assert '<a class="govuk-link" href="tel:01632960303">01632 960 303</a>' in page
    assert "Quiet private room" in page and "British Sign Language (BSL)" in page
    assert "English, British Sign Language" in page
    assert "How to get help here" in page
    assert '<p class="govuk-body">Drop in, or phone ahead for a BSL interpreter.</p>' in page
    assert "Ask for Sam &amp; Jo at the desk." in page  # escaped, never raw markup
    assert 'href="/report/?via=ludlow-hub"' in page
    assert 'href="/centres/ludlow-hub/poster"' in page
    assert 'href="/centres/ludlow-hub/card"' in page


def test_a_centre_without_details_still_has_a_useful_page(client, make_centre):
    make_centre("bare", name="Bare Centre", town="wem")
    page = get(client, "/centres/bare")
    assert "Ask a member of staff" in page
    assert "tel:" not in page
    assert "Not listed" in page


def test_centre_names_and_text_are_escaped(client, make_centre):
    make_centre("odd", name='<b>Bold</b> & "quoted"', town="wem", how_to_get_help="<script>alert(1)</script>")
    for url in ("/centres/", "/centres/odd", "/centres/odd/poster", "/centres/odd/card"):
        page = get(client, url)
        assert "<b>Bold</b>" not in page and "<script>alert" not in page, url
        assert "&lt;b&gt;Bold&lt;/b&gt;" in page, url


@pytest.mark.parametrize("url", [
    "/centres/no-such-centre", "/centres/wem-retired", "/centres/" + "a" * 200,
    "/centres/no-such-centre/poster", "/centres/wem-retired/poster",
    "/centres/no-such-centre/card", "/centres/wem-retired/card",
])
def test_unknown_and_retired_centres_are_not_found(client, centres, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Wem Old Library" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/centres/", "/centres/shrewsbury-library"])
def test_directory_pages_accept_get_only(client, centres, url):
    assert client.post(url).status_code in (400, 405)  # CSRF refuses before routing, or 405


@pytest.mark.parametrize("url", [
    "/centres/", "/centres/?town=shrewsbury&offers=step_free", "/centres/shrewsbury-library",
    "/centres/shrewsbury-library/poster", "/centres/shrewsbury-library/card",
])
def test_nothing_is_loaded_or_linked_from_another_host(client, centres, url):
    page = get(client, url)
    for attribute, value in re.findall(r'\b(src|href|action|srcset|data)\s*=\s*"([^"]*)"', page):
        assert not re.match(r"\s*(https?:)?//", value, re.I), (attribute, value)
    assert "url(" not in page  # no inline style pulling anything in
    assert "<iframe" not in page and "<img" not in page
    # The only scripts are the site's own enhancement; nothing here needs them.
    assert re.findall(r"<script[^>]*>", page) == ['<script type="module" src="/static/build/app.js">']
