"""The journey's next and back, as pure functions: every channel's steps, steps that
apply only to some answers, follow-up steps and coming back from "check your answers"."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from reporting.journey import navigation
from reporting.journey.navigation import CHECK, FILES, MORE, START, Place
from reporting.reports import questions

PUBLIC = questions.STEPS
ASSISTED = tuple(step for step in questions.ASSISTED_STEPS if not step.needs_files)
PHONE = tuple(step for step in questions.PHONE_STEPS if not step.needs_files)
CHANNELS = {"public": PUBLIC, "assisted": ASSISTED, "phone": PHONE}

# A witness who says no to the police: no police details, no contact.
PLAIN: dict[str, Any] = {"reporter_type": "witness", "police_consent": "no", "area": "ludlow"}
# "Pass it on with my details" and no contact details yet: police-details is asked.
WITH_DETAILS: dict[str, Any] = {**PLAIN, "police_consent": "with_details"}


def step(steps: tuple[questions.Step, ...], name: str) -> questions.Step:
    return next(candidate for candidate in steps if candidate.name == name)


def at(name: str, *, change: bool = False) -> Place:
    return Place("step", name, change)


# (channel, answers, current step, next in turn)
NEXT = [
    ("public", PLAIN, "who", at("what")),
    ("public", PLAIN, "description", at("police")),
    ("public", PLAIN, "police", CHECK),
    ("public", WITH_DETAILS, "police", at("police-details")),
    ("public", WITH_DETAILS, "police-details", CHECK),
    ("public", {**WITH_DETAILS, "email": "a@example.com"}, "police", CHECK),
    ("assisted", PLAIN, "how-taken", at("consent")),
    ("assisted", PLAIN, "consent", at("who")),
    ("assisted", PLAIN, "police", at("staff-note")),
    ("assisted", WITH_DETAILS, "police", at("police-details")),
    ("assisted", PLAIN, "staff-note", at("receipt-word")),
    ("assisted", PLAIN, "receipt-word", CHECK),
    ("phone", PLAIN, "police", at("receipt-word")),
    ("phone", WITH_DETAILS, "police-details", at("receipt-word")),
    ("phone", PLAIN, "receipt-word", CHECK),
]


@pytest.mark.parametrize(("channel", "answers", "current", "expected"), NEXT)
def test_next_in_turn_skips_steps_that_do_not_apply(channel: str, answers: dict[str, Any], current: str, expected: Place) -> None:
    steps = CHANNELS[channel]
    assert navigation.next_in_turn(step(steps, current), answers, steps) == expected
    assert navigation.after_saving(
        step(steps, current), answers, set(), steps, changing=False, files_page=channel == "public", chose_more=False
    ) == expected


# (channel, answers, current step, back)
BACK = [
    ("public", PLAIN, "who", START),
    ("public", PLAIN, "what", at("who")),
    ("public", WITH_DETAILS, "police-details", at("police")),
    ("public", PLAIN, "impact", MORE),
    ("public", {**PLAIN, "contact_ok": "yes"}, "contact-how", at("contact")),
    ("assisted", PLAIN, "how-taken", START),
    ("assisted", PLAIN, "who", at("consent")),
    ("assisted", PLAIN, "staff-note", at("police")),
    ("assisted", WITH_DETAILS, "staff-note", at("police-details")),
    ("assisted", PLAIN, "receipt-word", at("staff-note")),
    ("phone", PLAIN, "receipt-word", at("police")),
]


@pytest.mark.parametrize(("channel", "answers", "current", "expected"), BACK)
def test_back(channel: str, answers: dict[str, Any], current: str, expected: Place) -> None:
    steps = CHANNELS[channel]
    assert navigation.back(step(steps, current), answers, steps, changing=False) == expected


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("current", ["who", "police", "impact", "contact-how"])
def test_back_from_a_change_is_the_check_page(channel: str, current: str) -> None:
    steps = CHANNELS[channel]
    assert navigation.back(step(steps, current), PLAIN, steps, changing=True) == CHECK


# (channel, answers, step not applying, where it sends instead)
INSTEAD = [
    ("public", PLAIN, "police-details", CHECK),
    ("assisted", PLAIN, "police-details", at("staff-note")),
    ("phone", PLAIN, "police-details", at("receipt-word")),
    ("public", {"reporter_type": "myself"}, "person-targeted", MORE),
    ("public", PLAIN, "contact-how", MORE),
    ("public", PLAIN, "online", MORE),
]


@pytest.mark.parametrize(("channel", "answers", "current", "expected"), INSTEAD)
def test_a_step_that_does_not_apply_sends_on(channel: str, answers: dict[str, Any], current: str, expected: Place) -> None:
    steps = CHANNELS[channel]
    assert not step(steps, current).applies(answers)
    assert navigation.instead_of(step(steps, current), answers, steps) == expected


# (channel, answers, current step, offers "tell us more")
OFFERS_MORE = [
    ("public", PLAIN, "who", False),
    ("public", PLAIN, "police", True),
    ("public", WITH_DETAILS, "police", True),
    ("public", WITH_DETAILS, "police-details", False),
    ("public", PLAIN, "impact", False),
    ("assisted", PLAIN, "police", False),
    ("assisted", PLAIN, "staff-note", True),
    ("assisted", PLAIN, "receipt-word", False),
    ("phone", PLAIN, "police", True),
]


@pytest.mark.parametrize(("channel", "answers", "current", "expected"), OFFERS_MORE)
def test_the_last_required_question_offers_more(channel: str, answers: dict[str, Any], current: str, expected: bool) -> None:
    steps = CHANNELS[channel]
    assert navigation.offers_more(step(steps, current), answers, steps, changing=False) is expected
    assert navigation.offers_more(step(steps, current), answers, steps, changing=True) is False


@pytest.mark.parametrize(("channel", "expected"), [
    ("public", at("police")), ("assisted", at("staff-note")), ("phone", at("police")),
])
def test_back_from_more_is_the_last_required_question(channel: str, expected: Place) -> None:
    assert navigation.back_from_more(PLAIN, CHANNELS[channel]) == expected


def _after(channel: str, current: str, answers: dict[str, Any], **kwargs: Any) -> Place:
    steps = CHANNELS[channel]
    options: dict[str, Any] = {"changing": False, "files_page": channel == "public", "chose_more": False,
                               "visited": set()}
    options.update(kwargs)
    visited = options.pop("visited")
    return navigation.after_saving(step(steps, current), answers, visited, steps, **options)


def test_after_an_optional_step_more() -> None:
    assert _after("public", "impact", PLAIN) == MORE
    assert _after("assisted", "impact", PLAIN) == MORE


def test_choosing_more_on_the_last_required_question() -> None:
    assert _after("public", "police", PLAIN, chose_more=True) == MORE
    assert _after("assisted", "staff-note", PLAIN, chose_more=True) == MORE


def test_a_follow_up_comes_straight_after_and_keeps_the_change() -> None:
    agreed = {**PLAIN, "contact_ok": "yes"}
    assert _after("public", "contact", agreed) == at("contact-how")
    assert _after("public", "contact", agreed, changing=True) == at("contact-how", change=True)
    assert _after("public", "contact", PLAIN) == MORE


def test_files_page_only_where_the_journey_takes_files() -> None:
    with_files = {**PLAIN, "has_files": "yes"}
    assert _after("public", "evidence-files", with_files) == FILES
    assert _after("public", "evidence-files", with_files, files_page=False) == MORE
    assert _after("public", "evidence-files", {**PLAIN, "has_files": "no"}) == MORE


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_change_goes_to_the_first_missing_answer(channel: str) -> None:
    steps = CHANNELS[channel]
    first = steps[0].name
    assert _after(channel, "description", PLAIN, changing=True, visited=set()) == at(first, change=True)


def test_a_change_with_nothing_missing_goes_back_to_check(app: Flask) -> None:
    answers = {
        "reporter_type": "witness", "incident_types": ["graffiti"], "motivations": ["not_sure"],
        "incident_date": {"month": "10", "year": "2024"}, "area": "ludlow",
        "description": "Graffiti on a bus shelter.", "police_consent": "no",
    }
    visited = {step.name for step in PUBLIC if step.required}
    with app.app_context():
        assert questions.first_unanswered(answers, visited, PUBLIC) is None
        assert _after("public", "description", answers, changing=True, visited=visited) == CHECK
        # A required step now asked (the answer to the police changed) is the next page.
        changed = {**answers, "police_consent": "with_details"}
        assert _after("public", "police", changed, changing=True, visited=visited) == at("police-details", change=True)
