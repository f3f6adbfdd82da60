"""Rate limits answer 429 with a clear page; counters are keyed by a keyed hash, never an address."""
from __future__ import annotations

import logging
import os
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from reporting.extensions import limiter
from tests.helpers import csrf_token


def test_journey_posts_beyond_the_limit_get_a_clear_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_JOURNEY="3 per minute")
    client = app.test_client()
    token = csrf_token(client, "/")
    statuses = [client.post("/report/", data={"csrf_token": token}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    page = client.post("/report/", data={"csrf_token": token})
    assert page.status_code == 429
    text = page.get_data(as_text=True)
    assert "govuk-heading-l" in text or "<h1" in text
    assert "999" in text
    # Pages people read are never limited.
    assert client.get("/").status_code == 200


def test_a_different_address_has_its_own_counter(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_JOURNEY="1 per minute")
    client = app.test_client()
    token = csrf_token(client, "/")
    assert client.post("/report/", data={"csrf_token": token}).status_code == 302
    assert client.post("/report/", data={"csrf_token": token}).status_code == 429
    other = client.post("/report/", data={"csrf_token": token}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302


def test_counters_never_hold_the_client_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client, "/")
    client.post("/report/", data={"csrf_token": token}, environ_base={"REMOTE_ADDR": "198.51.100.23"})
    storage = limiter._storage
    keys = list(getattr(storage, "events", {}).keys()) + list(getattr(storage, "storage", {}).keys())
    assert keys, "the limiter stored nothing: the check below would be empty"
    assert not any("198.51.100.23" in str(key) for key in keys)


def test_server_logs_never_hold_the_client_address(app, captured_logs):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        logging.getLogger("werkzeug").setLevel(logging.INFO)
        urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/privacy").read()
    finally:
        server.shutdown()
    access_lines = [line for line in captured_logs if "GET /privacy" in line]
    assert access_lines, "the development server logged no access line"
    assert not any("127.0.0.1" in line for line in access_lines)


def redis_available() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_redis_counters_are_shared_and_hold_no_address(make_app):
    if not redis_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Redis is expected at 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    connection = redis.Redis(host="127.0.0.1", port=6379, db=7)
    connection.flushdb()
    uri = "redis://127.0.0.1:6379/7"
    first = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri, RATELIMIT_JOURNEY="2 per minute")
    second = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri, RATELIMIT_JOURNEY="2 per minute")
    address = {"REMOTE_ADDR": "203.0.113.9"}
    client_one, client_two = first.test_client(), second.test_client()
    token_one = csrf_token(client_one, "/")
    token_two = csrf_token(client_two, "/")
    assert client_one.post("/report/", data={"csrf_token": token_one}, environ_base=address).status_code == 302
    assert client_two.post("/report/", data={"csrf_token": token_two}, environ_base=address).status_code == 302
    # Two app hosts, one Redis: the third request from the address is refused on either.
    assert client_one.post("/report/", data={"csrf_token": token_one}, environ_base=address).status_code == 429
    stored = [key.decode() for key in connection.keys("*")]
    assert stored
    assert not any("203.0.113.9" in key for key in stored)
    assert all(connection.ttl(key) > 0 for key in connection.keys("*")), "counters must expire"
    connection.flushdb()
