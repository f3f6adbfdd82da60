"""What retention plugs into the case file: the sentences of legal holds and destroyed content."""
from __future__ import annotations

from collections.abc import Mapping

from reporting.casefile import CaseFileRegistry, Event
from reporting.cases.models import EventKind
from reporting.labels import label
from reporting.words import gettext as _


def hold_sentence(event: Event, people: Mapping[str, str]) -> str:
    return _("Legal hold placed") if event.action == "placed" else _("Legal hold lifted")


def retention_sentence(event: Event, people: Mapping[str, str]) -> str:
    """The rule the content was destroyed under, and an erasure's reason."""
    text = _("Content destroyed under the rule: %(rule)s", rule=label("retention_rule", event.after))
    if event.reason:
        text += " (" + label("erasure_reason", event.reason) + ")"
    return text


def register(registry: CaseFileRegistry) -> None:
    registry.register_sentences(EventKind.HOLD.value, hold_sentence)
    registry.register_sentences(EventKind.RETENTION.value, retention_sentence)
