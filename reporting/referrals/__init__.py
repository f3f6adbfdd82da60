"""Referral to West Mercia Police ("/police/" and the referral service)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug police referrals into the case file (reporting/casefile.py): their panel, timeline
    sentences and the queue's warning."""
    from reporting.casefile import registry
    from reporting.referrals.casefile import register

    register(registry(app))
