"""Issue 29: the case page asks a registry (reporting/casefile.py) for the features' panels and
timeline sentences; each feature registers its own, and a panel can come and go."""
from __future__ import annotations

import html
import re

import pytest
from jinja2 import ChoiceLoader, DictLoader

from reporting import casefile
from reporting.casefile import Keys, Panel
from reporting.cases.models import CaseEvent, EventKind
from tests.helpers import minimal_answers, report, sign_in
from tests.test_layers import PACKAGE, import_graph


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_panel_a_test_app_registers_appears_on_the_case_page_and_goes_when_unregistered(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    reviewer_email = make_user("reviewer").email
    staff = app.test_client()
    sign_in(staff, app, reviewer_email)
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"test/_panel.html": '<h2 id="test-panel">{{ panel.context.words }} {{ report.reference }}</h2>'}),
        app.jinja_env.loader,
    ])
    seen: list[tuple[str, bool]] = []  # who the panel was asked for, and whether it was given the keys

    def provider(report, viewer, keys, held):  # type: ignore[no-untyped-def]
        seen.append((viewer.email, keys is not None and keys.keyring.holder.email == viewer.email))
        return Panel("test/_panel.html", {"words": "PANELCANARY"})

    registry = casefile.registry(app)
    registry.register_panel("test", 150, provider)
    page = staff.get(f"/review/cases/{reference}")
    assert page.status_code == 200
    words = text_of(page)
    assert f"PANELCANARY {reference}" in words
    # In its order: after the referrals (100), before the meetings (200).
    assert words.index("Police referral") < words.index("PANELCANARY") < words.index("Group meetings")
    assert seen == [(reviewer_email, True)]
    with pytest.raises(ValueError):
        registry.register_panel("test", 1, provider)

    registry.unregister_panel("test")
    page = staff.get(f"/review/cases/{reference}")
    assert page.status_code == 200
    assert "PANELCANARY" not in page.get_data(as_text=True)
    assert "Group meetings" in text_of(page)  # the features' own panels stay


