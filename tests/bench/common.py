"""What every part of the benchmark shares: knobs, servers, timing, the journey's untimed steps."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
N = int(os.environ.get("BENCH_N", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PREP_THREADS = 4
CHEAP_KDF = "argon2id:t=1,m=64,p=1"
BASELINE_BLOB_BYTES = 2048
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BUDGET = float(os.environ.get("BENCH_BUDGET_S", "280"))  # the whole run, on a busy machine too
# The parts BENCH_PARTS names (None: every part in tests/bench/__main__.py's PARTS).
SELECTED = {p.strip() for p in os.environ["BENCH_PARTS"].split(",") if p.strip()} if os.environ.get("BENCH_PARTS") else None
# Of the budget, what the queue and case pages keep (the submit phases get the rest, as before).
QUEUE_RESERVE_S = (float(os.environ.get("BENCH_QUEUE_RESERVE_S", "115"))
                   if SELECTED is None or "queue" in SELECTED else 0.0)
PROFILE_REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "20"))  # per profiled page, after the timed phase
QUEUE_SIZES = tuple(int(x) for x in os.environ.get("BENCH_QUEUE_SIZES", "1000,100000").split(","))[:2]
QUEUE_REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "100"))  # timed GETs per page and size
QUEUE_WARMUP = 10
QUEUE_BLOCK = 10
CASE_REQUESTS = int(os.environ.get("BENCH_CASE_REQUESTS", "60"))
CASE_REPORTS = 4
CASE_WARMUP = int(os.environ.get("BENCH_CASE_WARMUP", "10"))  # untimed GETs per case series first
CASE_RESERVE_S = 30.0  # of the queue's time, kept for the case pages
MIN_PAGE_REQUESTS = 30  # a page series times at least this many GETs, whatever the budget says
WARMUP = 20  # untimed inserts before each phase
WARMUP_SUBMITS = 8  # untimed submits before each phase
MIN_PREPARED = 28  # a phase prepares at least this many drafts, whatever the time budget says
HTTP_TIMEOUT = 30.0
# Ratios measured side by side in one run. Submits: at least; everything else: at most.
TARGETS = {
    "submit_vs_baseline_cheap_kdf": 0.5,  # the final submit, receipt Argon2id at minimum cost, vs a plain insert
    "public_page_gzip_bytes_max": 60 * 1024,
    "queue_100k_vs_1k": 1.5,
    "queue_vs_baseline_list": 3.0,  # queue p95 at 100,000 reports vs the bare 50-row list
    "queue_filtered_vs_default": 1.5,  # a filtered queue page vs the default one, at 100,000 reports
    "case_clear_vs_baseline_list": 3.0,  # case page without decryption vs the bare list (p95)
    # (decrypting case page - clear case page, medians) / the unavoidable work measured in-process in the
    # same run: the page's own HPKE opens and key loads, replayed, plus its audit entry and commit.
    "case_decrypt_overhead_vs_floor": 1.5,
}
# The databases every part runs on, in turn (BENCH_DATABASES, default both). PostgreSQL figures carry "_pg".
DATABASES = tuple(d.strip() for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if d.strip())
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/reporting_bench")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HOST = "127.0.0.1"
STARTED = time.monotonic()
_BUDGET_START = [STARTED]


def restart_budget() -> None:
    """The time budget starts again (each backend has its own)."""
    _BUDGET_START[0] = time.monotonic()


def budget_start() -> float:
    return _BUDGET_START[0]


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


def all_answers(canary: str) -> dict[str, dict[str, Any]]:
    """tests/helpers.full_answers, and how the police may contact them if asked before "tell us more"."""
    from tests.helpers import full_answers

    return full_answers(canary) | {"police-details": {"police_details": "give", "email": f"{canary}@example.org"}}


def walk_steps(
    session: requests.Session, base: str, token: str, steps: Mapping[str, Mapping[str, Any]],
    on_page: Callable[[str], object] | None = None,
) -> None:
    """Answer the required steps in the order the service redirects to, then (if ``steps`` has
    optional ones) each optional question from "tell us more", as tests/helpers.answer_all does.

    The session's CSRF token is valid for the whole session, so the untimed
    preparation posts without fetching each step first unless `on_page` wants it.
    """
    from tests.helpers import REQUIRED_STEPS

    optional = [name for name in steps if name not in REQUIRED_STEPS]

    def post(url: str, name: str, extra: Mapping[str, str] | None = None) -> str:
        if on_page:
            on_page(url)
        data = {"csrf_token": token, **steps[name], **(extra or {})}
        response = session.post(base + url, data=data, allow_redirects=False, timeout=HTTP_TIMEOUT)
        if response.status_code != 302:
            raise BenchError(f"step {name} answered {response.status_code}: {response.text[:500]}")
        return location_path(response)

    def follow(url: str) -> str:
        for _ in range(40):  # bounded: the journey has fewer steps than this
            if not url.startswith("/report/") or url.endswith(("/check", "/more")):
                return url
            name = url.rsplit("/", 1)[1].split("?")[0]
            if name not in steps:
                raise BenchError(f"the journey asked an unexpected step: {name}")
            url = post(url, name, {"next": "more"} if name == "police" and optional else None)
        return url

    url = follow("/report/who")
    if optional:
        if url != "/report/more":
            raise BenchError(f"the required questions ended at {url}, not /report/more")
        if on_page:
            on_page(url)
        for name in optional:
            page = session.get(f"{base}/report/{name}", allow_redirects=False, timeout=HTTP_TIMEOUT)
            if page.status_code == 302:  # this question does not apply to these answers
                continue
            post(f"/report/{name}", name)
        url = location_path(session.get(base + "/report/check", allow_redirects=False, timeout=HTTP_TIMEOUT)) \
            or "/report/check"
        url = follow(url)  # a contradiction to settle
    if url != "/report/check":
        raise BenchError(f"the journey ended at {url}, not /report/check")


def check_submit(status: int, location: str) -> str | None:
    if status == 302 and urlsplit(location).path == "/report/sent":
        return None
    return f"submit answered {status} -> {location!r}"

def in_process_app(database_url: str, secret: str, tmp: Path, **extra: Any) -> Any:
    """The app in this process, on the same database and secret as the servers (setup, counting, profiles)."""
    from reporting import create_app

    return create_app({
        "ENV_NAME": "development", "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False, "INSTANCE_PATH": str(tmp / "instance"),
    } | extra)


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


@contextmanager
def servers_stopped(servers: list[Server]) -> Iterator[None]:
    try:
        yield
    finally:
        for server in servers:
            server.stop()


# Databases: SQLite files in the run's folder, or PostgreSQL databases the run creates and drops ---

@dataclass(frozen=True)
class Backend:
    """One database engine the parts run on: ``url(name)`` is a fresh database for one purpose."""

    name: str  # "sqlite" or "postgresql"
    tmp: Path

    @property
    def suffix(self) -> str:
        return "" if self.name == "sqlite" else "_pg"

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def db_name(self, name: str) -> str:
        base = urlsplit(PG_URL).path.lstrip("/") or "reporting_bench"
        return f"{base}_{name}".replace("-", "_").lower()

    def url(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.tmp / f'{name}.db'}"
        parts = urlsplit(PG_URL)
        return parts._replace(path="/" + self.db_name(name)).geturl()

    def create(self, name: str, template: str | None = None) -> str:
        """A new empty database (a copy of ``template``'s, if given); its URL."""
        if not self.postgres:
            if template is not None:
                copy_sqlite(self.tmp / f"{template}.db", self.tmp / f"{name}.db")
            return self.url(name)
        self.drop(name)
        pg_admin(f'CREATE DATABASE "{self.db_name(name)}"'
                 + (f' TEMPLATE "{self.db_name(template)}"' if template else ""))
        return self.url(name)

    def drop(self, name: str) -> None:
        if self.postgres:
            pg_admin(f'DROP DATABASE IF EXISTS "{self.db_name(name)}" WITH (FORCE)')

    def exists(self, name: str) -> bool:
        if not self.postgres:
            return (self.tmp / f"{name}.db").exists()
        return bool(pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", (self.db_name(name),)))

    def size_mb(self, name: str) -> float:
        if not self.postgres:
            return round((self.tmp / f"{name}.db").stat().st_size / 2**20, 1)
        return round(int(pg_admin("SELECT pg_database_size(%s)", (self.db_name(name),))[0][0]) / 2**20, 1)


def pg_dsn(url: str) -> str:
    """A psycopg connection string from a SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def pg_admin(statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """A statement on the server's "postgres" database, outside a transaction (CREATE / DROP DATABASE)."""
    import psycopg

    admin = urlsplit(pg_dsn(PG_URL))._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        cursor = conn.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included), through SQLite's backup API."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def scalar_sql(url: str, statement: str, params: Mapping[str, Any] | None = None) -> Any:
    """One value from a plain SQL statement on either backend (SQLAlchemy Core, no app)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(statement), dict(params or {})).scalar()
    finally:
        engine.dispose()


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


