"""Every string a person reads goes through Flask-Babel (docs/design.md, promise 7: every string translatable)."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from reporting import ROOT

JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
# Text that needs no translation: punctuation, numbers, separators.
NEUTRAL = re.compile(r"^[\s\W\d_]*$")


class TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg"):
            self.skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value and not NEUTRAL.match(value):
                self.texts.append(f"{name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and not NEUTRAL.match(data):
            self.texts.append(data.strip())


def test_templates_have_no_text_outside_gettext():
    untranslated = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        parser = TextNodes()
        parser.feed(JINJA.sub(" ", path.read_text(encoding="utf-8")))
        if parser.texts:
            untranslated[str(path.relative_to(ROOT))] = parser.texts
    assert untranslated == {}


def test_babel_extracts_the_catalogue(tmp_path: Path):
    out = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
         "-o", str(out), str(ROOT)],
        check=True, capture_output=True, cwd=ROOT,
    )
    catalogue = out.read_text(encoding="utf-8")
    assert catalogue.count("msgid ") > 500
    for phrase in ("Report a hate incident", "Check your answers before sending your report", "Exit this page"):
        assert f'msgid "{phrase}"' in catalogue