def test_a_panel_is_given_no_keys_when_the_reader_cannot_open_the_report(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer", holder=False).email)
    seen: list[Keys | None] = []
    casefile.registry(app).register_panel("test", 150, lambda report, viewer, keys, held: seen.append(keys))
    try:
        page = staff.get(f"/review/cases/{reference}")
    finally:
        casefile.registry(app).unregister_panel("test")
    assert page.status_code == 200
    assert seen == [None]
    # Nor does the messages panel show: it is for readers of the report.
    assert "Messages with the person who reported" not in text_of(page)



def test_a_holding_a_test_app_registers_is_read_with_the_case_and_given_to_the_panels(app, client, make_user):
    from sqlalchemy import literal

    from reporting.reports.models import Report

    reference, _ = report(client, minimal_answers())
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    registry = casefile.registry(app)
    seen: list[tuple[bool, bool, bool]] = []
    registry.register_holding("odd_reference", lambda: Report.reference.like("HC-%-ZZZZZZ"))
    registry.register_holding("everything", lambda: literal(True))
    registry.register_panel("holdings test", 150, lambda report, viewer, keys, held: seen.append(
        (held.holds("odd_reference"), held.holds("everything"), held.holds("nobody_registered"))))
    try:
        assert staff.get(f"/review/cases/{reference}").status_code == 200
        with pytest.raises(ValueError):
            registry.register_holding("everything", lambda: literal(False))
    finally:
        registry.unregister_panel("holdings test")
        registry.unregister_holding("odd_reference")
        registry.unregister_holding("everything")
    # Not held, held, and a kind nobody registered counts as held (the panel asks as before).
    assert seen == [(False, True, True)]
    assert staff.get(f"/review/cases/{reference}").status_code == 200


SENTENCES = [
    (EventKind.STATUS, dict(action="changed", before="new", after="in_triage"), "Status changed from New to In triage"),
    (EventKind.STATUS, dict(action="changed", before="new", after="closed", reason="duplicate"),
     "Status changed from New to Closed (Duplicate of another case)"),
    (EventKind.NOTE, dict(action=""), "Note"),
    (EventKind.NOTE, dict(action="handover"), "Note from the reporting centre"),
    (EventKind.NOTE, dict(action="new_code_asked"), "A new receipt code was asked for; it waits for a second key holder"),
    (EventKind.ASSIGNMENT, dict(action="assigned", ref="7"), "Assigned to Ann"),
    (EventKind.ASSIGNMENT, dict(action="assigned", ref="8"), "Assigned to someone"),
    (EventKind.ASSIGNMENT, dict(action="unassigned"), "Unassigned"),
    (EventKind.PRIORITY, dict(action="set", after="high"), "Priority set to High"),
    (EventKind.FLAGS, dict(action="changed"), "Risk flags changed"),
    (EventKind.LINK, dict(action="duplicate", ref="HC-ABC"), "Marked as a duplicate of HC-ABC"),
    (EventKind.LINK, dict(action="related", ref="HC-ABC"), "Linked as related to HC-ABC"),
    (EventKind.UNLINK, dict(action="removed", ref="HC-ABC"), "Link to HC-ABC removed"),
    (EventKind.REFERRAL, dict(action="sent", after="intelligence"),
     "Referral sent to the police: Intelligence only, without identifying details"),
    (EventKind.REFERRAL, dict(action="override_requested", reason="child_at_risk"),
     "Safeguarding override asked for: A child is at risk"),
    (EventKind.REFERRAL, dict(action="outcome", after="crime_recorded", ref="CR1"),
     "The police recorded an outcome: Crime recorded (crime reference CR1)"),
    (EventKind.REFERRAL, dict(action="answer_to_police"), "The Group answered the police"),
    (EventKind.MEETING, dict(action="heard", ref="7"), "Heard at meeting 7"),
    (EventKind.MEETING, dict(action="action_opened", ref="3"), "Action opened for Victim Support"),
    (EventKind.MEETING, dict(action="action_done", ref="4"), "a partner agency marked an action done"),
    (EventKind.HOLD, dict(action="placed"), "Legal hold placed"),
    (EventKind.HOLD, dict(action="lifted"), "Legal hold lifted"),
    (EventKind.RETENTION, dict(action="destroyed", after="spam"),
     "Content destroyed under the rule: spam or misuse, a set time after closure"),
    (EventKind.RETENTION, dict(action="destroyed", after="erasure", reason="sent_by_mistake"),
     "Content destroyed under the rule: erased on request (Sent by mistake)"),
]


@pytest.mark.parametrize(("kind", "columns", "words"), SENTENCES)
def test_every_kind_has_its_sentences_from_its_feature(app, kind, columns, words):
    people = {"7": "Ann", "agency:3": "Victim Support"}
    with app.test_request_context():
        assert casefile.event_text(CaseEvent(kind=kind.value, **columns), people) == words


def test_a_kind_no_feature_registered_is_named(app):
    registry = casefile.registry(app)
    with app.test_request_context():
        registry.unregister_sentences(EventKind.HOLD.value)
        assert casefile.event_text(CaseEvent(kind="hold", action="placed")) == "Legal hold"


def test_the_flagged_filter_is_the_meetings_own():
    from reporting.meetings.casefile import flagged_condition

    assert flagged_condition is not None


def test_the_case_page_imports_none_of_the_features_that_plug_into_it():
    graph = import_graph(PACKAGE)
    barred = ("reporting.meetings", "reporting.referrals", "reporting.status")
    found = sorted(f"{module} imports {target}" for module, targets in graph.items() if module.startswith("reporting.cases")
                   for target in targets if target.startswith(barred))
    assert found == []
    assert not any(target.startswith("reporting.") and target.split(".")[1] in (
        "cases", "meetings", "referrals", "status", "retention", "evidence", "labels")
        for target in graph["reporting.casefile"])
