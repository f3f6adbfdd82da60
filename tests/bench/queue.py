"""The review queue and the case page at 1,000 and 100,000 reports, against the baseline's list page."""
from __future__ import annotations

import http.client
import os
import re
import secrets
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

from tests.bench.profile import profile_pages
from tests.bench.common import (
    all_answers,
    PROFILE_REQUESTS,
    BASELINE_BLOB_BYTES,
    BUDGET,
    BenchError,
    CASE_REPORTS,
    CASE_REQUESTS,
    CASE_RESERVE_S,
    CHEAP_KDF,
    HOST,
    HTTP_TIMEOUT,
    MIN_PAGE_REQUESTS,
    QUEUE_BLOCK,
    QUEUE_REQUESTS,
    QUEUE_RESERVE_S,
    QUEUE_SIZES,
    QUEUE_WARMUP,
    CASE_WARMUP,
    Backend,
    budget_start,
    Server,
    TARGETS,
    Timed,
    app_env,
    check_submit,
    csrf_from,
    in_process_app,
    log,
    ratio,
    servers_stopped,
    start_draft,
    walk_steps,
)
from tests.bench.scale import (
    BASELINE_LIST,
    QUEUE_VARIANTS,
    REVIEWERS,
    cookie_header,
    fill_reports,
    prepare_queue_template,
    sign_in_http,
)

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
            walk_steps(reporter, base, token, all_answers(canary))
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


