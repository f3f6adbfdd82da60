"""`make bench`: run every part in PARTS (or those named in BENCH_PARTS) and print one JSON line."""
from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench import common, queue, submit
from tests.bench.common import (
    BASELINE_BLOB_BYTES, BUDGET, CHEAP_KDF, CONCURRENCY, DATABASES, N, PG_URL, QUEUE_RESERVE_S, ROUNDS, SELECTED,
    STARTED, TARGETS, WORKERS, Backend, BenchError, log,
)

Figures = tuple[dict[str, Any], dict[str, bool]]


@dataclass(frozen=True)
class Part:
    """One thing the benchmark measures: ``run(tmp, secret, default_kdf, backend)`` returns (figures, met)."""

    name: str
    run: Callable[[Path, str, str, Backend], Figures]


# Every part, in the order they run. A new part (a module under tests/bench/) plugs in here.
def _stats(_tmp: Path, _secret: str, _default_kdf: str, backend: Backend) -> Figures:
    """Statistics and the queue at 1,000,000 reports (tests/bench_stats.py, which fills its own database)."""
    from tests.bench_stats import main as stats_main

    try:
        figures = stats_main(backend.name)
    except Exception as exc:  # the other parts' figures stand
        log(f"stats part FAILED: {type(exc).__name__}: {exc}")
        figures = {"stats_error": f"{type(exc).__name__}: {exc}", "stats_met": {"stats_1m_p95_ms": False}}
    return figures, figures.pop("stats_met", {})


PARTS: list[Part] = [
    Part("submit", submit.run),
    Part("queue", queue.run),
    Part("stats", _stats),
]


def main() -> dict[str, Any]:
    from reporting.config import DEFAULTS

    default_kdf = str(DEFAULTS["RECEIPT_KDF"])
    chosen = [part for part in PARTS if SELECTED is None or part.name in SELECTED]
    unknown = sorted((SELECTED or set()) - {part.name for part in PARTS})
    if unknown:
        raise BenchError(f"BENCH_PARTS names no such part: {', '.join(unknown)} (parts: {[p.name for p in PARTS]})")
    if set(DATABASES) - {"sqlite", "postgresql"} or not DATABASES:
        raise BenchError(f"BENCH_DATABASES: sqlite and/or postgresql, not {DATABASES}")
    result: dict[str, Any] = {
        "n": N, "rounds": ROUNDS, "client_concurrency": CONCURRENCY, "gunicorn_workers": WORKERS, "cpus": os.cpu_count(),
        "receipt_kdf": default_kdf, "receipt_kdf_cheap": CHEAP_KDF, "baseline_blob_bytes": BASELINE_BLOB_BYTES,
        "parts": [part.name for part in chosen], "budget_s": BUDGET, "queue_reserve_s": QUEUE_RESERVE_S,
        "databases": list(DATABASES),
        "postgresql_url": PG_URL.rsplit("@", 1)[-1] if "postgresql" in DATABASES else None,
        # Other work on the machine shares the cores with servers and clients: read the figures with this.
        "load_avg_1m_start": round(os.getloadavg()[0], 2),
    }
    if result["load_avg_1m_start"] > 0.5 * (os.cpu_count() or 1):
        log(f"the machine is busy (1-minute load {result['load_avg_1m_start']}): expect noisy figures")
    met: dict[str, bool] = {}
    with tempfile.TemporaryDirectory(prefix="reporting-bench-") as tmpdir:
        tmp = Path(tmpdir)
        secret = secrets.token_urlsafe(36)  # 48 characters
        for name in DATABASES:
            backend = Backend(name, tmp)
            # The time budget (BENCH_BUDGET_S) is each backend's: it starts again here.
            common.restart_budget()
            log(f"=== {name} ===")
            began = time.monotonic()
            for part in chosen:
                figures, part_met = part.run(tmp, secret, default_kdf, backend)
                # The same keys on every backend; PostgreSQL's end in "_pg".
                result |= {f"{key}{backend.suffix}": value for key, value in figures.items()}
                met |= {f"{key}{backend.suffix}": value for key, value in part_met.items()}
            result[f"elapsed_s_{name}"] = round(time.monotonic() - began, 1)
    from tests.bench_stats import TARGETS as STATS_TARGETS

    result["targets"] = TARGETS | STATS_TARGETS
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
