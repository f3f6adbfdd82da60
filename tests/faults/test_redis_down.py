"""Issue 27, item 1: the rate limits never take the service down.

A Redis of the test's own (never the shared one) is killed, or frozen with SIGSTOP (it
accepts connections and never answers): every post still answers within a couple of
seconds, with no 500; the limits go on counting in the process, a warning says so in
the log, and /healthz names Redis while staying ready.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from reporting.extensions import db
from reporting.keys import services as key_services
from tests.conftest import CI
from tests.deploy.stack import free_port, wait_for
from tests.helpers import answer_all, csrf_token, minimal_answers, post_form, start

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# A post must answer within this, whatever Redis does (the store gets 0.5 s to answer).
QUICK = 2.0


@dataclass
class OwnRedis:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(5)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def _answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(16).startswith(b"+PONG")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if not Path(REDIS_SERVER).exists():
        if CI:
            pytest.fail("CI=true needs redis-server")
        pytest.skip("needs redis-server (`apt-get install redis-server`)")
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    redis = OwnRedis(port, process)
    try:
        wait_for(lambda: _answers(port), "redis-server", 10)
        yield redis
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGKILL)
            process.wait(5)


@pytest.fixture
def limited_app(make_app, own_redis: OwnRedis) -> Flask:  # type: ignore[no-untyped-def]
    app: Flask = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=own_redis.url,
        RATELIMIT_KEY_PREFIX=f"t{os.getpid()}{os.urandom(3).hex()}",
        RATELIMIT_STATUS="3 per minute",
    )
    with app.app_context():
        key_services.init_keys()
        db.session.commit()
    return app


def timed(call):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    response = call()
    return response, time.perf_counter() - began


def journey_and_posts(app: Flask) -> list[tuple[str, int, float]]:
    """A whole report, a receipt look-up and a staff sign-in attempt: (what, status, seconds)."""
    client = app.test_client()
    seen: list[tuple[str, int, float]] = []
    token = csrf_token(client, "/")
    response, seconds = timed(lambda: client.post("/report/", data={"csrf_token": token}))
    seen.append(("start", response.status_code, seconds))
    for name, data in minimal_answers().items():
        token = csrf_token(client, f"/report/{name}")
        response, seconds = timed(lambda: client.post(f"/report/{name}", data={"csrf_token": token, **data}))
        seen.append((name, response.status_code, seconds))
    token = csrf_token(client, "/report/check")
    response, seconds = timed(lambda: client.post("/report/check", data={"csrf_token": token}))
    seen.append(("send", response.status_code, seconds))
    assert response.headers.get("Location", "").endswith("/report/sent"), "the report was sent"
    token = csrf_token(client, "/status")
    response, seconds = timed(lambda: client.post("/status", data={"csrf_token": token, "receipt": "1234 5678 1234 5678 1234 5678"}))
    seen.append(("status", response.status_code, seconds))
    token = csrf_token(client, "/staff/login")
    response, seconds = timed(lambda: client.post(
        "/staff/login", data={"csrf_token": token, "email": "nobody@example.org", "password": "not the password"}))
    seen.append(("staff login", response.status_code, seconds))
    return seen


def assert_served(seen: list[tuple[str, int, float]]) -> None:
    for what, status, seconds in seen:
        assert status < 500, (what, status)
        assert seconds < QUICK, (what, f"{seconds:.1f} s")


# One backend: the store has nothing to do with the database, and Flask-Limiter's extension is
# one object per process that logs its fall-back once (until the store answers again), so a
# second app in the same process would not log it again. This is the file's first fall-back.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_with_redis_killed_every_post_is_answered_and_the_limits_count_in_the_process(
        limited_app, own_redis, captured_logs, backend):
    client = limited_app.test_client()
    start(client)  # counted in Redis
    own_redis.kill()
    seen = journey_and_posts(limited_app)
    assert_served(seen)
    assert any("falling back to in-memory storage" in line for line in captured_logs), "a warning in the log"
    # The limits still hold, counted in this process: the fourth look-up in a minute is refused.
    statuses = [post_form(client, "/status", {"receipt": "1234 5678 1234 5678 1234 5678"}).status_code
                for _ in range(3)]
    assert statuses[-1] == 429, statuses
    health, seconds = timed(lambda: client.get("/healthz"))
    assert health.status_code == 200 and seconds < QUICK
    assert health.data == b"ok\nrate limit store (redis): unreachable, counting in each process\n"


def test_with_redis_frozen_every_post_is_answered_within_seconds(limited_app, own_redis):
    client = limited_app.test_client()
    start(client)
    assert client.get("/healthz").data == b"ok\n"
    own_redis.freeze()
    try:
        seen = journey_and_posts(limited_app)
        health, seconds = timed(lambda: client.get("/healthz"))
    finally:
        own_redis.thaw()
    assert_served(seen)
    assert health.status_code == 200 and b"redis" in health.data and seconds < QUICK
    # Redis answers again: the store is used again (and /healthz says plain ok).
    assert client.get("/healthz").data == b"ok\n"


def test_many_people_at_the_moment_redis_dies_all_get_an_answer(limited_app, own_redis):
    """Threads that were asking Redis when it died: one switches to counting in the
    process, and the others' errors are swallowed (RATELIMIT_SWALLOW_ERRORS), never a 500."""
    people = [limited_app.test_client() for _ in range(16)]
    tokens = [csrf_token(client, "/status") for client in people]
    for client in people:
        start(client)
    own_redis.kill()
    ready = threading.Barrier(len(people))

    def look_up(index: int) -> int:
        ready.wait()
        return int(people[index].post("/status", data={"csrf_token": tokens[index], "receipt": "1234"}).status_code)

    with ThreadPoolExecutor(len(people)) as pool:
        statuses = list(pool.map(look_up, range(len(people))))
    assert all(status < 500 for status in statuses), statuses
