"""Promise 1: what a reporter types is never stored, logged or sent back in plaintext.

A unique canary goes into every free-text answer. It must not appear in the
database files (SQLite with its WAL, or a PostgreSQL dump), the logs, any
cookie, or any response after the confirmation page; yet the stored report,
opened with the group's private key, holds every answer.
"""
from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.helpers import answer_all, full_answers, read_report, send, start

TEXT_FIELDS = (
    "incident_other", "motivation_other", "evidence_detail", "place_description", "platform", "links",
    "description", "offender_distinctive", "offender_description", "witnesses", "impact", "crime_reference",
    "name", "email", "safe_times", "contact_language",
)


def database_bytes(app) -> bytes:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        files = [p for p in path.parent.glob(path.name + "*")]  # the file, -wal and -shm
        assert any(p.name.endswith("-wal") for p in files), "expected SQLite in WAL mode"
        return b"".join(p.read_bytes() for p in files)
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed to check the PostgreSQL database"
    dump = subprocess.run(
        [pg_dump, "--host", url.host or "127.0.0.1", "--port", str(url.port or 5432),
         "--username", url.username or "postgres", "--no-password", "--data-only", url.database or "test"],
        check=True, capture_output=True,
    )
    assert b"COPY public.reports" in dump.stdout
    return dump.stdout


def cookie_texts(app, client) -> list[str]:
    """Every cookie value, and the session cookie's decoded payload."""
    texts = []
    serializer = app.session_interface.get_signing_serializer(app)
    for cookie in client._cookies.values():
        texts.append(cookie.value)
        if cookie.key == app.config["SESSION_COOKIE_NAME"]:
            texts.append(json.dumps(serializer.loads(cookie.value)))
    return texts


def test_canary_in_every_answer_is_sealed_everywhere(app, client, keys, captured_logs):
    canary = "CANARY" + secrets.token_hex(8)
    phone_digits = "0" + "".join(secrets.choice("0123456789") for _ in range(9))
    steps = full_answers(canary)
    steps["contact"]["phone"] = f"{phone_digits[:5]} {phone_digits[5:]}"
    needles = [canary.encode(), canary.lower().encode(), phone_digits.encode(), steps["contact"]["phone"].encode()]

    responses_after: list[bytes] = []
    start(client)
    answer_all(client, steps)
    # Mid-journey: the draft is on the server, sealed.
    with app.app_context():
        assert not any(n in database_bytes(app) for n in needles), "canary in the database during the draft"
    reference, receipt = send(client)
    for url in ("/report/sent", "/", "/report/", "/report/check", "/report/who", "/privacy", "/healthz"):
        responses_after.append(client.get(url).get_data())

    with app.app_context():
        stored = database_bytes(app)
        content = read_report(reference, keys.recovery_text)

    for needle in needles:
        assert needle not in stored, "canary found in the database"
        assert not any(needle.decode() in line for line in captured_logs), "canary found in the logs"
        assert not any(needle.decode() in text for text in cookie_texts(app, client)), "canary in a cookie"
        assert not any(needle in body for body in responses_after), "canary in a response after sending"
    assert captured_logs, "the log capture saw nothing: the check would be empty"

    answers = content["answers"]
    for name in TEXT_FIELDS:
        assert canary in answers[name], f"{name} was not stored"
    assert answers["phone"].replace(" ", "") == phone_digits
    # Every step's answers are there, not only the free text.
    for step, posted in steps.items():
        for key, value in posted.items():
            if key.startswith("incident_date"):
                continue
            assert key in answers, f"{step}: {key} missing from the sealed report"
    assert answers["incident_date"] == {"day": 3, "month": 11, "year": 2025}


def test_the_canary_goes_into_every_free_text_question():
    """A new free-text question is covered by the test above, or this fails."""
    from reporting.reports.questions import STEPS, field_specs

    free_text = {spec.name for step in STEPS for spec in field_specs(step.form) if spec.kind in ("short", "long")}
    assert free_text == set(TEXT_FIELDS) | {"phone"}  # the phone number is its own needle, in digits
