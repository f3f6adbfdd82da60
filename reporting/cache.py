"""What a process keeps between requests: one place, one rule.

A value is kept with the version of the data it was made from, a version the database moves
by itself whenever that data changes, and is used only while the version read now is the same.
Every process and host sees a change at its next read of the version; no code path has to
remember to invalidate anything. The kinds kept, each with its one invalidation point:

- the answer lists (``choices``, reporting/reports/questions.py): ``choice_lists_version``,
  moved by triggers on any change to ``choices`` (migration 0025) or ``centres`` (0042);
- what the statistics page makes of a month (reporting/stats/cache.py): the month's
  ``stats_months.computed_at`` stamp, new whenever the month is grouped again; a month is
  forgotten when a look finds new rows of it, or by triggers when a row it counts is
  deleted (migration 0034).
- open data's final cohort of a quarter (reporting/stats/cache.py ``final_cohort``): with the
  stamps of the quarter's months, as above;
- the queue's and case page's words for codes (reporting/cases/views.py ``_labels``): per
  language, with ``choice_lists_version``;
- the queue's filter form as HTML (``_filters``): per language, address root and query string,
  with ``choice_lists_version``, which the centres' triggers move too (migration 0042);
- the case page's forms as first shown, as HTML (``_fresh_fields``): per language and what
  they show of the case (clear columns), with the active reviewers as they are now (read each
  request) as the version. The CSRF token is never kept;
- the case page's risk flags form with nothing ticked (``_flags_fields``): per language (its
  version is fixed). The flags are sealed: a case's own are ticked on it for its page, never kept;
- the case page's support form as first shown, as HTML (reporting/support/casefile.py): per
  language and the answers it shows (the key is all it is made from; its version is fixed).

Other pages, forms and words are not kept: they are made afresh on every request.
"""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

LIMIT = 5000  # values kept at most; past it the process starts again from nothing

_kept: dict[Hashable, tuple[Hashable, Any]] = {}


def get(key: Hashable, version: Hashable | None) -> Any | None:
    """The value kept for ``key`` if it was made at ``version``; else None."""
    if version is None:
        return None
    found = _kept.get(key)
    return found[1] if found is not None and found[0] == version else None


def keep(key: Hashable, version: Hashable | None, value: Any) -> None:
    """Keep ``value`` for ``key``, made from the data at ``version`` (None: not kept)."""
    if version is None:
        return
    if len(_kept) >= LIMIT and key not in _kept:
        _kept.clear()
    _kept[key] = (version, value)


def clear() -> None:
    """Forget everything kept (tests; never needed for correctness)."""
    _kept.clear()
