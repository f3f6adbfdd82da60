"""Issue 28, item 3: the audit log reads as words.

It showed ``stats.export``, "Open data: False", "Kind: victim_support" and "Active: True".
Every action the code records has a label, and coded details (booleans, an agency's kind,
the statistics' filters) are shown as words.
"""
from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from reporting import audit, labels
from reporting.extensions import db
from tests.test_labels import visible_text

PACKAGE = Path(labels.__file__).parent


def recorded_actions() -> dict[str, str]:
    """Every action name the package records (string literals, both sides of an ``if``
    expression, module constants), with the file that records it."""
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if name != "record" or owner not in ("audit", ""):
                continue
            first = node.args[0]
            values = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = str(path.relative_to(PACKAGE))
                elif isinstance(value, ast.Name) and value.id in constants:
                    found[constants[value.id]] = str(path.relative_to(PACKAGE))
    return found


def test_every_action_the_code_records_has_words() -> None:
    actions = recorded_actions()
    assert "stats.export" in actions and "signin.delayed" in actions  # the scan finds them
    missing = {action: where for action, where in actions.items() if action not in labels.AUDIT_ACTION}
    assert not missing, f"audit actions without a label in reporting/labels.py AUDIT_ACTION: {missing}"


def test_the_log_shows_exports_and_agencies_in_words(app, admin_client):  # type: ignore[no-untyped-def]
    staff, admin = admin_client
    with app.app_context():
        audit.record("stats.export", "stats", actor="cli", format="xlsx", open_data=False, via="cli",
                     **{"from": "2026-01", "to": "2026-12", "area": "ludlow", "strand": "race"})
        audit.record("agency.save", "agency:3", actor="cli", kind="victim_support", active=True)
        audit.record("stats.police_extract.prepare", "police_extract:1", actor="system", quarter="2026-07", rows=4)
        db.session.commit()
    page = staff.get("/admin/audit").get_data(as_text=True)
    text = visible_text(page)
    words = re.sub(r"\s+", " ", html.unescape(text))
    for shown in ("Downloaded statistics", "The statistics", "Open data: No", "File type: Excel (XLSX)",
                  "From: January 2026", "To: December 2026", "Area: Ludlow", "Kind: Victim support",
                  "Active: Yes", "Prepared the police's quarterly extract", "Police extract 1", "Quarter: July 2026"):
        assert shown in words, shown
    for code in ("stats.export", "victim_support", "True", "False", "ludlow", "police_extract"):
        assert not re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text), code
