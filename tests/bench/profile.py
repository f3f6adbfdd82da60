"""Where a measured page spends its time: the same requests in-process under cProfile, after the
timed phase (the timed figures never carry the profiler's overhead).

Each function's own time (cProfile's tottime) goes to one bucket by the file it lives in:

- ``sql``: SQLAlchemy, Flask-SQLAlchemy and the database drivers (ORM work included);
- ``templates``: Jinja2, MarkupSafe, Flask-Babel and the compiled templates themselves;
- ``crypto``: reporting/crypto, cryptography, argon2;
- ``hooks``: the session and policy hooks that run on every request (the staff session and
  its key, Flask-Login, the signed cookie session, the access policy, CSRF, locale, security headers);
- ``rest``: everything else (views, services, forms, Flask and Werkzeug, the test client).

Built-in functions (C code: sqlite3's execute, the AEAD, Argon2id) have no file: their time goes
to the bucket of whoever called them, in proportion. The buckets add up to the profiled total.
``top_cumulative_ms`` lists the app's own functions (under reporting/) by cumulative time, so a
cost shows in the code's terms (the check page, the send, its flush). ``hooks_inclusive_ms`` is the other view of the hooks: each registered before/after-request
function's cumulative time, SQL and crypto inside it included.
"""
from __future__ import annotations

import cProfile
import os
import pstats
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BUCKETS = ("sql", "templates", "crypto", "hooks", "rest")
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sql", ("/sqlalchemy/", "/flask_sqlalchemy/", "/sqlite3/", "/psycopg/", "/psycopg_pool/")),
    ("crypto", ("/reporting/crypto/", "/cryptography/", "/argon2/", "/_cffi_backend")),
    ("templates", ("/jinja2/", "/markupsafe/", "/flask_babel/", "/babel/", "/templates/")),
    ("hooks", ("/reporting/auth/session.py", "/reporting/security.py", "/reporting/i18n/", "/flask_login/",
               "/flask/sessions.py", "/itsdangerous/", "/flask_wtf/csrf.py", "/flask_limiter/")),
)
_BUILTIN_HINTS = (("sql", ("sqlite3", "psycopg")), ("crypto", ("cryptography", "argon2", "_hashlib", "_openssl")))

Key = tuple[str, int, str]


def _bucket_of_file(filename: str) -> str | None:
    if filename == "~" or filename.startswith("<frozen"):
        return None
    path = filename.replace("\\", "/")
    for bucket, needles in _RULES:
        if any(needle in path for needle in needles):
            return bucket
    if path.endswith(".html"):  # a compiled template's code
        return "templates"
    return "rest"


def _split(stats: dict[Key, Any]) -> dict[str, float]:
    """Seconds of own time per bucket; a built-in's time follows its callers."""
    memo: dict[Key, dict[str, float]] = {}

    def shares(key: Key, depth: int = 0) -> dict[str, float]:
        """The bucket(s) one second of `key`'s own time belongs to (fractions adding to 1)."""
        if key in memo:
            return memo[key]
        filename, _, name = key
        own = _bucket_of_file(filename)
        if own is None:
            own = next((bucket for bucket, hints in _BUILTIN_HINTS if any(h in name for h in hints)), None)
        if own is not None:
            result = {own: 1.0}
        else:
            callers = stats[key][4] if key in stats else {}
            weight = sum(edge[2] for edge in callers.values())
            result = {}
            if depth < 8 and weight > 0:
                for caller, edge in callers.items():
                    for bucket, share in shares(caller, depth + 1).items():
                        result[bucket] = result.get(bucket, 0.0) + share * edge[2] / weight
            result = result or {"rest": 1.0}
        memo[key] = result
        return result

    seconds = dict.fromkeys(BUCKETS, 0.0)
    for key, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        for bucket, share in shares(key).items():
            seconds[bucket] += tottime * share
    return seconds


def _hook_keys(app: Any) -> dict[str, Key]:
    """The before/after-request functions registered on the app, as cProfile names them."""
    found: dict[str, Key] = {}
    for registry in (app.before_request_funcs, app.after_request_funcs):
        for funcs in registry.values():
            for func in funcs:
                code = getattr(func, "__code__", None)
                if code is not None:
                    found[f"{func.__module__}.{func.__qualname__}"] = (code.co_filename, code.co_firstlineno,
                                                                       code.co_name)
    return found


