"""What support plugs into the case file: the support offered, accepted and completed (a panel
with its form, among the actions) and the sentences of its timeline entries."""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from markupsafe import Markup
from sqlalchemy import exists

from reporting import cache as kept, i18n

from reporting.auth.models import User
from reporting.casefile import ACTIONS, CaseFileRegistry, Event, Holdings, Keys, Panel
from reporting.cases.models import EventKind
from reporting.forms import fields_html
from reporting.labels import day, label
from reporting.reports.models import Report
from reporting.support import services
from reporting.support.models import CaseSupport, SupportOffered
from reporting.support.staff import support_form
from reporting.words import gettext as _


def support_sentence(event: Event, people: Mapping[str, str]) -> str:
    """"Support offered on 3 December 2026", "The support: Completed"..."""
    if event.action == "offered":
        if event.after == SupportOffered.YES:
            return str(_("Support offered on %(day)s", day=day(event.ref)) if event.ref else _("Support offered"))
        return str(_("Recorded that support was not offered"))
    if event.action == "accepted":
        if event.after is None:
            return str(_("Support: whether it was accepted no longer applies"))
        return str(_("The person's answer to the support offered: %(answer)s", answer=label("support_accepted", event.after)))
    if event.action == "completed":
        if event.after is None:
            return str(_("Support: whether it was completed no longer applies"))
        return str(_("The support: %(answer)s", answer=label("support_completed", event.after)))
    return str(_("Support"))


# What the form shows is its answers (the key below) in the page's language: no row of the database
# changes it otherwise, so its version never moves (a new release starts every process afresh).
FORM_VERSION = 1


def case_panel(report: Report, viewer: User, keys: Keys | None, held: Holdings) -> Panel:
    """The support recorded so far and the form to record it (clear codes: every reviewer)."""
    record = services.support_of(report) if held.holds("support") else None
    return Panel("support/_case_panel.html", {"record": record, "fields": _fields(report, _data(record))},
                 slot=ACTIONS)


def _fields(report: Report, data: dict[str, object]) -> Mapping[str, Markup]:
    """The form as first shown, as HTML (no token: the page adds it).

    Kept by reporting.cache per language and the answers it shows: building the form and
    rendering its fields cost a fifth of the case page."""
    key = ("support form", i18n.current_language().code, tuple(sorted(data.items())))
    found: Mapping[str, Markup] | None = kept.get(key, FORM_VERSION)
    if found is None:
        form = support_form(report, prefix="support", formdata=None, data=data)
        found = MappingProxyType(fields_html(form))
        kept.keep(key, FORM_VERSION, found)
    return found


def _data(record: object) -> dict[str, object]:
    if record is None:
        return {}
    return {name: getattr(record, name) for name in ("offered", "offered_on", "accepted", "completed")}


def has_support() -> Any:
    return exists().where(CaseSupport.report_id == Report.id)


def register(registry: CaseFileRegistry) -> None:
    registry.register_panel("support", 150, case_panel)
    registry.register_holding("support", has_support)
    registry.register_sentences(EventKind.SUPPORT.value, support_sentence)

