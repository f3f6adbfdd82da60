"""Compiled catalogues for the i18n tests (`make test` compiles them too)."""
from __future__ import annotations

import pytest

from tests.i18n.catalogues import compile_catalogues


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    compile_catalogues()