def few_rows_path(url: str) -> str:
    """A queue filter matching between 5 and 45 reports, so the page has fewer rows than a full one."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text(
                "SELECT area, status FROM reports GROUP BY area, status HAVING count(*) BETWEEN 5 AND 45"
                " ORDER BY count(*), area, status LIMIT 1"
            )).first()
    finally:
        engine.dispose()
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


def measure_queue_and_cases(tmp: Path, secret: str, receipt_kdf: str, deadline: float, backend: Backend
                            ) -> dict[str, Any]:
    """The queue at two sizes against the baseline's list page, and the case page with and without decryption."""
    from tests import bench_baseline

    began = time.monotonic()
    small, large = QUEUE_SIZES
    labels = {small: size_label(small), large: size_label(large)}
    log("queue: preparing the template database (keys, a key holder and a reviewer without the key)")
    world = prepare_queue_template(tmp, secret, backend)
    logs = tmp / backend.name
    logs.mkdir(exist_ok=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    filled: dict[str, Any] = {}
    apps: dict[int, Server] = {}
    lists: dict[int, Server] = {}
    for size in (small, large):
        app_url = backend.create(f"queue_{size}", template=world.template)
        list_url = backend.create(f"list_{size}")
        t0 = time.perf_counter()
        filled[labels[size]] = fill_reports(app_url, size, seed=size % 9973, now=now, receipt_kdf=receipt_kdf)
        bench_baseline.init_db(list_url)
        bench_baseline.fill_rows(list_url, size, BASELINE_BLOB_BYTES)
        filled[labels[size]] |= {"seconds": round(time.perf_counter() - t0, 1),
                                 "app_db_mb": backend.size_mb(f"queue_{size}"),
                                 "baseline_rows": size, "baseline_db_mb": backend.size_mb(f"list_{size}")}
        log(f"queue: {labels[size]} database filled: {filled[labels[size]]}")
        # The cheap receipt KDF only speeds up the few real reports made for the case page; no page measured here uses it.
        apps[size] = Server(f"app queue {labels[size]}", "wsgi:app",
                            app_env(tmp, app_url, secret, CHEAP_KDF), logs / f"app-queue-{size}.log")
        lists[size] = Server(f"baseline list {labels[size]}", "tests.bench_baseline:create_app()",
                             {k: v for k, v in os.environ.items() if not k.startswith(("REPORTING_", "FLASK_"))}
                             | {"BENCH_BASELINE_DATABASE_URL": list_url,
                                "BENCH_BASELINE_BLOB_BYTES": str(BASELINE_BLOB_BYTES)},
                             logs / f"baseline-list-{size}.log")
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
                # The baseline's list again, beside the case pages (drift on a shared machine hits all three).
                "baseline": PageSeries(f"baseline list {labels[large]} (case phase)", lists[large].port,
                                       [BASELINE_LIST], "", check_list),
            }
            case_done = interleave(list(case_series.values()), CASE_REQUESTS, CASE_WARMUP, 5, deadline - 12,
                                   MIN_PAGE_REQUESTS)
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
            backend.url(f"queue_{size}"), secret, tmp, cookie_header(readers[size]),
            {**QUEUE_VARIANTS, "few_rows": few_rows_path(backend.url(f"queue_{size}"))})
        for size in (small, large)
    }
    profiles: dict[str, Any] = {}
    if PROFILE_REQUESTS > 0:
        log(f"profile: {PROFILE_REQUESTS} requests of each page in-process under cProfile, at {labels[large]} reports")
        profiles = profile_staff_pages(
            backend.url(f"queue_{large}"), secret, tmp,
            {**{f"queue_{variant}": (cookie_header(readers[large]), [path]) for variant, path in QUEUE_VARIANTS.items()},
             "case_decrypt": (cookie_header(holder), paths), "case_clear": (cookie_header(readers[large]), paths)},
            {"case_decrypt": decrypted, "case_clear": clear_only})
    log("case page: the unavoidable work of the decrypting page, in-process")
    floor = case_floor(backend.url(f"queue_{large}"), secret, tmp, cookie_header(holder), paths, decrypted)
    overdue = {labels[size]: overdue_check(backend.url(f"queue_{size}"), secret, tmp)
               for size in (small, large)}
    per_page = {size: {v: series[(size, v)].timed.latency_ms() for v in QUEUE_VARIANTS} for size in (small, large)}
    base_ms = {size: series[(size, "baseline")].timed.latency_ms() for size in (small, large)}
    errors = [e for s in [*series.values(), *case_series.values()] for e in s.timed.errors]
    # No query per row: a full page (50 rows) at either size sends the same statements give or take
    # the priority sort's index walks (one per priority it reaches, reporting/cases/queries.py), and
    # a page of a few rows no more (it may skip one: no assignee to look up).
    full = [c["statements"] for by_path in statements.values() for name, c in by_path.items() if name != "few_rows"]
    few = [by_path["few_rows"]["statements"] for by_path in statements.values()]
    from reporting.cases.queries import PRIORITY_ORDER

    walks = len(PRIORITY_ORDER) + 1  # and the walk for any other value
    constant = max(full) <= min(full) + walks and all(f <= max(full) for f in few) and all(
        c["status"] == 200 for by_path in statements.values() for c in by_path.values())
    decrypt_ms, clear_ms = case_series["decrypt"].timed.latency_ms(), case_series["clear"].timed.latency_ms()
    case_base_ms = case_series["baseline"].timed.latency_ms()
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
        "queue_sql_statements_bounded": constant,
        "queue_sql_statements_detail": statements,
        # Every report with a referral the police have not acknowledged in time (the queue's tag), in-process.
        "queue_overdue_check_ms": overdue,
        "case_page_decrypt_ms": decrypt_ms,
        "case_page_clear_ms": clear_ms,
        "queue_filtered_vs_default": ratio(per_page[large]["filtered"]["p95"], per_page[large]["default"]["p95"]),
        "queue_filtered_vs_default_1k": ratio(per_page[small]["filtered"]["p95"], per_page[small]["default"]["p95"]),
        "case_clear_vs_baseline_list": ratio(clear_ms["p95"], case_base_ms["p95"]),
        "case_clear_vs_baseline_list_median": ratio(clear_ms["median"], case_base_ms["median"]),
        "case_phase_baseline_list_ms": case_base_ms,
        # The decrypting page's extra time over the clear one (medians), against the work it cannot skip.
        "case_decrypt_overhead_vs_floor": ratio(decrypt_ms["median"] - clear_ms["median"], floor["floor_ms"]),
        "case_decrypt_extra_ms": round(decrypt_ms["median"] - clear_ms["median"], 2),
        "case_decrypt_floor": floor,
        "case_decrypt_vs_clear": ratio(decrypt_ms["median"], clear_ms["median"]),
        "case_page_requests_per_series": case_done,
        "case_page_reports": len(references),
        "case_page_database_reports": large + len(references),
        "queue_errors": len(errors),
        "queue_error_samples": errors[:5],
        "queue_server_log_error_lines": log_problems,
        "queue_budget_limited": queue_done < QUEUE_REQUESTS or case_done < CASE_REQUESTS,
        "queue_seconds": round(time.monotonic() - began, 1),
        "profile_staff_pages": profiles,
    }
    return result


