"""The service navigation's one rule: which item is the page being shown."""
from __future__ import annotations

from flask import Flask, has_request_context, request


def nav_state(href: str, not_under: tuple[str, ...] | list[str] = ()) -> str | None:
    """"page" when ``href`` is the page being shown, "true" when the page is below it (and not
    in a section of its own, ``not_under``), else None: the item's aria-current."""
    if not has_request_context():
        return None  # a page made outside a request (an email, a PDF) has no current item
    here = request.script_root + request.path
    if here == href:
        return "page"
    if href != "/" and here.startswith(href.rstrip("/") + "/") and not any(here.startswith(p) for p in not_under):
        return "true"
    return None


def init_navigation(app: Flask) -> None:
    app.add_template_global(nav_state, "nav_state")
