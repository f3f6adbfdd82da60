"""Changes the statistics make: audit records of downloads (the police quarterly extract and
the force's matches back are in reporting/referrals/extract.py). Callers commit."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reporting import audit
from reporting.disclosure import gate


def record_export(actor: Any, *, fmt: str, open_data: bool, filters: Mapping[str, str], via: str = "web") -> None:
    """Audit a download of statistics: who, which export, which filters (codes only); and record
    it with the disclosure gate: open data for the public (fixed periods, suppressed), or exact
    figures for an analyst (marked not for publication)."""
    audit.record("stats.export", "stats", actor=actor, format=fmt, open_data=open_data, via=via, **dict(filters))
    if open_data:
        gate.record_disclosure(gate.Disclosed.OPEN_DATA, to=gate.Recipient.public(), target="stats", actor=actor,
                               rules=(gate.Rule.FIXED_PERIODS, gate.Rule.SUPPRESSION_APPLIED), format=fmt, via=via)
    else:
        gate.record_disclosure(gate.Disclosed.EXACT_EXPORT, to=gate.Recipient.analyst(), target="stats", actor=actor,
                               rules=gate.Rule.MARKED, format=fmt, via=via)
