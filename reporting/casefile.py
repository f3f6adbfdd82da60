"""The case file's registry: where the features plug into the case page and the queue.

Like Indico's template hooks: the case page (reporting/cases) imports no feature above it.
Each feature registers, in its ``init_app``, what it shows of a case:

- panels: ``register_panel(name, order, provider)``; the provider is called with the report,
  the viewer, the opened keys (None when the viewer cannot read the report) and what the case
  holds (:class:`Holdings`), and returns None (nothing to show) or a :class:`Panel`: a template
  included with its context, in the column ``slot`` names, and any entries it adds to the
  case's timeline;
- holdings: ``register_holding(kind, condition)``, an ``EXISTS`` on ``Report`` ("the case has
  referrals"). The case page reads them all with the report, in its one statement, and a panel
  whose case holds nothing of its kind does not ask (most cases have no referral, action,
  support or feedback: a statement each saved);
- timeline sentences: ``register_sentences(kind, fn)``, ``fn(event, people)`` gives the words
  of one timeline entry of that kind (the case page and the subject access export ask);
- queue filters and tags: a condition on ``Report.id`` for a filter of the queue; and for a
  warning tag, an ``EXISTS`` on ``Report`` with the bind parameters it takes at a moment (the
  queue selects it beside each line of its page, in the same statement).

The registry is kept on the application (``app.extensions["casefile"]``), so a test app can
add a panel of its own and take it away again.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app

from reporting import crypto
from reporting.auth.models import User
from reporting.keys.keyring import Keyring
from reporting.reports.models import Report

ACTIONS = "actions"  # the case page's middle column: what reviewers do
REPORT = "report"  # the right-hand column: the report, its files and messages, above the timeline
SLOTS = (ACTIONS, REPORT)
DEFAULT = "*"  # the sentences for a kind no feature registered


class Event(Protocol):
    """A timeline entry as the sentences read it (reporting.cases.models.CaseEvent)."""

    @property
    def kind(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def before(self) -> str | None: ...

    @property
    def after(self) -> str | None: ...

    @property
    def reason(self) -> str | None: ...

    @property
    def ref(self) -> str | None: ...


class TimelineItem(Protocol):
    """An entry a panel adds to the timeline: shown in time order with the template it names."""

    @property
    def at(self) -> datetime: ...

    @property
    def template(self) -> str: ...


@dataclass(frozen=True)
class Keys:
    """What the case page opened once for a reader who holds the keys: their keyring and the
    report's own private key (loaded), so no panel opens them again."""

    keyring: Keyring
    report_private: crypto.PrivateKey


