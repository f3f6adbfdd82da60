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

Progress goes to stderr; the last line on stdout is one JSON object.
Knobs (environment): BENCH_N (default 200), BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (default 4),
BENCH_WORKERS (gunicorn workers, default 2), BENCH_BUDGET_S (default 170: on a slow or busy
machine fewer drafts or rounds run, and the JSON says how many).
"""
from __future__ import annotations

import gzip
import http.client
import json
import os
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
BUDGET = float(os.environ.get("BENCH_BUDGET_S", "170"))  # the whole run, on a busy machine too
WARMUP = 20  # untimed inserts before each phase
WARMUP_SUBMITS = 8  # untimed submits before each phase
MIN_PREPARED = 28  # a phase prepares at least this many drafts, whatever the time budget says
HTTP_TIMEOUT = 30.0
TARGETS = {"submit_vs_baseline": 0.7, "public_page_gzip_bytes_max": 60 * 1024}
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
    on_page: Callable[[str], None] | None = None,
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

    def attempt(label: str, action: Callable[[], None]) -> None:
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


def run_cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "reporting", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


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


def main() -> dict[str, Any]:
    from reporting.config import DEFAULTS

    default_kdf = str(DEFAULTS["RECEIPT_KDF"])
    result: dict[str, Any] = {
        "n": N, "rounds": ROUNDS, "client_concurrency": CONCURRENCY, "gunicorn_workers": WORKERS, "cpus": os.cpu_count(),
        "receipt_kdf": default_kdf, "receipt_kdf_cheap": CHEAP_KDF, "baseline_blob_bytes": BASELINE_BLOB_BYTES,
        # Other work on the machine shares the cores with servers and clients: read the figures with this.
        "load_avg_1m_start": round(os.getloadavg()[0], 2),
    }
    if result["load_avg_1m_start"] > 0.5 * (os.cpu_count() or 1):
        log(f"the machine is busy (1-minute load {result['load_avg_1m_start']}): expect noisy figures")
    with tempfile.TemporaryDirectory(prefix="reporting-bench-") as tmpdir:
        tmp = Path(tmpdir)
        app_db, base_db = tmp / "app.db", tmp / "baseline.db"
        secret = secrets.token_urlsafe(36)  # 48 characters
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
        with servers_stopped([app, cheap, baseline]):
            try:
                baseline.start()
                app.start()
                log(f"phase 1: {ROUNDS} x {N} submits with RECEIPT_KDF={default_kdf} (production default)"
                    f" vs {ROUNDS} x {N} inserts")
                phase_1_deadline = time.monotonic() + 0.55 * (STARTED + BUDGET - time.monotonic())
                submit, base_1 = run_phase(app, baseline, "production KDF", phase_1_deadline, 0.65)
                stored = db_figures(app_db, default_kdf)
                log(f"reports stored with {default_kdf}: {stored}")
                log("public pages: first-visit bytes")
                meter, missing, page_errors = measure_public_pages(app.base)
                app.stop()

                cheap.start()
                log(f"phase 2: {ROUNDS} x {N} submits with RECEIPT_KDF={CHEAP_KDF} vs {ROUNDS} x {N} inserts")
                submit_cheap, base_2 = run_phase(cheap, baseline, "cheap KDF", STARTED + BUDGET - 8, 0.75)
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
    result |= {
        "submit_vs_baseline": submit_ratio,
        "submit_vs_baseline_cheap_kdf": ratio(submit_cheap.per_second(), base_2.per_second()),
        "submit_per_s": round(submit.per_second(), 2),
        "submit_cheap_kdf_per_s": round(submit_cheap.per_second(), 2),
        "baseline_insert_per_s": round(base_1.per_second(), 2),
        "baseline_insert_per_s_cheap_phase": round(base_2.per_second(), 2),
        "timed_per_round": {"production_kdf": submit.n, "cheap_kdf": submit_cheap.n},
        "budget_s": BUDGET,
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
        "targets": TARGETS,
        "load_avg_1m_end": round(os.getloadavg()[0], 2),
    }
    consistent = (stored["reports"] == submit.warmup + submit.sent()
                  and stored_cheap["reports"] == submit_cheap.warmup + submit_cheap.sent()
                  and rows == 2 * WARMUP + base_1.sent() + base_2.sent())
    result["met"] = {
        "submit_vs_baseline": (submit_ratio >= TARGETS["submit_vs_baseline"] and consistent
                               and not any(errors.values()) and not any(log_problems.values())),
        "public_page_gzip_bytes_max": gzip_max < TARGETS["public_page_gzip_bytes_max"] and not page_errors,
        "external_requests": not meter.external,
    }
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
