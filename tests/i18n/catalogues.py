"""The shipped catalogues, compiled for tests the way `make translations` compiles them,
and what a page says that a person reads (for the gap test)."""
from __future__ import annotations

import re
import subprocess
import sys
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from reporting import ROOT

TRANSLATIONS = ROOT / "reporting" / "i18n" / "translations"
# The translations shipped (each a messages.po), and Easy Read's own wording.
TRANSLATED = ("pl", "ro", "lt", "uk", "ar")
EASY_READ_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "easy.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w+\}")


def catalogue_paths() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po"))


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def compile_catalogues() -> None:
    """Write each .mo beside its .po when missing or older (`make test` does the same with pybabel)."""
    for po in catalogue_paths():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalogue = read_catalogue(po)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue)


@lru_cache(maxsize=1)
def english_messages() -> tuple[str, ...]:
    """Every English message id in the code and templates now (a fresh extraction, not the .po files)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "messages.pot"
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
             "-o", str(out), str(ROOT)],
            check=True, capture_output=True, cwd=ROOT,
        )
        catalogue = read_catalogue(out)
    ids: list[str] = []
    for message in catalogue:
        if not message.id:
            continue
        ids.extend(message.id if isinstance(message.id, tuple) else [message.id])
    return tuple(ids)


class ReadableText(HTMLParser):
    """The text a person reads or hears on a page, leaving out parts marked as another language.

    Parts with their own ``lang`` (language names in the switch, what a centre
    typed in English) are names or data, not the service's own words.
    """

    SKIP = ("script", "style", "svg")
    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
    ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")

    def __init__(self, page_lang: str) -> None:
        super().__init__()
        self.page_lang = page_lang
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            return
        lang = values.get("lang")
        skipped = tag in self.SKIP or (lang is not None and lang != self.page_lang)
        if not self._skipping() and not skipped:
            for name, value in attrs:
                if value and (name in self.ATTRIBUTES or name.startswith("data-i18n")):
                    self.texts.append(value)
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and tag != "html" and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(data)


def readable_text(html: str, page_lang: str) -> str:
    parser = ReadableText(page_lang)
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.texts))


@lru_cache(maxsize=None)
def kept_as_is(code: str) -> frozenset[str]:
    """Message ids a translator deliberately left as they are (names, a postal address, "Menu" in Polish)."""
    path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    return frozenset(m.id for m in read_catalogue(path) if isinstance(m.id, str) and m.string == m.id) if path.exists() else frozenset()


@lru_cache(maxsize=1)
def _english_parts() -> tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...]], ...]:
    """Each English message with the parts worth looking for (its fixed parts around
    placeholders), each part's pattern compiled once for the whole run."""
    messages = []
    for message in english_messages():
        parts = []
        for part in PLACEHOLDER.split(message):
            part = part.strip(" .,:;!?()–-")
            # Too short to tell English from a name or a number ("or", "Day", "1").
            if len(part) < 4 or not re.search(r"[A-Za-z]{3}", part):
                continue
            parts.append((part, re.compile(r"(?<![\w])" + re.escape(part) + r"(?![\w])")))
        messages.append((message, tuple(parts)))
    return tuple(messages)


def english_left(text: str, names: tuple[str, ...], kept: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """The English message ids (or their fixed parts around placeholders) found in ``text``."""
    for name in names:
        text = text.replace(name, " ")
    # Printed addresses (a poster's link to /report/) are not English prose.
    text = re.sub(r"https?://\S+|[\w.-]+\.[a-z]{2,}/\S*", " ", text)
    found = set()
    for message, parts in _english_parts():
        if message in kept:
            continue
        for part, pattern in parts:
            # A plain substring test first: the whole-word pattern only runs where it can match.
            if part in text and part not in kept and pattern.search(text):
                found.add(part)
    return sorted(found)
