"""Sending a finished draft: one service for every journey. Flushes, never commits."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reporting import crypto
from reporting.evidence import services as evidence_services
from reporting.reports import questions
from reporting.reports import services as report_services
from reporting.reports.models import Channel, Report
from reporting.settings import Settings

# Called in the same transaction once the report is sealed, with the answers of
# staff-only steps (for example a centre's note to the Group, sealed to the group key).
AfterSubmit = Callable[[Report, dict[str, Any]], None]


@dataclass(frozen=True)
class SubmitSettings:
    receipt_kdf: crypto.KdfParams
    retention_years: int
    sent_minutes: int
    # Keys the word that guards a code staff saw (reporting.settings: derived from the secret key).
    receipt_word_key: bytes | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SubmitSettings:
        """From the settings built once in create_app (the word's key is derived there)."""
        return cls(
            receipt_kdf=settings.receipt_kdf,
            retention_years=settings.retention_years,
            sent_minutes=settings.sent_draft_minutes,
            receipt_word_key=settings.receipt_word_key,
        )


def channel_for(journey_channel: Channel, centre_id: int | None) -> Channel:
    """An online report started from a centre's poster or card is counted as such."""
    if journey_channel == Channel.ONLINE and centre_id:
        return Channel.CENTRE_LINK
    return journey_channel


def staff_only_answers(state: report_services.DraftState, steps: Sequence[questions.Step]) -> dict[str, Any]:
    return {
        key: value
        for step in steps
        if step.staff_only
        for key, value in questions.step_answers(step, state.answers).items()
    }


def submit_draft(
    state: report_services.DraftState,
    *,
    journey_channel: Channel,
    steps: Sequence[questions.Step],
    now: datetime,
    settings: SubmitSettings,
    after_submit: AfterSubmit | None = None,
) -> tuple[Report, crypto.Receipt]:
    """Seal a finished draft into a report, move its files, then call ``after_submit``.

    Raises what ``submit_report`` raises (IncompleteReportError, AlreadySentError,
    KeysNotInitialisedError); the caller commits or rolls back.
    """
    centre_id = state.meta.get("centre_id")
    # Read before anything is written, so the write transaction (on SQLite, the one
    # writer's lock) lasts only as long as the writes.
    files = evidence_services.list_draft_files(state)
    report, receipt = report_services.submit_report(
        state,
        steps=steps,
        channel=channel_for(journey_channel, centre_id),
        centre_id=centre_id,
        now=now,
        receipt_kdf=settings.receipt_kdf,
        retention_years=settings.retention_years,
        sent_minutes=settings.sent_minutes,
        receipt_word_key=settings.receipt_word_key,
    )
    # The draft's files become the report's evidence in the same transaction.
    evidence_services.move_draft_files(state, report, files)
    if after_submit is not None:
        after_submit(report, staff_only_answers(state, steps))
    return report, receipt


# The check page's copy ---------------------------------------------------------------
# What the check page showed, kept (sealed under the draft key) in the page's own form:
# see reports.services.check_page_copy. Plain data, so it renders without the database.

def page_copy(cards: Sequence[questions.Card], file_names: Sequence[str] | None) -> dict[str, Any]:
    """The check page's cards (labels already in words) and file names as plain data."""
    return {
        "cards": [
            {
                "key": card.key,
                "title": str(card.title),
                "rows": [_row_copy(row) for row in card.rows],
                "not_answered": [_row_copy(row) for row in card.not_answered],
            }
            for card in cards
        ],
        "files": None if file_names is None else list(file_names),
    }


def _row_copy(row: questions.CardRow) -> dict[str, Any]:
    return {"step": row.step, "key": row.key, "label": str(row.label), "lines": [str(line) for line in row.lines]}


def cards_from_copy(page: dict[str, Any]) -> list[questions.Card]:
    """The cards of :func:`page_copy`; ValueError if the copy is not of that shape."""
    try:
        return [
            questions.Card(
                str(card["key"]), str(card["title"]),
                [questions.CardRow(**row) for row in card["rows"]],
                [questions.CardRow(**row) for row in card["not_answered"]],
            )
            for card in page["cards"]
        ]
    except (KeyError, TypeError) as error:
        raise ValueError("not a check page copy") from error
