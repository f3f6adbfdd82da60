"""Changes the statistics make: audit records of downloads. Callers commit."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reporting import audit


def record_export(actor: Any, *, fmt: str, open_data: bool, filters: Mapping[str, str], via: str = "web") -> None:
    """Audit a download of statistics: who, which export, which filters (codes only)."""
    audit.record("stats.export", "stats", actor=actor, format=fmt, open_data=open_data, via=via, **dict(filters))
