"""Destroyers: each package that keeps sealed content about a report registers one.

A destroyer removes (or blanks) every sealed thing its package holds for one report and
returns how many items it destroyed. The retention run and erasure call every one inside
the report's own transaction, so a report is either whole or destroyed, never half.
This module imports nothing above the core, so any package (meetings, say) can register.
"""
from __future__ import annotations

from collections.abc import Callable

from reporting.reports.models import Report

Destroyer = Callable[[Report], int]
_DESTROYERS: dict[str, Destroyer] = {}


def register_destroyer(name: str, destroyer: Destroyer) -> None:
    """Add (or replace, by name, so a re-import is harmless) a package's destroyer."""
    _DESTROYERS[name] = destroyer


def destroyers() -> dict[str, Destroyer]:
    return dict(_DESTROYERS)