def run(tmp: Path, secret: str, default_kdf: str, backend: Backend) -> tuple[dict[str, Any], dict[str, bool]]:
    """The queue at 1,000 and 100,000 reports and the case page; a failure here keeps the submit figures."""
    try:
        return _run(tmp, secret, default_kdf, backend)
    finally:
        for name in ("queue_template", *(f"{kind}_{size}" for kind in ("queue", "list") for size in QUEUE_SIZES)):
            backend.drop(name)


def _run(tmp: Path, secret: str, default_kdf: str, backend: Backend) -> tuple[dict[str, Any], dict[str, bool]]:
    deadline = budget_start() + BUDGET - 3
    if deadline - time.monotonic() < 0.6 * QUEUE_RESERVE_S:
        log(f"queue: only {deadline - time.monotonic():.0f} s of the budget left; the minimum counts still run")
    try:
        result = measure_queue_and_cases(tmp, secret, default_kdf, deadline, backend)
    except Exception as exc:
        log(f"queue part FAILED: {type(exc).__name__}: {exc}")
        return {"queue_error": f"{type(exc).__name__}: {exc}"}, {"queue_100k_vs_1k": False}
    ok = (not result["queue_errors"] and result["queue_sql_statements_bounded"]
          and not any(result["queue_server_log_error_lines"].values()))
    log(f"queue: 100k/1k p95 {result['queue_100k_vs_1k']}, vs baseline list {result['queue_vs_baseline_list']}, "
        f"{result['queue_sql_statements']} statements; case page extra over its floor "
        f"{result['case_decrypt_overhead_vs_floor']}")
    return result, {
        name: ok and 0 < result[name] <= TARGETS[name]
        for name in ("queue_100k_vs_1k", "queue_vs_baseline_list", "queue_filtered_vs_default",
                     "case_clear_vs_baseline_list", "case_decrypt_overhead_vs_floor")
    }


def profile_staff_pages(database_url: str, secret: str, tmp: Path, pages: dict[str, tuple[str, list[str]]],
                        checks: Mapping[str, Callable[[int, bytes], str | None]]) -> dict[str, Any]:
    """The queue and case pages in-process under cProfile (see tests/bench/profile.py)."""
    app = in_process_app(database_url, secret, tmp)

    def check(label: str, response: Any) -> None:
        problem = checks.get(label, check_queue)(response.status_code, response.data)
        if problem:
            raise BenchError(f"profile {label}: {problem}")

    return profile_pages(app, pages, PROFILE_REQUESTS, check)




# The case page's floor: what a decrypting page cannot skip, measured in-process ---------------

FLOOR_REPEATS = 15
OPENS = ("load_private_key", "open_sealed", "open_stream")  # reporting.crypto's calls that open what the page shows