def profile_calls(app: Any, calls: Iterable[Callable[[], object]], count_statements: Callable[[], int] | None = None,
                  *, top: int = 8, name: str = "") -> dict[str, Any]:
    """Run each call (one request) under cProfile; milliseconds per request by bucket.

    With BENCH_PROFILE_DUMP set to a folder, the whole profile is written there too as
    ``<name>.pstats``, for ``python -m pstats`` (callers and callees of any function)."""
    calls = list(calls)
    profiler = cProfile.Profile()
    before = count_statements() if count_statements else 0
    began = time.perf_counter()
    profiler.enable()
    for call in calls:
        call()
    profiler.disable()
    wall = time.perf_counter() - began
    statements = (count_statements() - before) if count_statements else None
    raw: dict[Key, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    if os.environ.get("BENCH_PROFILE_DUMP") and name:
        folder = Path(os.environ["BENCH_PROFILE_DUMP"])
        folder.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(folder / f"{name}.pstats")
    n = max(1, len(calls))
    seconds = _split(raw)
    total = sum(seconds.values())

    def ms(value: float) -> float:
        return round(value * 1000 / n, 2)

    heaviest = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    # The app's own functions by cumulative time (what they call included): where a page's
    # time goes in the code's terms (the check, the send, the flush), not the libraries'.
    ours = sorted(((key, value) for key, value in raw.items() if "/reporting/" in key[0].replace("\\", "/")),
                  key=lambda item: item[1][3], reverse=True)[:2 * top]
    hooks = {name: ms(raw[key][3]) for name, key in _hook_keys(app).items() if key in raw}
    return {
        "requests": len(calls),
        "profiled_ms_per_request": ms(wall),
        "ms": {bucket: ms(seconds[bucket]) for bucket in BUCKETS},
        "share": {bucket: round(seconds[bucket] / total, 3) if total else 0.0 for bucket in BUCKETS},
        "hooks_inclusive_ms": hooks,
        "sql_statements_per_request": round(statements / n, 1) if statements is not None else None,
        "top_own_time_ms": [
            {"function": f"{_short(key[0])}:{key[1]}({key[2]})", "ms": ms(value[2]), "calls": round(value[1] / n, 1)}
            for key, value in heaviest
        ],
        "top_cumulative_ms": [
            {"function": f"{_short(key[0])}:{key[1]}({key[2]})", "ms": ms(value[3]), "calls": round(value[1] / n, 1)}
            for key, value in ours
        ],
    }


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/reporting/", "/templates/", "/lib/python"):
        if marker in path:
            return path.split(marker, 1)[1] if marker != "/reporting/" else "reporting/" + path.split(marker, 1)[1]
    return path


class StatementCounter:
    """Counts SQL statements sent on an engine (a callable for profile_calls)."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1

    def __call__(self) -> int:
        return self.count

    def close(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


class ClientSession:
    """The Flask test client behind the small part of requests.Session the journey helpers use."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, url: str, **_: Any) -> Any:
        return self.client.get(url)

    def post(self, url: str, data: Any = None, **_: Any) -> Any:
        return self.client.post(url, data=data)


def signed_in_client(app: Any, cookie: str) -> Any:
    """A test client carrying a cookie header taken from a server's signed-in session."""
    client = app.test_client()
    for part in cookie.split("; "):
        name, _, value = part.partition("=")
        if name:
            client.set_cookie(name, value)
    return client


def profile_pages(app: Any, pages: dict[str, tuple[str, list[str]]], requests_per_page: int,
                  check: Callable[[str, Any], None]) -> dict[str, Any]:
    """GET pages in-process: label -> (cookie, paths taken in turn). Two warm-up GETs each first."""
    from reporting.extensions import db

    out: dict[str, Any] = {}
    with app.app_context():
        engine = db.engine
    counter = StatementCounter(engine)
    try:
        for label, (cookie, paths) in pages.items():
            client = signed_in_client(app, cookie)
            for path in paths[:2]:
                check(label, client.get(path))

            def one(index: int, client: Any = client, paths: list[str] = paths, label: str = label) -> Callable[[], None]:
                return lambda: check(label, client.get(paths[index % len(paths)]))

            out[label] = profile_calls(app, [one(i) for i in range(requests_per_page)], counter, name=label)
    finally:
        counter.close()
        engine.dispose()
    return out
