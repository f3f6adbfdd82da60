"""The public directory of reporting centres, each centre's page, and its poster and wallet card.

Everything here is public, read-only and self-contained: no JavaScript, no map
tiles, nothing from another host. The QR codes are drawn here as inline SVG and
point at ``/report/?via=<slug>``, which records the centre as the report's
channel and nothing else about the person.
"""
from __future__ import annotations

import re

import segno
from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from reporting.centres import queries
from reporting.centres.forms import OFFER_LABELS, DirectoryFilterForm
from reporting.centres.models import Centre
from reporting.security import public
from reporting.urls import external_url

bp = Blueprint("centres", __name__, url_prefix="/centres")

# Near-black on white, the highest contrast for phone cameras and for print.
QR_DARK = "#0b0c0c"
QR_LIGHT = "#ffffff"
# Copies of the wallet card on one printed A4 sheet (2 across, 4 down, 85.6 x 54 mm each).
CARDS_PER_SHEET = 8


def _centre_or_404(slug: str) -> Centre:
    centre = queries.active_centre(slug)
    if centre is None:
        abort(404)
    return centre


def _tel_uri(phone: str) -> str:
    """A ``tel:`` URI from a phone number as people write it ("01632 960 101")."""
    digits = re.sub(r"[^\d+]", "", phone)
    return f"tel:{digits}" if digits.lstrip("+") else ""


def _report_url(centre: Centre) -> str:
    """The absolute link printed on paper: a phone camera has no page to be relative to."""
    return external_url("public.start_report", via=centre.slug)


def _qr_svg(url: str) -> Markup:
    """The QR code of ``url`` as inline SVG, sized by the stylesheet (viewBox, no width)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, dark=QR_DARK, light=QR_LIGHT, omitsize=True, svgclass="app-qr__svg", lineclass=None,
    )
    # segno writes only numbers and the two colours above; the URL is encoded in the path.
    return Markup(svg)  # nosec B704 - segno output only, see the line above


@bp.get("/")
@public
def show_directory() -> ResponseReturnValue:
    form = DirectoryFilterForm(request.args, towns=queries.towns_with_active_centres())
    town, offers = form.filters()
    return render_template(
        "centres/directory.html",
        form=form,
        centres=queries.active_centres(town=town, offers=offers),
        filtered=bool(town or offers),
        area_labels=queries.area_labels(),
        offer_labels=OFFER_LABELS,
    )


@bp.get("/<slug>")
@public
def show_centre(slug: str) -> ResponseReturnValue:
    found = _centre_or_404(slug)
    return render_template(
        "centres/centre.html",
        centre=found,
        tel=_tel_uri(found.phone),
        area_labels=queries.area_labels(),
        offer_labels=OFFER_LABELS,
    )


@bp.get("/<slug>/poster")
@public
def print_poster(slug: str) -> ResponseReturnValue:
    found = _centre_or_404(slug)
    url = _report_url(found)
    return render_template("centres/poster.html", centre=found, report_url=url, qr=_qr_svg(url))


@bp.get("/<slug>/card")
@public
def print_card(slug: str) -> ResponseReturnValue:
    found = _centre_or_404(slug)
    url = _report_url(found)
    return render_template(
        "centres/card.html", centre=found, report_url=url, qr=_qr_svg(url), copies=CARDS_PER_SHEET,
    )
