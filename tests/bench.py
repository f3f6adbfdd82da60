"""Benchmark: `make bench` (``python -m tests.bench``).

Measures, against real gunicorn servers on loopback:

1. The final submit (``POST /report/check``: validation, sealing, commit) against a
   bare Flask + SQLAlchemy app's single plain INSERT (tests/bench_baseline.py), both
   served by gunicorn with the same workers, SQLite in WAL mode, the same client
   concurrency and the same N. Once with the production receipt KDF (Argon2id
   defaults from reporting/config.py, untouched) and once with a cheap KDF, so the
   reader sees how much of the cost is Argon2id. Each submit uses its own session
   whose draft was completed beforehand (untimed); only the final POST is timed.
2. Bytes of HTML + CSS + JS for a first visit (cold cache) to every public page,
   raw and gzip-6 per resource, and any request to another host.
3. The review queue (GET /review/: default, filtered, deep page) signed in as a reviewer, at
   1,000 and at 100,000 reports written straight into the database (realistic clear fields,
   random bytes of the real sizes where sealed content goes), against the baseline's 50-row
   list page on tables of the same sizes; all four servers up at once, the requests interleaved
   in small blocks, one at a time (latency). The SQL statements of one queue request are counted
   in-process (no query per row), and the queue's overdue-referral check is timed.
4. The case page (GET /review/cases/<ref>) of real reports made through the submit path, for a
   key holder (decrypts the report, timeline and messages) and for a reviewer without the key
   (the clear part only), at 100,000 reports.

Progress goes to stderr; the last line on stdout is one JSON object.
Knobs (environment): BENCH_N (default 200), BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (default 4),
BENCH_WORKERS (gunicorn workers, default 2), BENCH_BUDGET_S (default 280, the whole run: on a slow
or busy machine fewer drafts, rounds or page requests run, and the JSON says how many),
BENCH_QUEUE_RESERVE_S (default 115: the part of the budget kept for 3 and 4), BENCH_PARTS
(default "submit,queue,stats"; stats: see tests/bench_stats.py), BENCH_QUEUE_SIZES (default "1000,100000"), BENCH_QUEUE_REQUESTS
(default 100 per page and size), BENCH_CASE_REQUESTS (default 60), BENCH_STALE_REFERRALS
(default 0.005: referrals the police never acknowledged, of those older than three days).
"""
from __future__ import annotations

import base64
import gzip
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from tests.helpers import full_answers, minimal_answers

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
N = int(os.environ.get("BENCH_N", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PREP_THREADS = 4
CHEAP_KDF = "argon2id:t=1,m=64,p=1"
BASELINE_BLOB_BYTES = 2048
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BUDGET = float(os.environ.get("BENCH_BUDGET_S", "280"))  # the whole run, on a busy machine too
PARTS = {p.strip() for p in os.environ.get("BENCH_PARTS", "submit,queue,stats").split(",") if p.strip()}
# Of the budget, what the queue and case pages keep (the submit phases get the rest, as before).
QUEUE_RESERVE_S = float(os.environ.get("BENCH_QUEUE_RESERVE_S", "115")) if "queue" in PARTS else 0.0
QUEUE_SIZES = tuple(int(x) for x in os.environ.get("BENCH_QUEUE_SIZES", "1000,100000").split(","))[:2]
QUEUE_REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "100"))  # timed GETs per page and size
QUEUE_WARMUP = 10
QUEUE_BLOCK = 10
CASE_REQUESTS = int(os.environ.get("BENCH_CASE_REQUESTS", "60"))
CASE_REPORTS = 4
CASE_RESERVE_S = 30.0  # of the queue's time, kept for the case pages
MIN_PAGE_REQUESTS = 30  # a page series times at least this many GETs, whatever the budget says
WARMUP = 20  # untimed inserts before each phase
WARMUP_SUBMITS = 8  # untimed submits before each phase
MIN_PREPARED = 28  # a phase prepares at least this many drafts, whatever the time budget says
HTTP_TIMEOUT = 30.0
TARGETS = {"submit_vs_baseline": 0.7, "public_page_gzip_bytes_max": 60 * 1024, "queue_100k_vs_1k": 1.5}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HOST = "127.0.0.1"
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# Servers ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    target: str
    env: dict[str, str]
    log_path: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        handle = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"{HOST}:{self.port}",
             "--graceful-timeout", "5", "--timeout", "60", self.target],
            cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
        handle.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    log(f"{self.name} up on port {self.port} (gunicorn -w {WORKERS})")
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer /healthz in 30 s:\n{self.log_tail()}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        # The gunicorn master and its workers share the session we gave it: signal that group only.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# Timed phase: raw http.client, one connection per request (gunicorn sync workers close it) ---

@dataclass
class Timed:
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: list[str] = field(default_factory=list)

    def per_second(self) -> float:
        ok = len(self.latencies) - min(len(self.errors), len(self.latencies))
        return ok / self.wall if self.wall > 0 else 0.0

    def latency_ms(self) -> dict[str, float]:
        return latency_summary(self.latencies)


def latency_summary(latencies: list[float]) -> dict[str, float]:
    values = sorted(latencies)
    if not values:
        return {}
    p95 = values[min(len(values) - 1, max(0, round(0.95 * len(values)) - 1))]
    return {
        "median": round(statistics.median(values) * 1000, 2),
        "p95": round(p95 * 1000, 2),
        "mean": round(statistics.fmean(values) * 1000, 2),
        "max": round(values[-1] * 1000, 2),
    }


@dataclass
class Series:
    """Rounds of N requests; throughput is the median round, latencies are pooled."""

    rounds: list[Timed] = field(default_factory=list)
    warmup: int = 0  # untimed submits before the rounds
    n: int = 0  # requests per round

    def sent(self) -> int:
        return sum(len(t.latencies) for t in self.rounds)

    def per_second(self) -> float:
        return statistics.median(t.per_second() for t in self.rounds) if self.rounds else 0.0

    def per_second_rounds(self) -> list[float]:
        return [round(t.per_second(), 2) for t in self.rounds]

    def latency_ms(self) -> dict[str, float]:
        return latency_summary([x for t in self.rounds for x in t.latencies])

    @property
    def errors(self) -> list[str]:
        return [e for t in self.rounds for e in t.errors]


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: Mapping[str, str]


def fire(port: int, requests_: list[Request], concurrency: int, check: Callable[[int, str], str | None]) -> Timed:
    """Send every request once with `concurrency` threads; time each and the whole."""
    result = Timed()
    lock = threading.Lock()
    cursor = iter(range(len(requests_)))
    barrier = threading.Barrier(concurrency + 1)

    def worker() -> None:
        barrier.wait()
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            item = requests_[index]
            began = time.perf_counter()
            error: str | None
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
                try:
                    conn.request("POST", item.path, body=item.body, headers=dict(item.headers))
                    response = conn.getresponse()
                    response.read()
                    error = check(response.status, response.getheader("Location") or "")
                finally:
                    conn.close()
            except OSError as exc:
                error = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - began
            with lock:
                result.latencies.append(elapsed)
                if error:
                    result.errors.append(error)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    result.wall = time.perf_counter() - began
    return result


