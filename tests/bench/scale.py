"""The database at scale for the queue and case pages: 1,000 or 100,000 reports written straight
into SQLite, reviewers with keys, and signing them in over HTTP."""
from __future__ import annotations

import base64
import os
import random
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from reporting.reports.models import strand_set
from tests.bench.common import (
    Backend,
    BenchError,
    pg_dsn,
    HTTP_TIMEOUT,
    app_env,
    csrf_from,
    in_process_app,
    location_path,
    run_cli,
)


# Queue and case pages at scale ------------------------------------------------------
#
# Two copies of one prepared database (keys, staff accounts), one filled with
# QUEUE_SIZES[0] reports and one with QUEUE_SIZES[1], written directly with SQL
# (the submit path's Argon2id would take hours for 100,000): realistic clear fields,
# random bytes of the real sizes where the sealed content and keys go (the queue
# never decrypts). The baseline's 50-row list page runs on tables of the same sizes.
# All servers run at once and the requests are interleaved in small blocks, so drift
# on a shared machine falls on every series alike. One request at a time (latency).

QUEUE_VARIANTS = {
    "default": "/review/",
    "filtered": "/review/?strand=race&area=shrewsbury&sort=priority",
    "deep": "/review/?page=50",
}
BASELINE_LIST = "/list"
# The sizes the submit path writes (hybrid ML-KEM-768 + X25519 keys; a report's sealed JSON).
SEALED_SIZES = {"public_key": 1216, "key_wrap_group": 1257, "key_wrap_receipt": 125, "receipt_salt": 16,
                "receipt_verifier": 32, "content_min": 1900, "content_max": 2700, "staff_flags": 160,
                "referral_package": 1500}
BENCH_PASSWORD = "bench reviewer passphrase 7"  # >= 12 characters, not the email
REVIEWERS = {"holder": "bench-holder@example.org", "reader": "bench-reader@example.org"}
EXTRA_REVIEWERS = 4  # accounts that only appear as assignees (rows written directly; they cannot sign in)
AREA_WEIGHTS = {"shrewsbury": 20, "telford_and_wrekin": 14, "online": 10, "oswestry": 8, "market_drayton": 4,
                "whitchurch": 4, "bridgnorth": 4, "ludlow": 4, "wem": 2, "shifnal": 2, "ellesmere": 2,
                "outside_west_mercia": 2, "elsewhere_in_west_mercia": 2}
STRAND_WEIGHTS = {"race": 48, "sexual_orientation": 16, "religion": 14, "disability": 10, "transgender": 6,
                  "other": 3, "unknown": 3}
TYPE_WEIGHTS = {"verbal_abuse": 40, "harassment": 18, "online_abuse": 14, "threats": 10, "physical_assault": 6,
                "damage": 6, "graffiti": 4, "theft": 1, "other": 1}
CHANNEL_WEIGHTS = {"online": 68, "centre_link": 8, "centre": 14, "phone": 10}
PRIORITY_WEIGHTS = {"normal": 65, "low": 15, "high": 16, "urgent": 4}
# Of the referrals older than three days, the share the police never acknowledged. The queue's
# "not acknowledged" check (referrals.services.overdue) costs per such referral and per day of its age.
STALE_REFERRALS = float(os.environ.get("BENCH_STALE_REFERRALS", "0.005"))
CLOSURES = {"resolved": 30, "duplicate": 15, "not_hate_incident": 20, "spam_or_misuse": 5, "no_further_action": 30}


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weights_for(codes: list[str], known: Mapping[str, float], other: float) -> dict[str, float]:
    return {code: known.get(code, other) for code in codes}


def _status_for(rng: random.Random, age_days: int) -> str:
    if age_days < 14:
        table = {"new": 45, "in_triage": 28, "awaiting_information": 10, "under_review": 14, "referred": 3}
    elif age_days < 90:
        table = {"new": 3, "in_triage": 10, "awaiting_information": 12, "under_review": 25, "referred": 15,
                 "resolved": 15, "closed": 20}
    else:
        table = {"awaiting_information": 1, "under_review": 2, "referred": 5, "resolved": 35, "closed": 57}
    return _pick(rng, table)


