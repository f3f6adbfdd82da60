"""The protective marking carried by every exact figure and pack that leaves the Group.

Open data carries none: it is for publication. Everything else (exact exports, charts of
exact counts, meeting packs, police extracts) is marked on the page, in the PDF, in the
XLSX, in the CSV's first line and as a JSON field.
"""
from __future__ import annotations

MARKING = "OFFICIAL-SENSITIVE: not for publication"
JSON_FIELD = "protective_marking"


def csv_marking_line() -> list[str]:
    """The first row of a marked CSV: the marking alone, before the header row."""
    return [MARKING]
