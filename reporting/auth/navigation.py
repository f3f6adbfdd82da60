"""The staff pages' service navigation: the places each role has.

Every staff page shows the navigation of its reader's role. Its HTML is kept per language,
role, address root and current item (all in the key): made from up to seven links, each
found with ``url_for`` and put into words, it cost about a tenth of a simple staff page.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import get_template_attribute, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from reporting.auth.models import Role
from reporting.i18n import wording
from reporting.navigation import nav_state

R = Role

# (endpoint, words, endpoints below it that have their own item, roles that see it), in order.
_ITEMS: tuple[tuple[str, Any, tuple[str, ...], frozenset[Role]], ...] = (
    ("cases.show_queue", _l("Case queue"), ("meetings.list_meetings", "retention.review_due", "approvals.list_approvals"),
     frozenset({R.REVIEWER})),
    ("cases.new_phone_report", _l("Enter a phone report"), (), frozenset({R.REVIEWER})),
    ("meetings.list_meetings", _l("Meetings"), (), frozenset({R.REVIEWER})),
    ("retention.review_due", _l("Retention"), (), frozenset({R.REVIEWER})),
    ("approvals.list_approvals", _l("Approvals"), (), frozenset({R.REVIEWER})),
    ("referrals.show_inbox", _l("Referrals"), (), frozenset({R.POLICE})),
    ("police_extracts.list_extracts", _l("Quarterly extracts"), (), frozenset({R.POLICE})),
    ("partners.home", _l("Meetings and actions"), (), frozenset({R.AGENCY})),
    ("assisted.index", _l("Assisted reporting"), (), frozenset({R.CENTRE_STAFF})),
    ("admin.index", _l("Administration"), (), frozenset({R.ADMIN})),
    ("keys.list_grants", _l("Approve access"), (), frozenset({R.ADMIN, R.REVIEWER, R.POLICE, R.AGENCY})),
    ("auth.list_passkeys", _l("Passkeys"), (), frozenset({R.ADMIN, R.REVIEWER, R.POLICE, R.AGENCY})),
    ("stats.show_statistics", _l("Statistics"), (), frozenset({R.ANALYST, R.ADMIN, R.REVIEWER})),
    ("auth.change_password", _l("Change password"), (), frozenset(Role)),
)


def staff_navigation() -> Markup:
    """The places of the signed-in person's role, the current one marked; nothing when signed out."""
    if not current_user.is_authenticated:
        return Markup("")
    role = current_user.role
    root = request.script_root
    states = tuple(nav_state(href, below) for href, below in _hrefs(role, root))
    return _html(wording(), role, root, states)


@lru_cache(maxsize=64)
def _hrefs(role: str, _root: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    # The same for every page under the same address root (the key).
    return tuple((url_for(endpoint), tuple(url_for(e) for e in below))
                 for endpoint, _words, below, roles in _ITEMS if role in roles)


@lru_cache(maxsize=512)
def _html(_wording: tuple[Any, ...], role: str, root: str, states: tuple[str | None, ...]) -> Markup:
    link = get_template_attribute("_layout_parts.html", "nav_link")
    words = [words for _endpoint, words, _below, roles in _ITEMS if role in roles]
    parts = [link(href, text, state) for (href, _below), text, state in zip(_hrefs(role, root), words, states)]
    # nosec B704 below - each part is a macro's output from an autoescaping template
    return Markup("\n").join(parts)  # nosec B704
