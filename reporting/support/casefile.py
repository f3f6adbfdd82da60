"""What support plugs into the case file: the support offered, accepted and completed (a panel
with its form, among the actions) and the sentences of its timeline entries."""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flask_babel import gettext as _

from reporting.auth.models import User
from reporting.casefile import ACTIONS, CaseFileRegistry, Event, Keys, Panel
from reporting.cases.models import EventKind
from reporting.forms import fields_html
from reporting.labels import day, label
from reporting.reports.models import Report
from reporting.support import services
from reporting.support.models import SupportOffered
from reporting.support.staff import support_form


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


def case_panel(report: Report, viewer: User, keys: Keys | None) -> Panel:
    """The support recorded so far and the form to record it (clear codes: every reviewer)."""
    record = services.support_of(report)
    form = support_form(report, prefix="support", formdata=None, data=_data(record))
    return Panel("support/_case_panel.html", {"record": record, "fields": MappingProxyType(fields_html(form))},
                 slot=ACTIONS)


def _data(record: object) -> dict[str, object]:
    if record is None:
        return {}
    return {name: getattr(record, name) for name in ("offered", "offered_on", "accepted", "completed")}


def register(registry: CaseFileRegistry) -> None:
    registry.register_panel("support", 150, case_panel)
    registry.register_sentences(EventKind.SUPPORT.value, support_sentence)

