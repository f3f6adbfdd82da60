"""docs/operating.md, Deployment: the steps, followed literally on a clean machine, serve the site.

A fresh virtual environment gets the locked dependencies and the source tree exactly as
docs/operating.md says, then its release steps run and gunicorn (with the shipped
settings) serves pages. It downloads packages, so it runs with CI=true (or
REPORTING_TEST_INSTALL=1) and is skipped otherwise.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import CI
from tests.deploy.stack import ROOT, AppHost, free_port

pytestmark = pytest.mark.install


@pytest.mark.skipif(not (CI or os.environ.get("REPORTING_TEST_INSTALL") == "1"),
                    reason="installs from the package index: CI=true or REPORTING_TEST_INSTALL=1")
def test_the_readme_deployment_steps_serve_the_site(tmp_path: Path):
    venv = tmp_path / "venv"
    python = getattr(sys, "_base_executable", sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTING_", "VIRTUAL_ENV", "PYTHON"))}

    def run(*command: str | Path) -> None:
        subprocess.run([str(c) for c in command], check=True, cwd=ROOT, env=env, timeout=600)

    # docs/operating.md, Deployment, step 1: the virtual environment, the locked dependencies, the source tree.
    run(python, "-m", "venv", venv)
    run(venv / "bin/pip", "install", "--quiet", "--require-hashes", "-r", ROOT / "requirements/run.txt")
    run(venv / "bin/pip", "install", "--quiet", "--no-deps", "-e", ROOT)
    # No test tool came with it.
    listed = subprocess.run([venv / "bin/pip", "list"], capture_output=True, text=True, check=True).stdout
    assert "pytest" not in listed and "playwright" not in listed

    env.update({
        "REPORTING_ENV_NAME": "production",
        "REPORTING_SECRET_KEY": "install-test-" + "s" * 40,
        "REPORTING_PUBLIC_BASE_URL": "https://report.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'reporting.db'}",
        "REPORTING_INSTANCE_PATH": str(tmp_path / "instance"),
    })
    # The release steps.
    run(venv / "bin/flask", "--app", "reporting", "db", "upgrade")
    run(venv / "bin/flask", "--app", "reporting", "keys", "init")
    host = AppHost(free_port(), env, tmp_path / "gunicorn.log")
    host.command_prefix = [str(venv / "bin/gunicorn")]
    host.start()
    try:
        session = requests.Session()
        session.trust_env = False
        page = session.get(f"http://127.0.0.1:{host.port}/", headers={"X-Forwarded-Proto": "https"}, timeout=10)
        assert page.status_code == 200
        assert "Report" in page.text and "govuk-template" in page.text
    finally:
        host.stop()
