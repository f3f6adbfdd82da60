"""Issue 10: the domain core imports nothing above it and nothing request-bound.

``reporting.reports`` holds the models, the questions (as data) and the services
that submit and open reports. Where it must call out after a report is sent,
the journey passes a hook (``after_submit``); it never imports the journey.
"""
from __future__ import annotations

import ast
from pathlib import Path

import reporting

CORE = Path(reporting.__file__).parent / "reports"
# Packages above the core: features, trust zones and the journey that drives it.
HIGHER = ("evidence", "status", "cases", "centres", "public", "referrals", "admin", "journey", "auth", "support")
REQUEST_BOUND = {"request", "session", "flash", "g", "current_app", "current_user", "render_template", "url_for"}


def imports(path: Path) -> list[tuple[str, set[str]]]:
    """(module, names) for every import in a file, wherever it is (functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, {alias.name for alias in node.names}))
        elif isinstance(node, ast.Import):
            found += [(alias.name, set()) for alias in node.names]
    return found


def core_files() -> list[Path]:
    files = sorted(CORE.glob("*.py"))
    assert len(files) >= 4, files  # models, questions, services, demo: the walk is not empty
    return files


def test_the_core_imports_no_higher_package():
    wrong = [
        f"{path.name}: {module}"
        for path in core_files()
        for module, _names in imports(path)
        if module.startswith("reporting.") and module.split(".")[1] in HIGHER
    ]
    assert wrong == []


def test_the_core_uses_nothing_request_bound():
    wrong = [
        f"{path.name}: {module} {sorted(names & REQUEST_BOUND)}"
        for path in core_files()
        for module, names in imports(path)
        if module in ("flask", "flask_login") and names & REQUEST_BOUND
    ]
    assert wrong == []


def test_the_check_would_catch_an_upward_import(tmp_path):
    """The walk above is not a formality: a file like this one is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\nfrom reporting.status import services\n", encoding="utf-8")
    found = imports(bad)
    assert ("reporting.status", {"services"}) in found
    assert any(module == "flask" and names & REQUEST_BOUND for module, names in found)


def test_demo_reports_are_made_without_a_request(app, keys):
    """Checking stored answers builds no form, so `flask demo` needs no request context."""
    from flask import has_request_context

    from reporting import crypto
    from reporting.extensions import db
    from reporting.reports import demo

    with app.app_context():
        assert not has_request_context()
        sent = demo.load_demo_reports(crypto.KdfParams.decode(app.config["RECEIPT_KDF"]), 6)
        db.session.commit()
    assert len(sent) == len(demo.SAMPLES)
