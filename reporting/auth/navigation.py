"""The staff pages' service navigation: the places each role has.

Every staff page shows the navigation of its reader's role, made afresh for each page.
"""
from __future__ import annotations

from typing import Any

from flask import get_template_attribute, url_for
from flask_login import current_user
from markupsafe import Markup

from reporting.auth.models import Role
from reporting.navigation import nav_state
from reporting.words import lazy_gettext as _l

R = Role

# (endpoint, words, endpoints below it that have their own item, roles that see it), in order.
_ITEMS: tuple[tuple[str, Any, tuple[str, ...], frozenset[Role]], ...] = (
    ("cases.show_queue", _l("Case queue"), ("meetings.list_meetings", "retention.review_due", "approvals.list_approvals",
                                           "centre_records.list_centres"),
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
    ("centre_records.list_centres", _l("Centres"), (), frozenset({R.ADMIN, R.REVIEWER})),
    ("stats.show_statistics", _l("Statistics"), (), frozenset({R.ANALYST, R.ADMIN, R.REVIEWER})),
    ("auth.change_password", _l("Change password"), (), frozenset(Role)),
)


def staff_navigation() -> Markup:
    """The places of the signed-in person's role, the current one marked; nothing when signed out."""
    if not current_user.is_authenticated:
        return Markup("")
    role = current_user.role
    link = get_template_attribute("_layout_parts.html", "nav_link")
    parts = []
    for endpoint, words, below, roles in _ITEMS:
        if role in roles:
            href = url_for(endpoint)
            parts.append(link(href, words, nav_state(href, tuple(url_for(e) for e in below))))
    # nosec B704 below - each part is a macro's output from an autoescaping template
    return Markup("\n").join(parts)  # nosec B704