def _reference_suffix(i: int) -> str:
    """Six characters of the app's reference alphabet, distinct for every i < 30**6."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    x = (i * 1_000_003 + 4_242_424) % 30**6  # 1,000,003 is prime to 30: a bijection
    out = []
    for _ in range(6):
        x, digit = divmod(x, 30)
        out.append(alphabet[digit])
    return "".join(out)


REPORT_COLUMNS = (
    "id, reference, received_at, channel, reporter_type, incident_date, incident_date_approximate, area,"
    " police_consent, support_wanted, status, priority, retain_until, submission_key, key_algorithm, public_key,"
    " group_key_id, key_wrap_group, key_wrap_receipt, receipt_lookup, receipt_salt, receipt_kdf, receipt_verifier,"
    " content, assignee_id, closure_reason, staff_flags, centre_id, new_information, strand_set")
REPORT_BLOBS = (15, 17, 18, 20, 22, 23)  # positions in a report's row holding the size of random bytes
REFERRAL_COLUMNS = ("report_id, created_at, created_by_id, state, kind, shared_fields, police_key_id, package, sent_at,"
                    " acknowledged_at, crime_reference, outcome, outcome_at")
REFERRAL_BLOBS = (7,)


class _Postgres:
    """The few calls fill_reports makes, on a psycopg connection (``?`` placeholders become ``%s``)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(pg_dsn(url))
        self.conn.execute("SET TIME ZONE 'UTC'")

    def execute(self, statement: str, params: tuple[object, ...] = ()) -> Any:
        return self.conn.execute(statement.replace("?", "%s"), params or None)

    def copy(self, table: str, columns: str, rows: list[tuple[Any, ...]], blobs: tuple[int, ...]) -> None:
        """COPY the rows in; each size at a position in ``blobs`` becomes that many random bytes."""
        with self.conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(os.urandom(v) if i in blobs else v for i, v in enumerate(row)))

    def close(self) -> None:
        self.conn.close()


