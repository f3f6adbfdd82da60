"""Retention: the rules, the destroying run, legal holds, erasure and subject access export."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug legal holds and destroyed content into the case file (reporting/casefile.py):
    their timeline sentences."""
    from reporting.casefile import registry
    from reporting.retention.casefile import register

    register(registry(app))