def case_floor(database_url: str, secret: str, tmp: Path, cookie: str, paths: list[str],
               check: Callable[[int, bytes], str | None]) -> dict[str, Any]:
    """The unavoidable work of the key holder's case page, per page (mean over ``paths``), in ms.

    Each page is requested in-process once with reporting.crypto's opening functions and
    reporting.audit.record wrapped, recording their arguments (the app calls them as
    ``crypto.open_sealed(...)``, ``audit.record(...)``). Then, outside any request, the same calls
    are made again through the same public API, timed: every key load and HPKE open the page did,
    with the same keys and blobs (so the same number and sizes), and each audit entry it wrote,
    with a commit. The floor is the median of FLOOR_REPEATS replays of the opens plus the median
    of as many audit entries and commits.
    """
    from types import SimpleNamespace

    from reporting import audit, crypto
    from reporting.extensions import db
    from tests.bench.profile import signed_in_client

    app = in_process_app(database_url, secret, tmp)
    client = signed_in_client(app, cookie)
    recorded: dict[str, list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = {}
    audits: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    originals = {name: getattr(crypto, name) for name in OPENS if hasattr(crypto, name)}
    original_record = audit.record
    for path in paths:  # warm: templates compiled, lazy imports
        problem = check(*(lambda r: (r.status_code, r.data))(client.get(path)))
        if problem:
            raise BenchError(f"case floor warm-up {path}: {problem}")
    try:
        for path in paths:
            calls = recorded[path] = []
            writes = audits[path] = []

            def recorder(name: str, fn: Callable[..., Any], calls: list[Any] = calls) -> Callable[..., Any]:
                def wrapped(*args: Any, **kwargs: Any) -> Any:
                    calls.append((name, args, kwargs))
                    return fn(*args, **kwargs)
                return wrapped

            for name, fn in originals.items():
                setattr(crypto, name, recorder(name, fn))

            def record(action: str, target: str, *, actor: Any = None, writes: list[Any] = writes,
                       **detail: Any) -> None:
                writes.append(((action, target), {"actor": SimpleNamespace(id=getattr(actor, "id", None),
                                                                           email=getattr(actor, "email", None)),
                                                  **detail}))
                original_record(action, target, actor=actor, **detail)

            audit.record = record  # type: ignore[assignment]
            response = client.get(path)
            problem = check(response.status_code, response.data)
            if problem:
                raise BenchError(f"case floor {path}: {problem}")
    finally:
        for name, fn in originals.items():
            setattr(crypto, name, fn)
        audit.record = original_record  # type: ignore[assignment]

    def replay_opens(calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> float:
        began = time.perf_counter()
        for name, args, kwargs in calls:
            originals[name](*args, **kwargs)
        return time.perf_counter() - began

    per_page: dict[str, dict[str, Any]] = {}
    with app.app_context():
        for path in paths:
            opens = [replay_opens(recorded[path]) for _ in range(FLOOR_REPEATS)]
            entries = []
            for _ in range(FLOOR_REPEATS):
                began = time.perf_counter()
                for args, kwargs in audits[path]:
                    audit.record(*args, **kwargs)
                db.session.commit()
                entries.append(time.perf_counter() - began)
            per_page[path] = {
                "opens": {name: sum(1 for n, _a, _k in recorded[path] if n == name) for name in originals},
                "opened_bytes": sum(len(a[2]) for n, a, _k in recorded[path] if n == "open_sealed" and len(a) > 2
                                    and isinstance(a[2], bytes)),
                "audit_entries": len(audits[path]),
                "opens_ms": round(statistics.median(opens) * 1000, 3),
                "audit_commit_ms": round(statistics.median(entries) * 1000, 3),
            }
        db.session.remove()
        db.engine.dispose()
    opens_ms = statistics.fmean(p["opens_ms"] for p in per_page.values())
    audit_ms = statistics.fmean(p["audit_commit_ms"] for p in per_page.values())
    return {
        "floor_ms": round(opens_ms + audit_ms, 3),
        "opens_ms": round(opens_ms, 3),
        "audit_commit_ms": round(audit_ms, 3),
        "per_page": per_page,
    }