@dataclass(frozen=True)
class Panel:
    """One feature's part of the case page: ``{% include template %}`` with ``panel.context``."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    slot: str = ACTIONS
    timeline: Sequence[TimelineItem] = ()
    # Names the timeline sentences may use beyond the reviewers' ("agency:3" -> its name).
    people: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Holdings:
    """What one case holds of each kind the features registered, read with the report.

    ``holds(kind)`` is False only when the case was seen to hold nothing of that kind; a kind
    nobody registered (or not read) is held, so a panel asks as it would without this."""

    found: Mapping[str, bool] = field(default_factory=dict)

    def holds(self, kind: str) -> bool:
        return self.found.get(kind, True)


PanelProvider = Callable[[Report, User, "Keys | None", Holdings], "Panel | None"]
HoldingCondition = Callable[[], Any]  # a SQL EXISTS correlated to Report (built once, on first use)
Sentences = Callable[[Event, Mapping[str, str]], str]
QueueCondition = Callable[[], Any]  # a SQL condition on Report (built when a queue uses it)
QueueTagCondition = Callable[[], Any]  # a SQL EXISTS correlated to Report (built once, on first use)
QueueTagParams = Callable[[datetime, Any], Mapping[str, Any]]  # (now, settings) -> the condition's bind parameters


@dataclass(frozen=True)
class _PanelHook:
    name: str
    order: int
    provider: PanelProvider


@dataclass(frozen=True)
class QueueTag:
    """A warning beside a case in the queue ("Referral not acknowledged")."""

    name: str
    order: int
    condition: QueueTagCondition
    params: QueueTagParams
    words: Any  # a lazy string, made words in the page's language
    colour: str


class CaseFileRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, _PanelHook] = {}
        self._sentences: dict[str, Sentences] = {}
        self._filters: dict[str, QueueCondition] = {}
        self._tags: dict[str, QueueTag] = {}
        self._holdings: dict[str, HoldingCondition] = {}
        self._tag_columns: tuple[Any, ...] | None = None
        self._holding_columns: list[Any] | None = None

    # Panels ------------------------------------------------------------------------

    def register_panel(self, name: str, order: int, provider: PanelProvider) -> None:
        if name in self._panels:
            raise ValueError(f"a case file panel named {name!r} is registered already")
        self._panels[name] = _PanelHook(name, order, provider)

    def unregister_panel(self, name: str) -> None:
        self._panels.pop(name, None)

    def panels(self, report: Report, viewer: User, keys: Keys | None,
               held: Holdings | None = None) -> list[Panel]:
        """The panels to show, in order (a provider returning None shows nothing)."""
        shown = []
        held = held if held is not None else Holdings()
        for hook in sorted(self._panels.values(), key=lambda hook: (hook.order, hook.name)):
            panel = hook.provider(report, viewer, keys, held)
            if panel is not None:
                if panel.slot not in SLOTS:
                    raise ValueError(f"panel {hook.name!r}: no slot {panel.slot!r} on the case page")
                shown.append(panel)
        return shown

    # Holdings ----------------------------------------------------------------------

    def register_holding(self, kind: str, condition: HoldingCondition) -> None:
        if kind in self._holdings:
            raise ValueError(f"a case file holding named {kind!r} is registered already")
        self._holdings[kind] = condition
        self._holding_columns = None

    def unregister_holding(self, kind: str) -> None:
        self._holdings.pop(kind, None)
        self._holding_columns = None

    def holding_columns(self) -> list[Any]:
        """One labelled boolean column per kind, to select beside ``Report`` (built once: the
        same statement each time, so SQLAlchemy's compiled cache serves it)."""
        if self._holding_columns is None:
            self._holding_columns = [condition().label(f"holds_{kind}")
                                     for kind, condition in sorted(self._holdings.items())]
        return self._holding_columns

    def holdings(self, row: Any) -> Holdings:
        """The :class:`Holdings` of a row selected with :meth:`holding_columns`."""
        return Holdings({kind: bool(getattr(row, f"holds_{kind}")) for kind in self._holdings})

    # Timeline sentences ------------------------------------------------------------

    def register_sentences(self, kind: str, fn: Sentences) -> None:
        if kind in self._sentences:
            raise ValueError(f"sentences for {kind!r} are registered already")
        self._sentences[kind] = fn

    def unregister_sentences(self, kind: str) -> None:
        self._sentences.pop(kind, None)

    def sentence(self, event: Event, people: Mapping[str, str] | None = None) -> str:
        """One timeline entry in words."""
        fn = self._sentences.get(event.kind) or self._sentences.get(DEFAULT)
        return fn(event, people or {}) if fn is not None else event.kind

    # The queue ---------------------------------------------------------------------

    def register_queue_filter(self, name: str, condition: QueueCondition) -> None:
        if name in self._filters:
            raise ValueError(f"a queue filter named {name!r} is registered already")
        self._filters[name] = condition

    def unregister_queue_filter(self, name: str) -> None:
        self._filters.pop(name, None)

    def queue_filter(self, name: str) -> QueueCondition | None:
        return self._filters.get(name)

    def register_queue_tag(self, name: str, order: int, condition: QueueTagCondition, params: QueueTagParams,
                           words: Any, colour: str) -> None:
        """A warning beside the queue's cases for which ``condition`` holds; its bind parameters
        (named after the tag, so two tags' never meet) come from ``params(now, settings)``."""
        if name in self._tags:
            raise ValueError(f"a queue tag named {name!r} is registered already")
        self._tags[name] = QueueTag(name, order, condition, params, words, colour)
        self._tag_columns = None

    def unregister_queue_tag(self, name: str) -> None:
        self._tags.pop(name, None)
        self._tag_columns = None

    def queue_tags(self) -> list[QueueTag]:
        return sorted(self._tags.values(), key=lambda tag: (tag.order, tag.name))

    def queue_tag_columns(self) -> tuple[Any, ...]:
        """One labelled boolean column per tag, in order, to select beside a queue line (built
        once, so the statement that carries them is the same each time)."""
        if self._tag_columns is None:
            self._tag_columns = tuple(tag.condition().label(f"tag_{tag.name}") for tag in self.queue_tags())
        return self._tag_columns

    def queue_tag_params(self, now: datetime, settings: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for tag in self.queue_tags():
            found |= tag.params(now, settings)
        return found


def init_casefile(app: Flask) -> CaseFileRegistry:
    """Give the application its (empty) registry; the features fill it in their init_app."""
    registry = app.extensions["casefile"] = CaseFileRegistry()
    app.add_template_global(event_text, "event_text")
    return registry


def registry(app: Flask | None = None) -> CaseFileRegistry:
    found: CaseFileRegistry = (app or current_app).extensions["casefile"]
    return found


def event_text(event: Event, people: Mapping[str, str] | None = None) -> str:
    """A timeline entry as a sentence, by the sentences its kind's feature registered."""
    return registry().sentence(event, people)
