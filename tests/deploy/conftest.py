"""The deployment tests need nginx, PostgreSQL and Redis: skipped when absent, required with CI=true."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import CI, TEST_DATABASE_URL
from tests.deploy.stack import nginx_available


def require(condition: bool, why: str) -> None:
    if condition:
        return
    if CI:
        pytest.fail(f"CI=true needs {why}")
    pytest.skip(f"needs {why}")


def redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def own_database() -> Iterator[str]:
    """A fresh PostgreSQL database beside TEST_DATABASE_URL's, migrated, dropped afterwards."""
    require(bool(TEST_DATABASE_URL), "TEST_DATABASE_URL (PostgreSQL)")
    assert TEST_DATABASE_URL
    base = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{base.database or 'test'}_deploy_{os.getpid()}_{os.urandom(3).hex()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def deploy_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require(nginx_available(), "nginx (/usr/sbin/nginx; `apt-get install nginx`)")
    require(redis_answers(), "Redis on 127.0.0.1:6379")
    return tmp_path_factory.mktemp("deploy")