def fill_reports(url: str, count: int, *, seed: int, now: datetime, receipt_kdf: str) -> dict[str, int]:
    """Write `count` reports straight into the app's database (SQLite, or PostgreSQL by COPY), with
    their strands, incident types and (for referred cases) referrals. Received times spread over
    three years in id order. The same rows on either backend for the same seed."""
    rng = random.Random(seed)
    postgres = url.startswith("postgresql")
    conn: Any = _Postgres(url) if postgres else sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        if not postgres:
            conn.execute("PRAGMA synchronous=OFF")
        codes = {name: [r[0] for r in conn.execute(
            "SELECT code FROM choices WHERE list_name = ? AND active ORDER BY position", (name,))]
            for name in ("area", "strand", "incident_type")}
        if not all(codes.values()):
            raise BenchError(f"the choices table lacks a list: { {k: len(v) for k, v in codes.items()} }")
        areas = _weights_for(codes["area"], AREA_WEIGHTS, 1.5)
        strands = _weights_for(codes["strand"], STRAND_WEIGHTS, 1)
        types = _weights_for(codes["incident_type"], TYPE_WEIGHTS, 1)
        group_key_id, police_key_id = (conn.execute(
            "SELECT id FROM service_keys WHERE purpose = ? AND retired_at IS NULL ORDER BY id DESC", (p,)
        ).fetchone()[0] for p in ("group", "police"))
        reviewer_ids = [r[0] for r in conn.execute("SELECT id FROM users WHERE role = 'reviewer' AND active")]
        centre_ids = [r[0] for r in conn.execute("SELECT id FROM centres")]
        first_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM reports").fetchone()[0]) + 1
        start = now - timedelta(days=3 * 365)
        span = (now - start).total_seconds()
        stamps = sorted(rng.random() * span for _ in range(count))
        reports, strand_rows, type_rows, referrals = [], [], [], []
        for i, offset in enumerate(stamps):
            report_id = first_id + i
            received = start + timedelta(seconds=offset)
            age = (now - received).days
            status = _status_for(rng, age)
            channel = _pick(rng, CHANNEL_WEIGHTS)
            consent = _pick(rng, {"with_details": 45, "without_details": 20, "no": 35})
            incident = None if rng.random() < 0.06 else (received - timedelta(days=min(60.0, rng.expovariate(0.2))))
            retain = received.date().replace(year=received.year + 6, day=min(received.day, 28))
            assignee = rng.choice(reviewer_ids) if reviewer_ids and status != "new" and rng.random() < 0.7 else None
            row = (
                report_id, f"HC-{received:%y}-{_reference_suffix(i + seed * 7919)}",
                received.strftime("%Y-%m-%d %H:%M:%S.%f"), channel, _pick(rng, {"victim": 62, "witness": 26, "on_behalf": 12}),
                incident.strftime("%Y-%m-%d") if incident else None, int(rng.random() < 0.25), _pick(rng, areas), consent,
                int(rng.random() < 0.4), status, _pick(rng, PRIORITY_WEIGHTS), retain.isoformat(),
                base64.urlsafe_b64encode(rng.randbytes(24)).decode(), "MLKEM768-X25519", SEALED_SIZES["public_key"],
                group_key_id, SEALED_SIZES["key_wrap_group"], SEALED_SIZES["key_wrap_receipt"],
                f"{(i * 7_919_999 + seed * 104_729 + 31_337) % 10**8:08d}", SEALED_SIZES["receipt_salt"], receipt_kdf,
                SEALED_SIZES["receipt_verifier"], rng.randint(SEALED_SIZES["content_min"], SEALED_SIZES["content_max"]),
                assignee, _pick(rng, CLOSURES) if status == "closed" else None,
                rng.randbytes(SEALED_SIZES["staff_flags"]) if rng.random() < 0.08 else None,
                rng.choice(centre_ids) if centre_ids and channel in ("centre", "centre_link") else None,
                int(status not in ("resolved", "closed") and rng.random() < 0.03),
            )
            chosen = set(rng.choices(list(strands), weights=list(strands.values()), k=1 if rng.random() < 0.8 else 2))
            strand_rows += [(report_id, code) for code in chosen]
            reports.append((*row, strand_set(chosen)))  # as the service writes it, in the same insert
            for code in set(rng.choices(list(types), weights=list(types.values()), k=rng.choice((1, 1, 1, 2, 2, 3)))):
                type_rows.append((report_id, code))
            if status == "referred" or (status in ("resolved", "closed") and consent != "no" and rng.random() < 0.1):
                sent = max(received + timedelta(minutes=30),
                           min(now - timedelta(hours=rng.uniform(1, 48)), received + timedelta(days=rng.uniform(1, 10))))
                since = (now - sent).days
                # Unacknowledged: the last few days' referrals, and a few the police never acknowledged.
                state = "sent" if since < 3 or rng.random() < STALE_REFERRALS else _pick(
                    rng, {"acknowledged": 30, "crime_recorded": 45, "closed": 25})
                acknowledged = (sent + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f") if state != "sent" else None
                outcome = _pick(rng, {"crime_recorded": 40, "non_crime_hate_incident": 35, "no_further_action": 25}) \
                    if state in ("crime_recorded", "closed") else None
                referrals.append((
                    report_id, sent.strftime("%Y-%m-%d %H:%M:%S.%f"), assignee or (reviewer_ids[0] if reviewer_ids else None),
                    state, "full" if consent == "with_details" else "intelligence", "[]", police_key_id,
                    SEALED_SIZES["referral_package"], sent.strftime("%Y-%m-%d %H:%M:%S.%f"), acknowledged,
                    f"22/{rng.randint(10000, 99999)}/{received:%y}" if state == "crime_recorded" else None, outcome,
                    acknowledged if outcome else None,
                ))
        if postgres:
            conn.copy("reports", REPORT_COLUMNS, reports, REPORT_BLOBS)
            conn.copy("report_strands", "report_id, strand", strand_rows, ())
            conn.copy("report_incident_types", "report_id, incident_type", type_rows, ())
            conn.copy("referrals", REFERRAL_COLUMNS, referrals, REFERRAL_BLOBS)
            conn.execute("SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))")
            conn.conn.commit()
            conn.conn.autocommit = True
            # What autovacuum does to a table after a bulk load: statistics, and the visibility map
            # that lets the queue's counts read their indexes alone.
            for table in ("reports", "report_strands", "report_incident_types", "referrals"):
                conn.execute(f"VACUUM ANALYZE {table}")
            return {"reports": count, "strands": len(strand_rows), "incident_types": len(type_rows),
                    "referrals": len(referrals)}
        conn.executemany(
            "INSERT INTO reports (id, reference, received_at, channel, reporter_type, incident_date,"
            " incident_date_approximate, area, police_consent, support_wanted, status, priority, retain_until,"
            " submission_key, key_algorithm, public_key, group_key_id, key_wrap_group, key_wrap_receipt,"
            " receipt_lookup, receipt_salt, receipt_kdf, receipt_verifier, content, assignee_id, closure_reason,"
            " staff_flags, centre_id, new_information, receipt_reissued, strand_set)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, randomblob(?), ?, randomblob(?), randomblob(?),"
            " ?, randomblob(?), ?, randomblob(?), randomblob(?), ?, ?, ?, ?, ?, 0, ?)",
            reports,
        )
        conn.executemany("INSERT INTO report_strands (report_id, strand) VALUES (?, ?)", strand_rows)
        conn.executemany("INSERT INTO report_incident_types (report_id, incident_type) VALUES (?, ?)", type_rows)
        conn.executemany(
            "INSERT INTO referrals (report_id, created_at, created_by_id, state, kind, shared_fields, police_key_id,"
            " package, sent_at, acknowledged_at, crime_reference, outcome, outcome_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, randomblob(?), ?, ?, ?, ?, ?)",
            referrals,
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return {"reports": count, "strands": len(strand_rows), "incident_types": len(type_rows), "referrals": len(referrals)}


@dataclass
class QueueWorld:
    template: str  # the backend's database name
    totp: dict[str, str]  # "holder"/"reader" -> TOTP secret (base32)


RECOVERY_KEY = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){6,}\b")


def prepare_queue_template(tmp: Path, secret: str, backend: Backend) -> QueueWorld:
    """Migrated, keys made, two reviewers: a key holder (granted with the recovery key) and one who is not.

    Both get a password through the CLI; then, in-process, the temporary-password flag is cleared
    and TOTP is enrolled (what a first sign-in would do), so the servers can sign them in over HTTP.
    """
    url = backend.create("queue_template")
    env = app_env(tmp, url, secret, None)
    run_cli(env, "db", "upgrade")
    found = RECOVERY_KEY.search(run_cli(env, "keys", "init"))
    if not found:
        raise BenchError("no recovery key in the output of `keys init`")
    for email in REVIEWERS.values():
        run_cli(env, "users", "create", "--email", email, "--role", "reviewer", "--password-stdin",
                stdin=BENCH_PASSWORD + "\n")
    run_cli(env, "keys", "grant", "--email", REVIEWERS["holder"], "--recovery-key-stdin", stdin=found.group(0) + "\n")

    from sqlalchemy import select

    from reporting.auth import services as auth_services
    from reporting.auth.models import User
    from reporting.extensions import db
    from reporting.settings import current_settings

    app = in_process_app(url, secret, tmp)
    totp: dict[str, str] = {}
    with app.app_context():
        for key, email in REVIEWERS.items():
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                raise BenchError(f"`users create` made no account for {email}")
            user.must_change_password = False
            totp[key] = auth_services.totp_secret(user, current_settings())
            user.totp_confirmed = True
        for n in range(EXTRA_REVIEWERS):
            db.session.add(User(
                email=f"bench-reviewer-{n}@example.org", role="reviewer", password_salt=os.urandom(16),
                password_kdf="argon2id:t=3,m=65536,p=1", password_verifier=os.urandom(32),
                key_algorithm="MLKEM768-X25519", public_key=os.urandom(1216), private_key_wrap=os.urandom(2452),
            ))
        db.session.commit()
        db.engine.dispose()
    return QueueWorld("queue_template", totp)


def sign_in_http(base: str, email: str, totp_secret: str) -> requests.Session:
    """Password, then the TOTP code, over HTTP as a person would; the session keeps the cookie."""
    import pyotp

    session = requests.Session()
    token = csrf_from(session.get(base + "/staff/login", timeout=HTTP_TIMEOUT).text, "/staff/login")
    response = session.post(base + "/staff/login", data={"csrf_token": token, "email": email, "password": BENCH_PASSWORD},
                            allow_redirects=False, timeout=HTTP_TIMEOUT)
    if response.status_code != 302 or location_path(response) != "/staff/two-factor":
        raise BenchError(f"sign-in of {email} answered {response.status_code} -> {location_path(response)}")
    token = csrf_from(session.get(base + "/staff/two-factor", timeout=HTTP_TIMEOUT).text, "/staff/two-factor")
    response = session.post(base + "/staff/two-factor", data={"csrf_token": token, "code": pyotp.TOTP(totp_secret).now()},
                            allow_redirects=False, timeout=HTTP_TIMEOUT)
    if response.status_code != 302:
        raise BenchError(f"the second factor of {email} answered {response.status_code}")
    queue = session.get(base + "/review/", allow_redirects=False, timeout=HTTP_TIMEOUT)
    if queue.status_code != 200:
        raise BenchError(f"{email} signed in but /review/ answered {queue.status_code}")
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


