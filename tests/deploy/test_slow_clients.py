"""Defect 7 of issue 12 and item 7 of issue 27, measured: clients that declare a body and never send it.

With gunicorn's sync workers two such connections stall the whole service (every
worker waits for a body); with the shipped settings (deploy/gunicorn.conf.py,
threaded workers) the service keeps answering. Behind nginx (tests/deploy/test_proxy.py)
a slow body never reaches a worker at all.
"""
from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.conftest import SECRET
from tests.deploy.stack import AppHost, app_environment, free_port

SLOW_BODY = (
    b"POST /report/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 100000\r\n\r\ncsrf_token="
)


@contextmanager
def slow_clients(port: int, count: int) -> Iterator[None]:
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
    try:
        for connection in sockets:
            connection.sendall(SLOW_BODY)
        time.sleep(0.5)  # every one of them is now waiting on its body
        yield
    finally:
        for connection in sockets:
            connection.close()


def health_latency(port: int, timeout: float) -> float:
    began = time.perf_counter()
    session = requests.Session()
    session.trust_env = False
    response = session.get(f"http://127.0.0.1:{port}/healthz", timeout=timeout,
                           headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    return time.perf_counter() - began


def fresh_health_latency(port: int, timeout: float) -> float:
    """As a new client would: a connection of its own each time (any worker may take it)."""
    session = requests.Session()
    session.trust_env = False
    began = time.perf_counter()
    response = session.get(f"http://127.0.0.1:{port}/healthz", timeout=timeout,
                           headers={"X-Forwarded-Proto": "https", "Connection": "close"})
    assert response.status_code == 200
    return time.perf_counter() - began


@pytest.fixture
def host_env(tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    database = tmp_path / "reporting.db"
    shutil.copy(sqlite_template, database)
    return app_environment(f"sqlite:///{database}", tmp_path / "instance", SECRET,
                           RATELIMIT_STORAGE_URI="memory://")


def test_two_slow_clients_stall_sync_workers_but_not_the_shipped_threaded_ones(tmp_path, host_env):
    sync = AppHost(free_port(), host_env, tmp_path / "sync.log", worker_class="sync", workers=2, threads=1).start()
    try:
        with slow_clients(sync.port, 2), pytest.raises(requests.exceptions.Timeout):
            health_latency(sync.port, timeout=3)
    finally:
        sync.stop()

    shipped = AppHost(free_port(), host_env, tmp_path / "gthread.log", workers=2).start()
    try:
        # Issue 27 item 7: a handful (16) of them, served without nginx. With 8 threads a
        # worker (the earlier setting) they held every thread and /healthz timed out.
        with slow_clients(shipped.port, 16):
            latencies = [fresh_health_latency(shipped.port, timeout=5) for _ in range(10)]
    finally:
        shipped.stop()
    print(f"gthread /healthz with 16 slow clients: max {max(latencies) * 1000:.0f} ms")
    assert max(latencies) < 1.0, latencies
