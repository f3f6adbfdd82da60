"""Where the report journey goes next and back: pure functions of a journey's steps,
the answers so far and the current step.

Every journey (public, assisted at a centre, phone entry) walks its steps with these
rules; the view (reporting/journey/views.py) turns the ``Place`` they return into an
address. The required questions come in turn, skipping those that do not apply; the
optional ones are reached from "Would you like to tell us more?" (``MORE``); a step
may be followed straight away by another (``Step.follows``); someone changing an
answer from "Check your answers" goes back there once nothing required is missing.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reporting.reports import questions
from reporting.reports.questions import Step

Kind = Literal["step", "start", "more", "check", "files"]


@dataclass(frozen=True)
class Place:
    """A page of the journey: a question (``name``, asked again for a change when
    ``change``), the start, "tell us more", the check page or the files page."""

    kind: Kind
    name: str | None = None
    change: bool = False


START = Place("start")
MORE = Place("more")
CHECK = Place("check")
FILES = Place("files")


def at(step: Step, *, change: bool = False) -> Place:
    return Place("step", step.name, change)


def next_in_turn(current: Step, answers: Mapping[str, Any], steps: Sequence[Step]) -> Place:
    """The next required step that applies after ``current``, or the check page."""
    following = questions.step_after(current.name, answers, steps)
    return at(following) if following else CHECK


def instead_of(current: Step, answers: Mapping[str, Any], steps: Sequence[Step]) -> Place:
    """Where a step that does not apply to these answers sends the person instead."""
    return MORE if current.optional else next_in_turn(current, answers, steps)


def back(current: Step, answers: Mapping[str, Any], steps: Sequence[Step], *, changing: bool) -> Place:
    """The page the step's "Back" link goes to."""
    if changing:
        return CHECK
    if current.follows:
        return Place("step", current.follows)
    if current.optional:
        return MORE
    previous = questions.step_before(current.name, answers, steps)
    return at(previous) if previous else START


def offers_more(current: Step, answers: Mapping[str, Any], steps: Sequence[Step], *, changing: bool) -> bool:
    """Whether the step offers "tell us more" beside going on: the last required
    question before checking (not a settling question asked just before the check)."""
    if changing or current.optional or current.before_check:
        return False
    following = questions.step_after(current.name, answers, steps)
    return following is None or following.before_check


def after_saving(
    current: Step,
    answers: Mapping[str, Any],
    visited: set[str],
    steps: Sequence[Step],
    *,
    changing: bool,
    files_page: bool,
    chose_more: bool,
) -> Place:
    """Where a saved answer leads: the files page (someone with files to add, where the
    journey takes files), a follow-up step, the next missing answer or the check page
    (when changing), "tell us more" (from an optional step or when chosen), or the next
    required step in turn."""
    if current.needs_files and answers.get("has_files") == "yes" and files_page:
        return FILES
    following_up = questions.follow_up(current.name, answers, steps)
    if following_up is not None:
        return at(following_up, change=changing)
    if changing:
        missing = questions.first_unanswered(answers, visited, steps)
        return at(missing, change=True) if missing else CHECK
    if current.optional or chose_more:
        return MORE
    return next_in_turn(current, answers, steps)


def back_from_more(answers: Mapping[str, Any], steps: Sequence[Step]) -> Place:
    """The "Back" link of "tell us more": the last required question in turn."""
    last_required = [
        step for step in questions.applicable_steps(answers, steps) if not step.optional and not step.before_check
    ]
    return at(last_required[-1]) if last_required else START
