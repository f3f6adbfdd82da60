"""The final submit (POST /report/check) against the baseline's plain insert, with the production
receipt KDF and a cheap one, and the in-process cost of the crypto a submit does."""
from __future__ import annotations

import os
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

from tests.helpers import minimal_answers
from tests.bench.profile import ClientSession, StatementCounter, profile_calls
from tests.bench.common import (
    PROFILE_REQUESTS,
    in_process_app,
    BASELINE_BLOB_BYTES,
    BUDGET,
    BenchError,
    CHEAP_KDF,
    CONCURRENCY,
    HTTP_TIMEOUT,
    MIN_PREPARED,
    N,
    PREP_THREADS,
    QUEUE_RESERVE_S,
    ROUNDS,
    Request,
    Backend,
    budget_start,
    scalar_sql,
    Series,
    Server,
    TARGETS,
    WARMUP,
    WARMUP_SUBMITS,
    app_env,
    check_submit,
    fire,
    log,
    ratio,
    run_cli,
    servers_stopped,
    start_draft,
    walk_steps,
)
from tests.bench.pages import (
    measure_public_pages,
)

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


def db_figures(url: str, kdf: str) -> dict[str, Any]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        columns = [c["name"] for c in inspect(engine).get_columns("reports")]
    finally:
        engine.dispose()
    # SQLite: length() of any value; PostgreSQL: the stored size of each value (pg_column_size).
    size_of = "pg_column_size({})" if url.startswith("postgresql") else "length({})"
    count = scalar_sql(url, "SELECT count(*) FROM reports WHERE receipt_kdf = :kdf", {"kdf": kdf})
    size = scalar_sql(url, "SELECT avg(" + " + ".join(f"coalesce({size_of.format(c)}, 0)" for c in columns)
                      + ") FROM reports WHERE receipt_kdf = :kdf", {"kdf": kdf})
    return {"reports": int(count), "avg_row_bytes": round(float(size or 0))}


def baseline_rows(url: str) -> int:
    return int(scalar_sql(url, "SELECT count(*) FROM rows"))


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


def run(tmp: Path, secret: str, default_kdf: str, backend: Backend) -> tuple[dict[str, Any], dict[str, bool]]:
    """The final submit against the baseline's insert, and the public pages' bytes; the databases dropped after."""
    try:
        return _run(tmp, secret, default_kdf, backend)
    finally:
        backend.drop("submit_app")
        backend.drop("submit_baseline")