# The reporting journey (untimed preparation) -----------------------------------

def location_path(response: requests.Response) -> str:
    parts = urlsplit(response.headers.get("Location", ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_from(html: str, url: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise BenchError(f"no CSRF token on {url}")
    return match.group(1)


def start_draft(session: requests.Session, base: str) -> str:
    page = session.get(base + "/report/", timeout=HTTP_TIMEOUT)
    if page.status_code != 200:
        raise BenchError(f"GET /report/ answered {page.status_code}")
    token = csrf_from(page.text, "/report/")
    response = session.post(base + "/report/", data={"csrf_token": token}, allow_redirects=False, timeout=HTTP_TIMEOUT)
    if response.status_code != 302 or location_path(response) != "/report/who":
        raise BenchError(f"starting a draft answered {response.status_code} -> {location_path(response)}")
    return token


def walk_steps(
    session: requests.Session, base: str, token: str, steps: Mapping[str, Mapping[str, Any]],
    on_page: Callable[[str], object] | None = None,
) -> None:
    """Post every step in the order the service redirects to, as answer_all does.

    The session's CSRF token is valid for the whole session, so the untimed
    preparation posts without fetching each step first unless `on_page` wants it.
    """
    url = "/report/who"
    for _ in range(40):  # bounded: the journey has fewer steps than this
        if not url.startswith("/report/") or url.endswith("/check"):
            break
        name = url.rsplit("/", 1)[1].split("?")[0]
        if name not in steps:
            raise BenchError(f"the journey asked an unexpected step: {name}")
        if on_page:
            on_page(url)
        data = {"csrf_token": token, **steps[name]}
        response = session.post(base + url, data=data, allow_redirects=False, timeout=HTTP_TIMEOUT)
        if response.status_code != 302:
            raise BenchError(f"step {name} answered {response.status_code}: {response.text[:500]}")
        url = location_path(response)
    if url != "/report/check":
        raise BenchError(f"the journey ended at {url}, not /report/check")


def prepare_submit(base: str) -> Request:
    """A completed draft in its own session; returns the final submit, ready to send."""
    with requests.Session() as session:
        token = start_draft(session, base)
        walk_steps(session, base, token, minimal_answers())
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return Request(
        "/report/check",
        urlencode({"csrf_token": token}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )


def prepare_submits(base: str, count: int, deadline: float) -> list[Request]:
    """Up to `count` completed drafts, fewer (never under MIN_PREPARED) if the time budget runs out."""
    minimum = min(count, MIN_PREPARED)
    began = time.perf_counter()
    prepared: list[Request] = []
    claimed = 0
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker() -> None:
        nonlocal claimed
        while True:
            with lock:
                if failures or claimed >= count or (claimed >= minimum and time.monotonic() >= deadline):
                    return
                claimed += 1
            try:
                item = prepare_submit(base)
            except BaseException as exc:  # surfaced below, with the first one's message
                with lock:
                    failures.append(exc)
                return
            with lock:
                prepared.append(item)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(PREP_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 2 * HTTP_TIMEOUT)
    if failures:
        raise BenchError(f"preparing a draft failed: {type(failures[0]).__name__}: {failures[0]}")
    log(f"prepared {len(prepared)} completed drafts in {time.perf_counter() - began:.1f} s"
        + ("" if len(prepared) >= count else f" (time budget: {count} wanted)"))
    return prepared


def check_submit(status: int, location: str) -> str | None:
    if status == 302 and urlsplit(location).path == "/report/sent":
        return None
    return f"submit answered {status} -> {location!r}"


def check_insert(status: int, location: str) -> str | None:
    return None if status == 302 else f"insert answered {status}"


def baseline_requests(count: int, prefix: str) -> list[Request]:
    # A form body the size of the app's submit (a CSRF token), so both parse a form.
    return [
        Request(
            "/insert",
            urlencode({"label": f"{prefix}-{i}", "csrf_token": secrets.token_urlsafe(60)}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        for i in range(count)
    ]


def run_phase(app: Server, baseline: Server, label: str, deadline: float, prep_share: float
              ) -> tuple[Series, Series]:
    """Up to ROUNDS x N final submits and as many plain inserts, rounds interleaved.

    Interleaving (insert round, submit round, ...) spreads drift on a shared
    machine over both sides; each round sends the same number of requests to
    each. Only the timed requests run during a round. On a slow or busy machine
    the time budget can cut the drafts prepared (then one round of fewer than N)
    or the number of rounds; the JSON says what ran.
    """
    prep_deadline = time.monotonic() + prep_share * max(0.0, deadline - time.monotonic())
    prepared = prepare_submits(app.base, WARMUP_SUBMITS + ROUNDS * N, prep_deadline)
    # Warm both sides untimed (first Argon2id allocation, connection pools, lazy imports).
    warm = min(WARMUP_SUBMITS, len(prepared) // 4)
    fire(app.port, prepared[:warm], CONCURRENCY, check_submit)
    prepared = prepared[warm:]
    fire(baseline.port, baseline_requests(WARMUP, f"warm-{label}"), CONCURRENCY, check_insert)
    n = min(N, len(prepared))
    if n == 0:
        raise BenchError("no completed drafts were prepared in the time budget")
    inserts, submits = Series(), Series()
    for r in range(min(ROUNDS, len(prepared) // n)):
        began = time.monotonic()
        inserts.rounds.append(fire(baseline.port, baseline_requests(n, f"{label}-{r}"), CONCURRENCY, check_insert))
        submits.rounds.append(fire(app.port, prepared[r * n:(r + 1) * n], CONCURRENCY, check_submit))
        log(f"  round {r + 1}/{ROUNDS} (n={n}): baseline {inserts.rounds[-1].per_second():.1f} inserts/s, "
            f"app {submits.rounds[-1].per_second():.1f} submits/s")
        if time.monotonic() + 1.2 * (time.monotonic() - began) > deadline and r + 1 < ROUNDS:
            log(f"  time budget: stopping after {r + 1} round(s)")
            break
    for name, series in (("baseline insert", inserts), (f"app submit ({label})", submits)):
        log(f"{name}: median round {series.per_second():.1f}/s, latency {series.latency_ms()}"
            + (f", {len(series.errors)} errors: {series.errors[:3]}" if series.errors else ""))
    submits.warmup, submits.n = warm, n
    return submits, inserts


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


# Public entry points named in DESIGN.md that may not exist yet: measured when they answer 200.
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
            walk_steps(reporter, base, token, full_answers("canary"),
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


# Queue and case pages at scale ------------------------------------------------------
#
# Two copies of one prepared database (keys, staff accounts), one filled with
# QUEUE_SIZES[0] reports and one with QUEUE_SIZES[1], written directly with SQL
# (the submit path's Argon2id would take hours for 100,000): realistic clear fields,
# random bytes of the real sizes where the sealed content and keys go (the queue
# never decrypts). The baseline's 50-row list page runs on tables of the same sizes.
# All servers run at once and the requests are interleaved in small blocks, so drift
# on a shared machine falls on every series alike. One request at a time (latency).

QUEUE_VARIANTS = {
    "default": "/review/",
    "filtered": "/review/?strand=race&area=shrewsbury&sort=priority",
    "deep": "/review/?page=50",
}
BASELINE_LIST = "/list"
# The sizes the submit path writes (hybrid ML-KEM-768 + X25519 keys; a report's sealed JSON).
SEALED_SIZES = {"public_key": 1216, "key_wrap_group": 1257, "key_wrap_receipt": 125, "receipt_salt": 16,
                "receipt_verifier": 32, "content_min": 1900, "content_max": 2700, "staff_flags": 160,
                "referral_package": 1500}
BENCH_PASSWORD = "bench reviewer passphrase 7"  # >= 12 characters, not the email
REVIEWERS = {"holder": "bench-holder@example.org", "reader": "bench-reader@example.org"}
EXTRA_REVIEWERS = 4  # accounts that only appear as assignees (rows written directly; they cannot sign in)
AREA_WEIGHTS = {"shrewsbury": 20, "telford_and_wrekin": 14, "online": 10, "oswestry": 8, "market_drayton": 4,
                "whitchurch": 4, "bridgnorth": 4, "ludlow": 4, "wem": 2, "shifnal": 2, "ellesmere": 2,
                "outside_west_mercia": 2, "elsewhere_in_west_mercia": 2}
STRAND_WEIGHTS = {"race": 48, "sexual_orientation": 16, "religion": 14, "disability": 10, "transgender": 6,
                  "other": 3, "unknown": 3}
TYPE_WEIGHTS = {"verbal_abuse": 40, "harassment": 18, "online_abuse": 14, "threats": 10, "physical_assault": 6,
                "damage": 6, "graffiti": 4, "theft": 1, "other": 1}
CHANNEL_WEIGHTS = {"online": 68, "centre_link": 8, "centre": 14, "phone": 10}
PRIORITY_WEIGHTS = {"normal": 65, "low": 15, "high": 16, "urgent": 4}
# Of the referrals older than three days, the share the police never acknowledged. The queue's
# "not acknowledged" check (referrals.services.overdue) costs per such referral and per day of its age.
STALE_REFERRALS = float(os.environ.get("BENCH_STALE_REFERRALS", "0.005"))
CLOSURES = {"resolved": 30, "duplicate": 15, "not_hate_incident": 20, "spam_or_misuse": 5, "no_further_action": 30}


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weights_for(codes: list[str], known: Mapping[str, float], other: float) -> dict[str, float]:
    return {code: known.get(code, other) for code in codes}


def _status_for(rng: random.Random, age_days: int) -> str:
    if age_days < 14:
        table = {"new": 45, "in_triage": 28, "awaiting_information": 10, "under_review": 14, "referred": 3}
    elif age_days < 90:
        table = {"new": 3, "in_triage": 10, "awaiting_information": 12, "under_review": 25, "referred": 15,
                 "resolved": 15, "closed": 20}
    else:
        table = {"awaiting_information": 1, "under_review": 2, "referred": 5, "resolved": 35, "closed": 57}
    return _pick(rng, table)


def _reference_suffix(i: int) -> str:
    """Six characters of the app's reference alphabet, distinct for every i < 30**6."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    x = (i * 1_000_003 + 4_242_424) % 30**6  # 1,000,003 is prime to 30: a bijection
    out = []
    for _ in range(6):
        x, digit = divmod(x, 30)
        out.append(alphabet[digit])
    return "".join(out)


def fill_reports(path: Path, count: int, *, seed: int, now: datetime, receipt_kdf: str) -> dict[str, int]:
    """Write `count` reports straight into the app's SQLite database, with their strands, incident
    types and (for referred cases) referrals. Received times spread over three years in id order."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        codes = {name: [r[0] for r in conn.execute(
            "SELECT code FROM choices WHERE list_name = ? AND active ORDER BY position", (name,))]
            for name in ("area", "strand", "incident_type")}
        if not all(codes.values()):
            raise BenchError(f"the choices table lacks a list: { {k: len(v) for k, v in codes.items()} }")
        areas = _weights_for(codes["area"], AREA_WEIGHTS, 1.5)
        strands = _weights_for(codes["strand"], STRAND_WEIGHTS, 1)
        types = _weights_for(codes["incident_type"], TYPE_WEIGHTS, 1)
        group_key_id, police_key_id = (conn.execute(
            "SELECT id FROM service_keys WHERE purpose = ? AND retired_at IS NULL ORDER BY id DESC", (p,)
        ).fetchone()[0] for p in ("group", "police"))
        reviewer_ids = [r[0] for r in conn.execute("SELECT id FROM users WHERE role = 'reviewer' AND active")]
        centre_ids = [r[0] for r in conn.execute("SELECT id FROM centres")]
        first_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM reports").fetchone()[0]) + 1
        start = now - timedelta(days=3 * 365)
        span = (now - start).total_seconds()
        stamps = sorted(rng.random() * span for _ in range(count))
        reports, strand_rows, type_rows, referrals = [], [], [], []
        for i, offset in enumerate(stamps):
            report_id = first_id + i
            received = start + timedelta(seconds=offset)
            age = (now - received).days
            status = _status_for(rng, age)
            channel = _pick(rng, CHANNEL_WEIGHTS)
            consent = _pick(rng, {"with_details": 45, "without_details": 20, "no": 35})
            incident = None if rng.random() < 0.06 else (received - timedelta(days=min(60.0, rng.expovariate(0.2))))
            retain = received.date().replace(year=received.year + 6, day=min(received.day, 28))
            assignee = rng.choice(reviewer_ids) if reviewer_ids and status != "new" and rng.random() < 0.7 else None
            reports.append((
                report_id, f"HC-{received:%y}-{_reference_suffix(i + seed * 7919)}",
                received.strftime("%Y-%m-%d %H:%M:%S.%f"), channel, _pick(rng, {"victim": 62, "witness": 26, "on_behalf": 12}),
                incident.strftime("%Y-%m-%d") if incident else None, int(rng.random() < 0.25), _pick(rng, areas), consent,
                int(rng.random() < 0.4), status, _pick(rng, PRIORITY_WEIGHTS), retain.isoformat(),
                base64.urlsafe_b64encode(rng.randbytes(24)).decode(), "MLKEM768-X25519", SEALED_SIZES["public_key"],
                group_key_id, SEALED_SIZES["key_wrap_group"], SEALED_SIZES["key_wrap_receipt"],
                f"{(i * 7_919_999 + seed * 104_729 + 31_337) % 10**8:08d}", SEALED_SIZES["receipt_salt"], receipt_kdf,
                SEALED_SIZES["receipt_verifier"], rng.randint(SEALED_SIZES["content_min"], SEALED_SIZES["content_max"]),
                assignee, _pick(rng, CLOSURES) if status == "closed" else None,
                rng.randbytes(SEALED_SIZES["staff_flags"]) if rng.random() < 0.08 else None,
                rng.choice(centre_ids) if centre_ids and channel in ("centre", "centre_link") else None,
                int(status not in ("resolved", "closed") and rng.random() < 0.03),
            ))
            for code in set(rng.choices(list(strands), weights=list(strands.values()), k=1 if rng.random() < 0.8 else 2)):
                strand_rows.append((report_id, code))
            for code in set(rng.choices(list(types), weights=list(types.values()), k=rng.choice((1, 1, 1, 2, 2, 3)))):
                type_rows.append((report_id, code))
            if status == "referred" or (status in ("resolved", "closed") and consent != "no" and rng.random() < 0.1):
                sent = max(received + timedelta(minutes=30),
                           min(now - timedelta(hours=rng.uniform(1, 48)), received + timedelta(days=rng.uniform(1, 10))))
                since = (now - sent).days
                # Unacknowledged: the last few days' referrals, and a few the police never acknowledged.
                state = "sent" if since < 3 or rng.random() < STALE_REFERRALS else _pick(
                    rng, {"acknowledged": 30, "crime_recorded": 45, "closed": 25})
                acknowledged = (sent + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f") if state != "sent" else None
                outcome = _pick(rng, {"crime_recorded": 40, "non_crime_hate_incident": 35, "no_further_action": 25}) \
                    if state in ("crime_recorded", "closed") else None
                referrals.append((
                    report_id, sent.strftime("%Y-%m-%d %H:%M:%S.%f"), assignee or (reviewer_ids[0] if reviewer_ids else None),
                    state, "full" if consent == "with_details" else "intelligence", "[]", police_key_id,
                    SEALED_SIZES["referral_package"], sent.strftime("%Y-%m-%d %H:%M:%S.%f"), acknowledged,
                    f"22/{rng.randint(10000, 99999)}/{received:%y}" if state == "crime_recorded" else None, outcome,
                    acknowledged if outcome else None,
                ))
        conn.executemany(
            "INSERT INTO reports (id, reference, received_at, channel, reporter_type, incident_date,"
            " incident_date_approximate, area, police_consent, support_wanted, status, priority, retain_until,"
            " submission_key, key_algorithm, public_key, group_key_id, key_wrap_group, key_wrap_receipt,"
            " receipt_lookup, receipt_salt, receipt_kdf, receipt_verifier, content, assignee_id, closure_reason,"
            " staff_flags, centre_id, new_information, receipt_reissued)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, randomblob(?), ?, randomblob(?), randomblob(?),"
            " ?, randomblob(?), ?, randomblob(?), randomblob(?), ?, ?, ?, ?, ?, 0)",
            reports,
        )
        conn.executemany("INSERT INTO report_strands (report_id, strand) VALUES (?, ?)", strand_rows)
        conn.executemany("INSERT INTO report_incident_types (report_id, incident_type) VALUES (?, ?)", type_rows)
        conn.executemany(
            "INSERT INTO referrals (report_id, created_at, created_by_id, state, kind, shared_fields, police_key_id,"
            " package, sent_at, acknowledged_at, crime_reference, outcome, outcome_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, randomblob(?), ?, ?, ?, ?, ?)",
            referrals,
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return {"reports": count, "strands": len(strand_rows), "incident_types": len(type_rows), "referrals": len(referrals)}


def in_process_app(database_url: str, secret: str, tmp: Path) -> Any:
    """The app in this process, on the same database and secret as the servers (setup and counting only)."""
    from reporting import create_app

    return create_app({
        "ENV_NAME": "development", "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False, "INSTANCE_PATH": str(tmp / "instance"),
    })


@dataclass
class QueueWorld:
    template: Path
    totp: dict[str, str]  # "holder"/"reader" -> TOTP secret (base32)


RECOVERY_KEY = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){6,}\b")


def prepare_queue_template(tmp: Path, secret: str) -> QueueWorld:
    """Migrated, keys made, two reviewers: a key holder (granted with the recovery key) and one who is not.

    Both get a password through the CLI; then, in-process, the temporary-password flag is cleared
    and TOTP is enrolled (what a first sign-in would do), so the servers can sign them in over HTTP.
    """
    path = tmp / "queue-template.db"
    env = app_env(tmp, f"sqlite:///{path}", secret, None)
    run_cli(env, "db", "upgrade")
    found = RECOVERY_KEY.search(run_cli(env, "keys", "init"))
    if not found:
        raise BenchError("no recovery key in the output of `keys init`")
    for email in REVIEWERS.values():
        run_cli(env, "users", "create", "--email", email, "--role", "reviewer", "--password-stdin",
                stdin=BENCH_PASSWORD + "\n")
    run_cli(env, "keys", "grant", "--email", REVIEWERS["holder"], "--recovery-key-stdin", stdin=found.group(0) + "\n")

    from sqlalchemy import select

    from reporting.auth import services as auth_services
    from reporting.auth.models import User
    from reporting.extensions import db

    app = in_process_app(f"sqlite:///{path}", secret, tmp)
    totp: dict[str, str] = {}
    with app.app_context():
        for key, email in REVIEWERS.items():
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                raise BenchError(f"`users create` made no account for {email}")
            user.must_change_password = False
            totp[key] = auth_services.totp_secret(user)
            user.totp_confirmed = True
        for n in range(EXTRA_REVIEWERS):
            db.session.add(User(
                email=f"bench-reviewer-{n}@example.org", role="reviewer", password_salt=os.urandom(16),
                password_kdf="argon2id:t=3,m=65536,p=1", password_verifier=os.urandom(32),
                key_algorithm="MLKEM768-X25519", public_key=os.urandom(1216), private_key_wrap=os.urandom(2452),
            ))
        db.session.commit()
        db.engine.dispose()
    return QueueWorld(path, totp)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included), through SQLite's backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def sign_in_http(base: str, email: str, totp_secret: str) -> requests.Session:
    """Password, then the TOTP code, over HTTP as a person would; the session keeps the cookie."""
    import pyotp

    session = requests.Session()
    token = csrf_from(session.get(base + "/staff/login", timeout=HTTP_TIMEOUT).text, "/staff/login")
    response = session.post(base + "/staff/login", data={"csrf_token": token, "email": email, "password": BENCH_PASSWORD},
                            allow_redirects=False, timeout=HTTP_TIMEOUT)
    if response.status_code != 302 or location_path(response) != "/staff/two-factor":
        raise BenchError(f"sign-in of {email} answered {response.status_code} -> {location_path(response)}")
    token = csrf_from(session.get(base + "/staff/two-factor", timeout=HTTP_TIMEOUT).text, "/staff/two-factor")
    response = session.post(base + "/staff/two-factor", data={"csrf_token": token, "code": pyotp.TOTP(totp_secret).now()},
                            allow_redirects=False, timeout=HTTP_TIMEOUT)
    if response.status_code != 302:
        raise BenchError(f"the second factor of {email} answered {response.status_code}")
    queue = session.get(base + "/review/", allow_redirects=False, timeout=HTTP_TIMEOUT)
    if queue.status_code != 200:
        raise BenchError(f"{email} signed in but /review/ answered {queue.status_code}")
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def get_once(port: int, path: str, cookie: str) -> tuple[float, int, bytes]:
    began = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return time.perf_counter() - began, response.status, body


QUEUE_ROW = re.compile(rb'<tr class="govuk-table__row">')
LIST_ROW = re.compile(rb"<tr><td>")
NOT_HOLDER = b"You cannot read this report yet"


def queue_rows(body: bytes) -> int:
    return max(0, len(QUEUE_ROW.findall(body)) - 1)  # less the header row


@dataclass
class PageSeries:
    """GETs of one page (or a few, in turn) on one server as one signed-in person."""

    name: str
    port: int
    paths: list[str]
    cookie: str
    check: Callable[[int, bytes], str | None]
    timed: Timed = field(default_factory=Timed)
    rows: int | None = None

    def get(self, index: int, timed: bool) -> None:
        path = self.paths[index % len(self.paths)]
        try:
            elapsed, status, body = get_once(self.port, path, self.cookie)
            error = self.check(status, body)
        except OSError as exc:
            elapsed, error, body = HTTP_TIMEOUT, f"{type(exc).__name__}: {exc}", b""
        if not timed:
            if error:
                raise BenchError(f"{self.name}: warm-up GET {path}: {error}")
            return
        self.timed.latencies.append(elapsed)
        if error:
            self.timed.errors.append(f"{self.name} {path}: {error}")
        self.rows = queue_rows(body) if b"app-queue" in body else len(LIST_ROW.findall(body)) or self.rows


def interleave(series: list[PageSeries], n: int, warmup: int, block: int, deadline: float, minimum: int) -> int:
    """Warm each series, then `block` GETs of each in turn until `n` each (fewer, never under
    `minimum`, if the deadline passes). Returns the number timed per series."""
    for s in series:
        for i in range(warmup):
            s.get(i, timed=False)
    done = 0
    began = time.monotonic()
    while done < n:
        if done >= minimum and time.monotonic() >= deadline:
            break
        take = min(block, n - done)
        for s in series:
            for i in range(take):
                s.get(done + i, timed=True)
        done += take
        if done % (block * 5) == 0:
            log(f"  {done}/{n} requests per series ({time.monotonic() - began:.0f} s)")
    return done


def check_queue(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"answered {status}"
    if b"app-queue" not in body:
        return "no queue table on the page"
    return None


def check_list(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"answered {status}"
    rows = len(LIST_ROW.findall(body))
    return None if rows == 50 else f"{rows} rows, not 50"


def case_checks(canary: str) -> tuple[Callable[[int, bytes], str | None], Callable[[int, bytes], str | None]]:
    marker = canary.encode()

    def decrypted(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"answered {status}"
        if marker not in body or NOT_HOLDER in body:
            return "the holder's page does not show the report's content"
        return None

    def clear_only(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"answered {status}"
        if NOT_HOLDER not in body or marker in body:
            return "the page of a reviewer without the key shows content, or no notice that they cannot read it"
        return None

    return decrypted, clear_only


def make_real_cases(base: str, holder: requests.Session, count: int, canary: str) -> list[str]:
    """Reports through the normal public journey and submit (the server's cheap receipt KDF), then the
    Group's work on each: triage with a reason, a note, a message to the reporter (all sealed)."""
    references = []
    for _ in range(count):
        with requests.Session() as reporter:
            token = start_draft(reporter, base)
            walk_steps(reporter, base, token, full_answers(canary))
            response = reporter.post(base + "/report/check", data={"csrf_token": token}, allow_redirects=False,
                                     timeout=HTTP_TIMEOUT)
            if check_submit(response.status_code, response.headers.get("Location", "")):
                raise BenchError(f"a real report's submit answered {response.status_code}")
            found = re.search(r"HC-\d\d-[0-9A-Z]{6}", reporter.get(base + "/report/sent", timeout=HTTP_TIMEOUT).text)
        if not found:
            raise BenchError("no reference on /report/sent")
        reference = found.group(0)
        url = f"{base}/review/cases/{reference}"
        token = csrf_from(holder.get(url, timeout=HTTP_TIMEOUT).text, url)
        for action, data in (
            ("status", {"status-status": "in_triage", "status-reason": f"Looks like a repeat incident {canary}"}),
            ("notes", {"note-note": f"Called the shop; they have camera footage {canary}"}),
            ("messages", {"message-text": f"Thank you for telling us. Can you tell us the time? {canary}"}),
        ):
            response = holder.post(f"{url}/{action}", data={"csrf_token": token, **data}, allow_redirects=False,
                                   timeout=HTTP_TIMEOUT)
            if response.status_code != 302:
                raise BenchError(f"{action} on {reference} answered {response.status_code}")
        references.append(reference)
    return references


def count_queue_statements(database_url: str, secret: str, tmp: Path, cookie: str,
                           paths: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """SQL statements of one queue request each, in-process on the same database, signed in with the
    reviewer's cookie from the server. Each page is requested twice; the second is counted (no
    session touch, caches as in a warm worker)."""
    from sqlalchemy import event

    from reporting.extensions import db

    app = in_process_app(database_url, secret, tmp)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    client = app.test_client()
    for part in cookie.split("; "):
        name, _, value = part.partition("=")
        client.set_cookie(name, value)
    event.listen(engine, "before_cursor_execute", count)
    out: dict[str, dict[str, int]] = {}
    try:
        for label, path in paths.items():
            client.get(path)
            statements.clear()
            response = client.get(path)
            out[label] = {"statements": len(statements), "rows_on_page": queue_rows(response.data),
                          "status": response.status_code}
    finally:
        event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
    return out


def few_rows_path(path: Path) -> str:
    """A queue filter matching between 5 and 45 reports, so the page has fewer rows than a full one."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        found = conn.execute(
            "SELECT area, status FROM reports GROUP BY area, status HAVING count(*) BETWEEN 5 AND 45"
            " ORDER BY count(*), area, status LIMIT 1"
        ).fetchone()
    conn.close()
    if found is None:
        return "/review/?page=100000"  # the last page, whatever it holds
    return "/review/?" + urlencode({"area": found[0], "status": found[1]})


def overdue_check(database_url: str, secret: str, tmp: Path) -> dict[str, float]:
    """Median time of the queue's overdue-referral check, and how many referrals wait for acknowledgement."""
    from sqlalchemy import func, select

    from reporting.db import utcnow
    from reporting.extensions import db
    from reporting.referrals import services as referral_services
    from reporting.referrals.models import Referral
    from reporting.settings import current_settings

    app = in_process_app(database_url, secret, tmp)
    with app.app_context():
        samples = []
        for _ in range(7):
            began = time.perf_counter()
            tagged = referral_services.overdue_report_ids(utcnow(), current_settings())
            samples.append(time.perf_counter() - began)
            db.session.rollback()
        waiting = db.session.scalar(select(func.count()).select_from(Referral).where(Referral.state == "sent"))
        db.engine.dispose()
    return {"median_ms": round(statistics.median(samples) * 1000, 2), "referrals_unacknowledged": int(waiting or 0),
            "reports_tagged_overdue": len(tagged)}


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def measure_queue_and_cases(tmp: Path, secret: str, receipt_kdf: str, deadline: float) -> dict[str, Any]:
    """The queue at two sizes against the baseline's list page, and the case page with and without decryption."""
    from tests import bench_baseline

    began = time.monotonic()
    small, large = QUEUE_SIZES
    labels = {small: size_label(small), large: size_label(large)}
    log("queue: preparing the template database (keys, a key holder and a reviewer without the key)")
    world = prepare_queue_template(tmp, secret)
    now = datetime.now(UTC).replace(tzinfo=None)
    filled: dict[str, Any] = {}
    apps: dict[int, Server] = {}
    lists: dict[int, Server] = {}
    for size in (small, large):
        app_db, list_db = tmp / f"queue-{size}.db", tmp / f"list-{size}.db"
        copy_database(world.template, app_db)
        t0 = time.perf_counter()
        filled[labels[size]] = fill_reports(app_db, size, seed=size % 9973, now=now, receipt_kdf=receipt_kdf)
        bench_baseline.init_db(f"sqlite:///{list_db}")
        bench_baseline.fill_rows(str(list_db), size, BASELINE_BLOB_BYTES)
        filled[labels[size]] |= {"seconds": round(time.perf_counter() - t0, 1),
                                 "app_db_mb": round(app_db.stat().st_size / 2**20, 1),
                                 "baseline_rows": size, "baseline_db_mb": round(list_db.stat().st_size / 2**20, 1)}
        log(f"queue: {labels[size]} database filled: {filled[labels[size]]}")
        # The cheap receipt KDF only speeds up the few real reports made for the case page; no page measured here uses it.
        apps[size] = Server(f"app queue {labels[size]}", "wsgi:app",
                            app_env(tmp, f"sqlite:///{app_db}", secret, CHEAP_KDF), tmp / f"app-queue-{size}.log")
        lists[size] = Server(f"baseline list {labels[size]}", "tests.bench_baseline:create_app()",
                             {k: v for k, v in os.environ.items() if not k.startswith(("REPORTING_", "FLASK_"))}
                             | {"BENCH_BASELINE_DATABASE_URL": f"sqlite:///{list_db}",
                                "BENCH_BASELINE_BLOB_BYTES": str(BASELINE_BLOB_BYTES)},
                             tmp / f"baseline-list-{size}.log")
    servers = [*apps.values(), *lists.values()]
    result: dict[str, Any] = {"queue_sizes": [small, large], "queue_data": filled}
    with servers_stopped(servers):
        try:
            for server in servers:
                server.start()
            readers = {size: sign_in_http(apps[size].base, REVIEWERS["reader"], world.totp["reader"])
                       for size in (small, large)}
            holder = sign_in_http(apps[large].base, REVIEWERS["holder"], world.totp["holder"])
            series: dict[tuple[int, str], PageSeries] = {}
            for size in (small, large):
                series[(size, "baseline")] = PageSeries(f"baseline list {labels[size]}", lists[size].port,
                                                        [BASELINE_LIST], "", check_list)
                for variant, path in QUEUE_VARIANTS.items():
                    series[(size, variant)] = PageSeries(f"queue {variant} {labels[size]}", apps[size].port, [path],
                                                         cookie_header(readers[size]), check_queue)
            log(f"queue: {QUEUE_REQUESTS} GETs per series after {QUEUE_WARMUP} untimed, interleaved in blocks of "
                f"{QUEUE_BLOCK}: {len(series)} series")
            queue_done = interleave(list(series.values()), QUEUE_REQUESTS, QUEUE_WARMUP, QUEUE_BLOCK,
                                    deadline - CASE_RESERVE_S, MIN_PAGE_REQUESTS)

            log("case page: real reports through the submit path, then the Group's work on them")
            canary = "benchcanary" + secrets.token_hex(4)
            references = make_real_cases(apps[large].base, holder, CASE_REPORTS, canary)
            decrypted, clear_only = case_checks(canary)
            paths = [f"/review/cases/{ref}" for ref in references]
            case_series = {
                "decrypt": PageSeries("case page (key holder)", apps[large].port, paths, cookie_header(holder), decrypted),
                "clear": PageSeries("case page (no key)", apps[large].port, paths, cookie_header(readers[large]),
                                    clear_only),
            }
            case_done = interleave(list(case_series.values()), CASE_REQUESTS, 3, 5, deadline - 12, MIN_PAGE_REQUESTS)
        except BaseException:
            for server in servers:
                tail = server.log_tail()
                if tail:
                    log(f"--- {server.name} log tail ---\n{tail}")
            raise
    log_problems = {
        server.name: sum(1 for line in server.log_tail(100000).splitlines()
                         if " ERROR " in line or "Traceback" in line or "[CRITICAL]" in line)
        for server in servers
    }
    log("queue: SQL statements per request, in-process")
    statements = {
        labels[size]: count_queue_statements(
            f"sqlite:///{tmp / f'queue-{size}.db'}", secret, tmp, cookie_header(readers[size]),
            {**QUEUE_VARIANTS, "few_rows": few_rows_path(tmp / f"queue-{size}.db")})
        for size in (small, large)
    }
    overdue = {labels[size]: overdue_check(f"sqlite:///{tmp / f'queue-{size}.db'}", secret, tmp)
               for size in (small, large)}
    per_page = {size: {v: series[(size, v)].timed.latency_ms() for v in QUEUE_VARIANTS} for size in (small, large)}
    base_ms = {size: series[(size, "baseline")].timed.latency_ms() for size in (small, large)}
    errors = [e for s in [*series.values(), *case_series.values()] for e in s.timed.errors]
    # No query per row: every full page (50 rows) at both sizes sends the same number of statements,
    # and a page of a few rows no more (it may skip one: no assignee to look up).
    full = [c["statements"] for by_path in statements.values() for name, c in by_path.items() if name != "few_rows"]
    few = [by_path["few_rows"]["statements"] for by_path in statements.values()]
    constant = len(set(full)) == 1 and all(f <= full[0] for f in few) and all(
        c["status"] == 200 for by_path in statements.values() for c in by_path.values())
    decrypt_ms, clear_ms = case_series["decrypt"].timed.latency_ms(), case_series["clear"].timed.latency_ms()
    result |= {
        "queue_100k_vs_1k": ratio(per_page[large]["default"]["p95"], per_page[small]["default"]["p95"]),
        "queue_100k_vs_1k_filtered": ratio(per_page[large]["filtered"]["p95"], per_page[small]["filtered"]["p95"]),
        "queue_100k_vs_1k_deep": ratio(per_page[large]["deep"]["p95"], per_page[small]["deep"]["p95"]),
        "queue_100k_vs_1k_median": ratio(per_page[large]["default"]["median"], per_page[small]["default"]["median"]),
        "queue_vs_baseline_list": ratio(per_page[large]["default"]["p95"], base_ms[large]["p95"]),
        "queue_vs_baseline_list_1k": ratio(per_page[small]["default"]["p95"], base_ms[small]["p95"]),
        "queue_latency_ms": {labels[size]: per_page[size] for size in (small, large)},
        "baseline_list_latency_ms": {labels[size]: base_ms[size] for size in (small, large)},
        "queue_paths": {**QUEUE_VARIANTS, "baseline": BASELINE_LIST + " (50 rows, id desc)"},
        "queue_rows_on_page": {s.name: s.rows for s in series.values()},
        "queue_requests_per_series": queue_done,
        "queue_sql_statements": max(full),
        "queue_sql_statements_constant": constant,
        "queue_sql_statements_detail": statements,
        # The queue's "referral not acknowledged" tags (referrals.services.overdue_report_ids), in-process.
        "queue_overdue_check_ms": overdue,
        "case_page_decrypt_ms": decrypt_ms,
        "case_page_clear_ms": clear_ms,
        "case_decrypt_vs_clear": ratio(decrypt_ms["median"], clear_ms["median"]),
        "case_decrypt_vs_clear_p95": ratio(decrypt_ms["p95"], clear_ms["p95"]),
        "case_page_requests_per_series": case_done,
        "case_page_reports": len(references),
        "case_page_database_reports": large + len(references),
        "queue_errors": len(errors),
        "queue_error_samples": errors[:5],
        "queue_server_log_error_lines": log_problems,
        "queue_budget_limited": queue_done < QUEUE_REQUESTS or case_done < CASE_REQUESTS,
        "queue_seconds": round(time.monotonic() - began, 1),
    }
    return result


# Setup and in-process figures ---------------------------------------------------

def app_env(tmp: Path, database_url: str, secret: str, receipt_kdf: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTING_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env.pop("RATELIMIT_STORAGE_URI", None)
    env.update({
        "DATABASE_URL": database_url,
        "REPORTING_ENV_NAME": "development",
        "REPORTING_INSTANCE_PATH": str(tmp / "instance"),
        "REPORTING_SECRET_KEY": secret,
        "REPORTING_SESSION_COOKIE_SECURE": "false",
        "REPORTING_RATELIMIT_ENABLED": "false",
    })
    if receipt_kdf:
        env["REPORTING_RECEIPT_KDF"] = receipt_kdf
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "reporting", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def db_figures(path: Path, kdf: str) -> dict[str, Any]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        count = conn.execute("SELECT count(*) FROM reports WHERE receipt_kdf = ?", (kdf,)).fetchone()[0]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(reports)")]
        size = conn.execute(
            "SELECT avg(" + " + ".join(f"coalesce(length({c}), 0)" for c in columns) + ") FROM reports "
            "WHERE receipt_kdf = ?", (kdf,)
        ).fetchone()[0]
    return {"reports": int(count), "avg_row_bytes": round(size or 0)}


def baseline_rows(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        return int(conn.execute("SELECT count(*) FROM rows").fetchone()[0])


def crypto_costs(default_kdf: str) -> dict[str, float]:
    """Median in-process cost (ms) of the crypto a submit does, for reading the figures."""
    from reporting import crypto

    def median_ms(fn: Callable[[], object], times: int) -> float:
        samples = []
        for _ in range(times):
            began = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - began)
        return round(statistics.median(samples) * 1000, 2)

    salt = crypto.new_salt()
    keys = crypto.generate_keypair(crypto.ALG_HYBRID)
    content = os.urandom(1200)
    binding = crypto.Binding("reports", "content", "HC-26-BENCH0")
    return {
        "argon2id_default": median_ms(lambda: crypto.derive_keys(b"1234567890123456", salt,
                                                                 crypto.KdfParams.decode(default_kdf)), 7),
        "argon2id_cheap": median_ms(lambda: crypto.derive_keys(b"1234567890123456", salt,
                                                               crypto.KdfParams.decode(CHEAP_KDF)), 7),
        "generate_keypair_hybrid": median_ms(lambda: crypto.generate_keypair(crypto.ALG_HYBRID), 20),
        "seal_hybrid": median_ms(lambda: crypto.seal(keys.algorithm, keys.public, content, binding), 20),
    }


@contextmanager
def servers_stopped(servers: list[Server]) -> Iterator[None]:
    try:
        yield
    finally:
        for server in servers:
            server.stop()


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def submit_part(tmp: Path, secret: str, default_kdf: str) -> tuple[dict[str, Any], dict[str, bool]]:
    """The final submit against the baseline's insert, and the public pages' bytes."""
    app_db, base_db = tmp / "app.db", tmp / "baseline.db"
    setup_env = app_env(tmp, f"sqlite:///{app_db}", secret, None)
    log("migrating the app database and creating keys")
    run_cli(setup_env, "db", "upgrade")
    run_cli(setup_env, "keys", "init")
    from tests import bench_baseline

    bench_baseline.init_db(f"sqlite:///{base_db}")

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTING_", "FLASK_"))}
    base_env |= {"BENCH_BASELINE_DATABASE_URL": f"sqlite:///{base_db}",
                 "BENCH_BASELINE_BLOB_BYTES": str(BASELINE_BLOB_BYTES)}
    baseline = Server("baseline", "tests.bench_baseline:create_app()", base_env, tmp / "baseline.log")
    app = Server("app (production KDF)", "wsgi:app", setup_env, tmp / "app.log")
    cheap = Server("app (cheap KDF)", "wsgi:app",
                   app_env(tmp, f"sqlite:///{app_db}", secret, CHEAP_KDF), tmp / "app-cheap.log")
    submit_end = STARTED + BUDGET - QUEUE_RESERVE_S
    with servers_stopped([app, cheap, baseline]):
        try:
            baseline.start()
            app.start()
            log(f"phase 1: {ROUNDS} x {N} submits with RECEIPT_KDF={default_kdf} (production default)"
                f" vs {ROUNDS} x {N} inserts")
            phase_1_deadline = time.monotonic() + 0.55 * (submit_end - time.monotonic())
            submit, base_1 = run_phase(app, baseline, "production KDF", phase_1_deadline, 0.65)
            stored = db_figures(app_db, default_kdf)
            log(f"reports stored with {default_kdf}: {stored}")
            log("public pages: first-visit bytes")
            meter, missing, page_errors = measure_public_pages(app.base)
            app.stop()

            cheap.start()
            log(f"phase 2: {ROUNDS} x {N} submits with RECEIPT_KDF={CHEAP_KDF} vs {ROUNDS} x {N} inserts")
            submit_cheap, base_2 = run_phase(cheap, baseline, "cheap KDF", submit_end - 8, 0.75)
            stored_cheap = db_figures(app_db, CHEAP_KDF)
            log(f"reports stored with {CHEAP_KDF}: {stored_cheap}")
        except BaseException:
            for server in (app, cheap, baseline):
                tail = server.log_tail()
                if tail:
                    log(f"--- {server.name} log tail ---\n{tail}")
            raise
    rows = baseline_rows(base_db)
    log_problems = {
        server.name: sum(1 for line in server.log_tail(100000).splitlines()
                         if " ERROR " in line or "Traceback" in line or "[CRITICAL]" in line)
        for server in (app, cheap, baseline)
    }
    if any(log_problems.values()):
        log(f"server logs have error lines: {log_problems}")

    log("in-process crypto costs")
    costs = crypto_costs(default_kdf)

    page_bytes = {k: {"raw": v["raw"], "gzip": v["gzip"]} for k, v in meter.pages.items()}
    gzip_max = max((v["gzip"] for v in page_bytes.values()), default=0)
    max_page = max(page_bytes, key=lambda k: page_bytes[k]["gzip"]) if page_bytes else None
    errors = {
        "submit": len(submit.errors), "submit_cheap_kdf": len(submit_cheap.errors),
        "baseline": len(base_1.errors) + len(base_2.errors),
    }
    consistency = {
        # warm-up + timed submits, counted before the page walk's own submit
        "reports_stored_production_kdf": stored["reports"],
        "submits_sent": {"production_kdf": submit.warmup + submit.sent(),
                         "cheap_kdf": submit_cheap.warmup + submit_cheap.sent()},
        "reports_stored_cheap_kdf": stored_cheap["reports"],
        "baseline_rows": rows,  # 2 phases x warm-up + timed inserts
    }
    submit_ratio = ratio(submit.per_second(), base_1.per_second())
    result = {
        "submit_vs_baseline": submit_ratio,
        "submit_vs_baseline_cheap_kdf": ratio(submit_cheap.per_second(), base_2.per_second()),
        "submit_per_s": round(submit.per_second(), 2),
        "submit_cheap_kdf_per_s": round(submit_cheap.per_second(), 2),
        "baseline_insert_per_s": round(base_1.per_second(), 2),
        "baseline_insert_per_s_cheap_phase": round(base_2.per_second(), 2),
        "timed_per_round": {"production_kdf": submit.n, "cheap_kdf": submit_cheap.n},
        "budget_limited": any(x.n < N or len(x.rounds) < ROUNDS for x in (submit, submit_cheap)),
        "rounds_per_s": {
            "submit": submit.per_second_rounds(), "baseline_insert": base_1.per_second_rounds(),
            "submit_cheap_kdf": submit_cheap.per_second_rounds(), "baseline_insert_cheap_phase": base_2.per_second_rounds(),
        },
        "submit_latency_ms": submit.latency_ms(),
        "submit_cheap_kdf_latency_ms": submit_cheap.latency_ms(),
        "baseline_latency_ms": base_1.latency_ms(),
        "baseline_cheap_phase_latency_ms": base_2.latency_ms(),
        "report_row_bytes_avg": stored["avg_row_bytes"],
        "submit_crypto_ms_in_process": costs,
        "errors": errors,
        "error_samples": (submit.errors + submit_cheap.errors + base_1.errors + base_2.errors)[:5],
        "consistency": consistency,
        "server_log_error_lines": log_problems,
        "public_page_gzip_bytes_max": gzip_max,
        "public_page_gzip_bytes_max_page": max_page,
        "public_page_bytes": page_bytes,
        "public_page_breakdown_max": meter.pages.get(max_page or ""),
        "public_page_errors": page_errors,
        "public_pages_not_found": missing,
        "external_requests": meter.external,
    }
    consistent = (stored["reports"] == submit.warmup + submit.sent()
                  and stored_cheap["reports"] == submit_cheap.warmup + submit_cheap.sent()
                  and rows == 2 * WARMUP + base_1.sent() + base_2.sent())
    met = {
        "submit_vs_baseline": (submit_ratio >= TARGETS["submit_vs_baseline"] and consistent
                               and not any(errors.values()) and not any(log_problems.values())),
        "public_page_gzip_bytes_max": gzip_max < TARGETS["public_page_gzip_bytes_max"] and not page_errors,
        "external_requests": not meter.external,
    }
    return result, met


def queue_part(tmp: Path, secret: str, default_kdf: str) -> tuple[dict[str, Any], dict[str, bool]]:
    """The queue at 1,000 and 100,000 reports and the case page; a failure here keeps the submit figures."""
    deadline = STARTED + BUDGET - 3
    if deadline - time.monotonic() < 0.6 * QUEUE_RESERVE_S:
        log(f"queue: only {deadline - time.monotonic():.0f} s of the budget left; the minimum counts still run")
    try:
        result = measure_queue_and_cases(tmp, secret, default_kdf, deadline)
    except Exception as exc:
        log(f"queue part FAILED: {type(exc).__name__}: {exc}")
        return {"queue_error": f"{type(exc).__name__}: {exc}"}, {"queue_100k_vs_1k": False}
    ok = (not result["queue_errors"] and result["queue_sql_statements_constant"]
          and not any(result["queue_server_log_error_lines"].values()))
    log(f"queue: 100k/1k p95 {result['queue_100k_vs_1k']}, vs baseline list {result['queue_vs_baseline_list']}, "
        f"{result['queue_sql_statements']} statements; case page decrypt/clear {result['case_decrypt_vs_clear']}")
    return result, {"queue_100k_vs_1k": ok and 0 < result["queue_100k_vs_1k"] <= TARGETS["queue_100k_vs_1k"]}


def main() -> dict[str, Any]:
    from reporting.config import DEFAULTS

    default_kdf = str(DEFAULTS["RECEIPT_KDF"])
    result: dict[str, Any] = {
        "n": N, "rounds": ROUNDS, "client_concurrency": CONCURRENCY, "gunicorn_workers": WORKERS, "cpus": os.cpu_count(),
        "receipt_kdf": default_kdf, "receipt_kdf_cheap": CHEAP_KDF, "baseline_blob_bytes": BASELINE_BLOB_BYTES,
        "parts": sorted(PARTS), "budget_s": BUDGET, "queue_reserve_s": QUEUE_RESERVE_S,
        # Other work on the machine shares the cores with servers and clients: read the figures with this.
        "load_avg_1m_start": round(os.getloadavg()[0], 2),
    }
    if result["load_avg_1m_start"] > 0.5 * (os.cpu_count() or 1):
        log(f"the machine is busy (1-minute load {result['load_avg_1m_start']}): expect noisy figures")
    met: dict[str, bool] = {}
    with tempfile.TemporaryDirectory(prefix="reporting-bench-") as tmpdir:
        tmp = Path(tmpdir)
        secret = secrets.token_urlsafe(36)  # 48 characters
        if "submit" in PARTS:
            figures, met_submit = submit_part(tmp, secret, default_kdf)
            result |= figures
            met |= met_submit
        if "queue" in PARTS:
            figures, met_queue = queue_part(tmp, secret, default_kdf)
            result |= figures
            met |= met_queue
        if "stats" in PARTS:  # statistics at 1,000,000 reports: tests/bench_stats.py
            from tests.bench_stats import main as stats_main

            try:
                figures = stats_main()
            except Exception as exc:  # the other parts' figures stand
                figures = {"stats_error": f"{type(exc).__name__}: {exc}", "stats_met": {"stats_1m_p95_ms": False}}
            result |= figures
            met |= figures.get("stats_met", {})
    result["targets"] = TARGETS
    result["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    result["met"] = met
    return result


if __name__ == "__main__":
    try:
        outcome = main()
        code = 0
    except Exception as exc:  # the last stdout line is JSON either way
        log(f"FAILED: {type(exc).__name__}: {exc}")
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
        code = 1
    outcome["elapsed_s"] = round(time.monotonic() - STARTED, 1)
    log(f"done in {outcome['elapsed_s']} s")
    print(json.dumps(outcome))
    sys.exit(code)
