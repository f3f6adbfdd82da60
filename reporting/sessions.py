"""Server sessions keyed by a cookie secret: staff sign-in and a reporter's receipt.

The cookie (Flask's signed session: HttpOnly, SameSite=Strict) holds a session id and
a random secret; the database row holds a private key encrypted under that secret,
bound to its table and id. Neither alone opens anything. Each kind of session is a
model with ``id``, ``expires_at`` and ``keys`` columns; this module creates, loads
(with the cookie's secret), touches (idle timeout) and ends them, and keeps the
ticket in the cookie.
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from flask import session
from sqlalchemy import delete

from reporting import crypto
from reporting.extensions import db


class KeyedSession(Protocol):
    id: Any
    expires_at: Any
    keys: Any
    __tablename__: Any


S = TypeVar("S", bound=KeyedSession)


@dataclass(frozen=True)
class Ticket:
    """What goes into the cookie: the session id and its secret."""

    session_id: str
    secret: bytes


def _binding(model: type[KeyedSession], session_id: str) -> crypto.Binding:
    return crypto.Binding(str(model.__tablename__), "keys", session_id)


def create(model: type[S], private: bytes, *, now: datetime, lasts: timedelta, **columns: Any) -> Ticket:
    """A new session row keeping ``private`` only under a fresh secret; flushed, not committed."""
    ticket = Ticket(secrets.token_urlsafe(24), crypto.random_key())
    db.session.add(
        model(  # type: ignore[call-arg]
            id=ticket.session_id,
            expires_at=now + lasts,
            keys=crypto.encrypt(ticket.secret, private, _binding(model, ticket.session_id)),
            **columns,
        )
    )
    db.session.flush()
    return ticket


def live(model: type[S], session_id: str, *, now: datetime) -> S | None:
    """The unexpired session row with this id (its key still needs the cookie's secret)."""
    found: S | None = db.session.get(model, session_id)
    if found is None or found.expires_at <= now:
        return None
    return found


def private_key(row: KeyedSession, secret: bytes) -> bytes:
    """The session's private key, opened with the cookie's secret (CryptoError if it does not)."""
    key: bytes = crypto.decrypt(secret, row.keys, _binding(type(row), str(row.id)))
    return key


def replace_private_key(row: KeyedSession, secret: bytes, private: bytes) -> None:
    """Keep another private key in the session, under the same cookie secret (a sign-in's later step)."""
    row.keys = crypto.encrypt(secret, private, _binding(type(row), str(row.id)))


def load(model: type[S], ticket: Ticket, *, now: datetime) -> tuple[S, bytes] | None:
    """The live session and its private key, or None (unknown, expired or wrong secret)."""
    found = live(model, ticket.session_id, now=now)
    if found is None:
        return None
    try:
        return found, private_key(found, ticket.secret)
    except crypto.CryptoError:
        return None


def touch(row: KeyedSession, *, now: datetime, idle: timedelta) -> None:
    """Move the idle timeout on from ``now``."""
    row.expires_at = now + idle


def end(model: type[KeyedSession], session_id: str) -> None:
    db.session.execute(delete(model).where(model.id == session_id))


def purge_expired(model: type[KeyedSession], now: datetime) -> int:
    result = db.session.execute(delete(model).where(model.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# The cookie ------------------------------------------------------------------------

def remember(name: str, ticket: Ticket) -> None:
    session[name] = {"sid": ticket.session_id, "secret": base64.urlsafe_b64encode(ticket.secret).decode()}


def from_cookie(name: str) -> Ticket | None:
    data = session.get(name)
    if not isinstance(data, dict):
        return None
    try:
        return Ticket(str(data["sid"]), base64.urlsafe_b64decode(str(data["secret"])))
    except (KeyError, ValueError):
        return None


def forget(name: str, model: type[KeyedSession]) -> None:
    """End the session named in the cookie and drop it from the cookie."""
    found = from_cookie(name)
    if found is not None:
        end(model, found.session_id)
    session.pop(name, None)
