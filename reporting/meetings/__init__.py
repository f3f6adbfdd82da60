"""The Hate Crime Reporting Group's meetings, partner agencies and their actions."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug the meetings into the case file (reporting/casefile.py): their panel, timeline
    sentences and the queue's flagged filter."""
    from reporting.casefile import registry
    from reporting.meetings.casefile import register

    register(registry(app))
