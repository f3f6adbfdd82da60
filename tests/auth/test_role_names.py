"""Issue 10: roles are named only through `Role`, in code and in templates."""
from __future__ import annotations

import ast
import re

from reporting import ROOT
from reporting.auth.models import Role
from tests.helpers import sign_in

ROLE_VALUES = {role.value for role in Role}
# Only the enum itself (and the database constraint beside it) spells the values out.
DEFINED_IN = "reporting/auth/models.py"
TEMPLATE_COMPARISON = re.compile(r"\.role\s*(?:==|!=|in|not in)\s*\(?\s*['\"]")


def _role_literals(tree: ast.AST) -> list[int]:
    """Lines where a role is compared with, or passed to roles(), as a bare string."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            values = [node.left, *node.comparators]
            for value in values:
                items = value.elts if isinstance(value, (ast.Tuple, ast.List, ast.Set)) else [value]
                if any(isinstance(item, ast.Constant) and item.value in ROLE_VALUES for item in items):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "roles":
            if any(isinstance(arg, ast.Constant) and arg.value in ROLE_VALUES for arg in node.args):
                lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            # A mapping keyed by roles (one key named "police" is a section or a key purpose).
            # A table of many other names that happens to hold "police" and "agency" (audit
            # detail words) is not keyed by role: most of a role-keyed mapping's keys are roles.
            keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
            if len(keys & ROLE_VALUES) >= 2 and 2 * len(keys & ROLE_VALUES) >= len(keys):
                lines.append(node.lineno)
    return lines


def test_no_role_is_spelled_out_in_the_code():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "reporting").rglob("*.py"))
        if str(path.relative_to(ROOT)) != DEFINED_IN
        for line in _role_literals(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_no_template_compares_a_role_with_a_string():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_COMPARISON.search(line)
    ]
    assert found == []


def test_the_checks_catch_a_spelled_out_role():
    code = 'police = roles("police")\nif user.role in ("admin", x): pass\nKEYS = {"reviewer": 1, "police": 2}\n'
    assert _role_literals(ast.parse(code)) == [1, 2, 3]
    assert TEMPLATE_COMPARISON.search('{%- if current_user.role == "analyst" %}')
    assert not TEMPLATE_COMPARISON.search("{%- if current_user.role == Role.ANALYST %}")


def test_each_role_sees_its_own_menu(app, client, make_user):
    """The staff menu compares roles through the Role template global."""
    menus = {
        "reviewer": ("Case queue", "Statistics"),
        "police": ("Referrals", "Quarterly extracts"),
        "analyst": ("Statistics",),
        "admin": ("Administration", "Statistics"),
        "centre_staff": ("Assisted reporting",),
    }
    for role, expected in menus.items():
        person = make_user(role, centre="menu-test" if role == "centre_staff" else None)
        browser = app.test_client()
        sign_in(browser, app, person.email)
        page = browser.get("/staff/", follow_redirects=True).get_data(as_text=True)
        for label in expected:
            assert label in page, (role, label)
        if role != "reviewer":
            assert "Case queue" not in page, role
