"""One way to keep data between requests (reporting/cache.py), and no other.

The kinds it keeps each have a test that a change shows on the next request:
the answer lists in tests/cases/test_queue_waiting.py (an edited list, in the queue's words,
its filter and the case page), the statistics' months in tests/stats (new reports, case
events, links, deletions by any path), the queue's filter form in
tests/cases/test_queue_filters_follow.py (a new or renamed centre, the language), the case
page's forms in tests/cases/test_case_forms_follow.py (a new reviewer, the case's own state)."""
from __future__ import annotations

import ast
from pathlib import Path

from reporting import cache

ROOT = Path(__file__).resolve().parent.parent / "reporting"

# Memos of values that cannot change while the app runs (built from constant inputs, not data).
PURE_MEMOS = {
    ("cases/queries.py", "_condition"),  # SQL statements of the queue's filters, built once each
    ("cases/queries.py", "_counts_statement"),
    ("cases/queries.py", "_page_statement"),
    ("cases/queries.py", "_walk_statements"),
    ("cases/queries.py", "_centre_names"),
    ("cases/queries.py", "_duplicates_near"),  # the possible-duplicates statement per anchor and strand count
    ("cases/queries.py", "_lines_with"),  # the queue lines' statement with the registered tags' columns
    ("crypto/sealing.py", "hybrid_available"),  # what the installed cryptography can do
    ("reports/questions.py", "field_specs"),  # a form class's fields
}


def _memo_decorated() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                    if name in {"lru_cache", "cache", "cached_property", "memoize", "cached"}:
                        found.add((path.relative_to(ROOT).as_posix(), node.name))
    return found


def test_nothing_keeps_data_but_reporting_cache():
    assert _memo_decorated() <= PURE_MEMOS


def test_a_value_is_used_only_at_the_version_it_was_made_from():
    cache.clear()
    cache.keep("kind", 1, "made at 1")
    assert cache.get("kind", 1) == "made at 1"
    assert cache.get("kind", 2) is None  # the data moved on: made again
    cache.keep("kind", 2, "made at 2")
    assert cache.get("kind", 1) is None
    cache.keep("unversioned", None, "x")
    assert cache.get("unversioned", None) is None
    cache.clear()
