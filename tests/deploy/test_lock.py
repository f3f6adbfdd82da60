"""The lock files `make` installs from agree with setup.cfg's ranges (run `make lock` after changing those)."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def declared(extra: str | None) -> list[Requirement]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    text = config["options"]["install_requires"]
    if extra:
        text += "\n" + config["options.extras_require"][extra]
    return [Requirement(line.strip()) for line in text.splitlines() if line.strip()]


def pinned(lock: str) -> dict[str, tuple[str, bool]]:
    """name -> (version, every pin carries a hash)."""
    text = (ROOT / "requirements" / lock).read_text()
    pins: dict[str, tuple[str, bool]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-\[\]]+)==([^\s\\;]+)", block)
        if match:
            name = canonicalize_name(match.group(1).split("[")[0])
            pins[name] = (match.group(2), "--hash=sha256:" in block)
    return pins


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("test.txt", "test")])
def test_every_declared_dependency_is_pinned_with_hashes_within_its_range(lock, extra):
    pins = pinned(lock)
    assert pins and all(hashed for _version, hashed in pins.values()), "every pin has a hash"
    for requirement in declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is missing from requirements/{lock}: run `make lock`"
        version, _hashed = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {name}=={version}, outside {requirement}: run `make lock`")


def test_running_needs_no_test_tools():
    run = pinned("run.txt")
    for tool in ("pytest", "hypothesis", "playwright", "mypy"):
        assert tool not in run
