"""STYLE: mypy strict on the crypto package and every service module."""
from __future__ import annotations

import subprocess
import sys

from reporting import ROOT


def test_crypto_and_services_type_check_strictly(tmp_path):
    targets = ["reporting/crypto", "reporting/audit/__init__.py", "reporting/sessions.py", "reporting/settings.py"] + sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "reporting").glob("*/services.py")
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--ignore-missing-imports",
         "--cache-dir", str(tmp_path / "mypy"), *targets],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