def _run(tmp: Path, secret: str, default_kdf: str, backend: Backend) -> tuple[dict[str, Any], dict[str, bool]]:
    app_url, base_url = backend.create("submit_app"), backend.create("submit_baseline")
    logs = tmp / backend.name
    logs.mkdir(exist_ok=True)
    setup_env = app_env(tmp, app_url, secret, None)
    log(f"migrating the app database ({backend.name}) and creating keys")
    run_cli(setup_env, "db", "upgrade")
    run_cli(setup_env, "keys", "init")
    from tests import bench_baseline

    bench_baseline.init_db(base_url)

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTING_", "FLASK_"))}
    base_env |= {"BENCH_BASELINE_DATABASE_URL": base_url,
                 "BENCH_BASELINE_BLOB_BYTES": str(BASELINE_BLOB_BYTES)}
    baseline = Server("baseline", "tests.bench_baseline:create_app()", base_env, logs / "baseline.log")
    app = Server("app (production KDF)", "wsgi:app", setup_env, logs / "app.log")
    cheap = Server("app (cheap KDF)", "wsgi:app",
                   app_env(tmp, app_url, secret, CHEAP_KDF), logs / "app-cheap.log")
    submit_end = budget_start() + BUDGET - QUEUE_RESERVE_S
    with servers_stopped([app, cheap, baseline]):
        try:
            baseline.start()
            app.start()
            log(f"phase 1: {ROUNDS} x {N} submits with RECEIPT_KDF={default_kdf} (production default)"
                f" vs {ROUNDS} x {N} inserts")
            phase_1_deadline = time.monotonic() + 0.55 * (submit_end - time.monotonic())
            submit, base_1 = run_phase(app, baseline, "production KDF", phase_1_deadline, 0.65)
            stored = db_figures(app_url, default_kdf)
            log(f"reports stored with {default_kdf}: {stored}")
            log("public pages: first-visit bytes")
            meter, missing, page_errors = measure_public_pages(app.base)
            app.stop()

            cheap.start()
            log(f"phase 2: {ROUNDS} x {N} submits with RECEIPT_KDF={CHEAP_KDF} vs {ROUNDS} x {N} inserts")
            submit_cheap, base_2 = run_phase(cheap, baseline, "cheap KDF", submit_end - 8, 0.75)
            stored_cheap = db_figures(app_url, CHEAP_KDF)
            log(f"reports stored with {CHEAP_KDF}: {stored_cheap}")
        except BaseException:
            for server in (app, cheap, baseline):
                tail = server.log_tail()
                if tail:
                    log(f"--- {server.name} log tail ---\n{tail}")
            raise
    rows = baseline_rows(base_url)
    log_problems = {
        server.name: sum(1 for line in server.log_tail(100000).splitlines()
                         if " ERROR " in line or "Traceback" in line or "[CRITICAL]" in line)
        for server in (app, cheap, baseline)
    }
    if any(log_problems.values()):
        log(f"server logs have error lines: {log_problems}")

    log("in-process crypto costs")
    costs = crypto_costs(default_kdf)
    profiles: dict[str, Any] = {}
    if PROFILE_REQUESTS > 0:
        log(f"profile: {PROFILE_REQUESTS} final submits in-process under cProfile, each KDF")
        profiles = {"submit": profile_submits(app_url, secret, tmp, default_kdf),
                    "submit_cheap_kdf": profile_submits(app_url, secret, tmp, CHEAP_KDF)}

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
        # Beside submit_vs_baseline: the production receipt KDF's own time, the deliberate part of each submit.
        "receipt_kdf_ms": costs["argon2id_default"],
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
        "profile_submit": profiles,
    }
    consistent = (stored["reports"] == submit.warmup + submit.sent()
                  and stored_cheap["reports"] == submit_cheap.warmup + submit_cheap.sent()
                  and rows == 2 * WARMUP + base_1.sent() + base_2.sent())
    met = {
        "submit_vs_baseline_cheap_kdf": (result["submit_vs_baseline_cheap_kdf"] >= TARGETS["submit_vs_baseline_cheap_kdf"]
                                         and consistent and not any(errors.values())
                                         and not any(log_problems.values())),
        "public_page_gzip_bytes_max": gzip_max < TARGETS["public_page_gzip_bytes_max"] and not page_errors,
        "external_requests": not meter.external,
    }
    return result, met


def profile_submits(app_url: str, secret: str, tmp: Path, kdf: str) -> dict[str, Any]:
    """The final submit in-process under cProfile: drafts completed first (untimed), then only the POST."""
    from reporting.extensions import db

    app = in_process_app(app_url, secret, tmp, RECEIPT_KDF=kdf)
    with app.app_context():
        engine = db.engine
    ready = []
    for _ in range(PROFILE_REQUESTS + 1):
        reporter = ClientSession(app.test_client())
        token = start_draft(reporter, "")
        walk_steps(reporter, "", token, minimal_answers())
        ready.append((reporter.client, token))

    def send(client: Any, token: str) -> None:
        response = client.post("/report/check", data={"csrf_token": token})
        problem = check_submit(response.status_code, response.headers.get("Location", ""))
        if problem:
            raise BenchError(f"profile submit: {problem}")

    send(*ready.pop())  # warm: lazy imports, the first Argon2id allocation
    counter = StatementCounter(engine)
    try:
        return profile_calls(app, [lambda c=client, t=token: send(c, t) for client, token in ready], counter)
    finally:
        counter.close()
        engine.dispose()
