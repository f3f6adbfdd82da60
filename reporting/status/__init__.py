"""The reporter's side after sending ("/status"): progress, messages, more information, evidence."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug the messages with the reporter into the case file (reporting/casefile.py): a panel
    beside the report and entries on the timeline."""
    from reporting.casefile import registry
    from reporting.status.casefile import register

    register(registry(app))
