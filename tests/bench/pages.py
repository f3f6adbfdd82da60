"""Bytes of HTML + CSS + JS for a first visit (cold cache) to every public page."""
from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from tests.bench.common import (
    all_answers,
    BenchError,
    HTTP_TIMEOUT,
    check_submit,
    log,
    start_draft,
    walk_steps,
)

# Public pages: bytes of a first visit -------------------------------------------

FETCHED_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
                     "prefetch", "manifest", "mask-icon"}
HINT_LINK_RELS = {"preconnect", "dns-prefetch"}
CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]*)\1\s*\)")
CSS_IMPORT = re.compile(r"@import\s+(['\"])([^'\"]+)\1")
JS_IMPORT = re.compile(r"""(?:\bimport\s*(?:[\w*{}\s,]+\s*from\s*)?|\bimport\s*\()\s*['"]([^'"]+)['"]""")


class ResourceFinder(HTMLParser):
    """Every URL a browser would fetch for this document on a first visit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (kind, url)
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            if "stylesheet" in rels:
                self.found.append(("css", a["href"]))
            elif rels & HINT_LINK_RELS:
                self.found.append(("hint", a["href"]))
            elif rels & FETCHED_LINK_RELS:
                self.found.append(("js" if "modulepreload" in rels else "other", a["href"]))
        elif tag == "script" and a.get("src"):
            self.found.append(("js", a["src"]))
        elif tag in ("img", "source", "audio", "video", "track", "embed", "iframe", "input"):
            if a.get("src") and (tag != "input" or a.get("type") == "image"):
                self.found.append(("frame" if tag == "iframe" else "other", a["src"]))
            for candidate in (a.get("srcset") or "").split(","):
                if candidate.strip():
                    self.found.append(("other", candidate.strip().split()[0]))
            if a.get("poster"):
                self.found.append(("other", a["poster"]))
        elif tag == "object" and a.get("data"):
            self.found.append(("other", a["data"]))
        if a.get("style"):
            self.found.extend(("other", u) for _q, u in CSS_URL.findall(a["style"]))
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(("other", u) for _q, u in CSS_URL.findall(data))
            self.found.extend(("css", u) for _q, u in CSS_IMPORT.findall(data))


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@dataclass
class PageMeter:
    base: str
    external: list[dict[str, str]] = field(default_factory=list)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache: dict[str, bytes] = field(default_factory=dict)

    def _same_origin(self, url: str) -> bool:
        parts, own = urlsplit(url), urlsplit(self.base)
        return (parts.scheme, parts.netloc) == (own.scheme, own.netloc)

    def _fetch(self, url: str) -> bytes:
        if url not in self.cache:
            response = requests.get(url, timeout=HTTP_TIMEOUT)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
            self.cache[url] = response.content
        return self.cache[url]

    def measure(self, key: str, html: bytes, page_url: str) -> None:
        """Count the page and everything it pulls in, each resource once (a cold cache)."""
        raw = {"html": len(html), "css": 0, "js": 0, "other": 0}
        zipped = {"html": gz(html), "css": 0, "js": 0, "other": 0}
        resources: list[str] = []
        seen: set[str] = set()
        finder = ResourceFinder()
        finder.feed(html.decode("utf-8", errors="replace"))
        queue: list[tuple[str, str, str]] = [(kind, ref, page_url) for kind, ref in finder.found]
        for _ in range(200):  # bounded walk through CSS url()/@import and JS imports
            if not queue:
                break
            kind, ref, parent = queue.pop(0)
            ref = ref.strip()
            if not ref or ref.startswith(("data:", "#", "about:", "blob:")):
                continue
            url = urljoin(parent, ref).split("#", 1)[0]
            if not self._same_origin(url):
                self.external.append({"page": key, "url": url, "kind": kind})
                continue
            if kind == "hint" or url in seen:
                continue
            seen.add(url)
            body = self._fetch(url)
            bucket = kind if kind in ("css", "js") else "other"
            raw[bucket] += len(body)
            zipped[bucket] += gz(body)
            resources.append(urlsplit(url).path)
            text = body.decode("utf-8", errors="replace")
            if kind == "css":
                queue.extend(("css", u, url) for _q, u in CSS_IMPORT.findall(text))
                queue.extend(("other", u, url) for _q, u in CSS_URL.findall(text))
            elif kind == "js":
                queue.extend(("js", u, url) for u in JS_IMPORT.findall(text) if u.startswith((".", "/", "http")))
        self.pages[key] = {
            "raw": raw["html"] + raw["css"] + raw["js"],
            "gzip": zipped["html"] + zipped["css"] + zipped["js"],
            "html": {"raw": raw["html"], "gzip": zipped["html"]},
            "css": {"raw": raw["css"], "gzip": zipped["css"]},
            "js": {"raw": raw["js"], "gzip": zipped["js"]},
            "other_assets": {"raw": raw["other"], "gzip": zipped["other"]},
            "resources": resources,
        }

    def get(self, session: requests.Session, path: str, key: str | None = None, expect: int = 200) -> str:
        response = session.get(self.base + path, timeout=HTTP_TIMEOUT, allow_redirects=False)
        if response.status_code != expect:
            raise BenchError(f"GET {path} answered {response.status_code}, expected {expect}")
        self.measure(key or path, response.content, self.base + path)
        return response.text


# Public entry points named in docs/design.md that may not exist yet: measured when they answer 200.
OPTIONAL_PAGES = ("/status", "/centres/", "/staff/login")
REQUIRED_PAGES = ("/", "/report/", "/report/who", "/report/check", "/report/sent", "/privacy", "/accessibility",
                  "/staying-safe-online", "404")


def measure_public_pages(base: str) -> tuple[PageMeter, list[str], list[str]]:
    """Measure every public page; a page that fails is recorded, not fatal."""
    meter = PageMeter(base)
    errors: list[str] = []

    def attempt(label: str, action: Callable[[], object]) -> None:
        try:
            action()
        except (BenchError, requests.RequestException) as exc:
            errors.append(f"{label}: {exc}")
            log(f"public page problem: {label}: {exc}")

    def journey() -> None:
        with requests.Session() as reporter:
            token = start_draft(reporter, base)
            # Every step page of the longest journey (full answers), each fetched as a browser would.
            walk_steps(reporter, base, token, all_answers("canary"),
                       on_page=lambda url: meter.get(reporter, url, key=url.split("?")[0]))
            meter.get(reporter, "/report/check")
            response = reporter.post(base + "/report/check", data={"csrf_token": token}, allow_redirects=False,
                                     timeout=HTTP_TIMEOUT)
            if check_submit(response.status_code, response.headers.get("Location", "")):
                raise BenchError(f"submit for the page walk answered {response.status_code}")
            meter.get(reporter, "/report/sent")

    missing: list[str] = []
    with requests.Session() as visitor:
        attempt("/", lambda: meter.get(visitor, "/"))
        attempt("/report/who (no draft)", lambda: meter.get(visitor, "/report/who",
                                                            key="/report/who (no draft: expired page)"))
        attempt("/report/", lambda: meter.get(visitor, "/report/"))
    attempt("journey", journey)
    with requests.Session() as visitor:
        for path in ("/privacy", "/accessibility", "/staying-safe-online"):
            attempt(path, lambda path=path: meter.get(visitor, path))  # type: ignore[misc]
        attempt("404", lambda: meter.get(visitor, "/bench-no-such-page", key="404", expect=404))
        for path in OPTIONAL_PAGES:
            try:
                probe = visitor.get(base + path, timeout=HTTP_TIMEOUT, allow_redirects=False)
            except requests.RequestException as exc:
                missing.append(f"{path} ({type(exc).__name__})")
                continue
            if probe.status_code == 200:
                meter.measure(path, probe.content, base + path)
            else:
                missing.append(f"{path} ({probe.status_code})")
    errors += [f"{page}: not measured" for page in REQUIRED_PAGES if page not in meter.pages]
    return meter, missing, errors


