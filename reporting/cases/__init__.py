"""The Hate Crime Reporting Group's queue and case pages ("/review/")."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug the case's own timeline sentences into the case file (reporting/casefile.py)."""
    from reporting.casefile import registry
    from reporting.cases.casefile import register

    register(registry(app))
