"""Statistics benchmark at 1,000,000 reports: ``python -m tests.bench_stats [sqlite|postgresql]`` (also run
by ``make bench``, on each backend).

Fills a migrated SQLite database by SQL alone (a recursive CTE: no Python loop per row), or a
PostgreSQL one (BENCH_DATABASE_URL's server; INSERT ... SELECT over generate_series, sealed columns
cut from a pool of random blobs so TOAST cannot shrink them), with
BENCH_STATS_N reports (default 1,000,000) over three years: realistic clear fields, zero-filled
blobs of the real sizes where sealed content goes, strands and incident types, a status history
(first review for every report past "new", "under review" for about a third), referrals with
acknowledgements, outcomes and crime references, and links. Then, in one process, signed in as an
analyst through the real sign-in, it times GET /stats/ (the default page: the last financial year
and this one) against the raw SQL GROUP BY statements that page runs, executed alone on a plain
driver connection (captured from a page request, so they are exactly the same statements).
Then the review queue in-process at N reports and at 1,000 of the same generator (``queue_1m_vs_1k``).

Keys: ``stats_1m_p95_ms`` (target < 1000) and ``stats_1m_vs_groupby`` (page p95 / GROUP BY p95,
target <= 2; ``stats_1m_vs_groupby_median`` is the same at the median, for reading a busy run), measured
after a change each time (a new report and a status change, as in a live
service), so each look groups again the month they touch; ``stats_1m_first_ms`` (target < 2000): the
first look after a report is deleted with its history (a retention run, an erasure); the very first
look (``stats_1m_cold_ms``: every month grouped) and looks with nothing changed are reported too. Progress goes to stderr; the last stdout line is one
JSON object.
Knobs: BENCH_STATS_N, BENCH_STATS_REQUESTS (default 30), BENCH_STATS_KEEP (a path, e.g. /tmp/stats1m.db: the
first run fills the database there and keeps it; later runs reuse it instead of filling for minutes, to
iterate quickly. Never commit it: it is about 6 GB. On reuse the kept months and marks are dropped first,
so the first look groups every month again as on a fresh fill; each run adds its 30-odd new reports
and one analyst, and the case whose status changes is found by reference, the same as on a fresh fill.)
BENCH_STATS_KEEP_PG=1 does the same on PostgreSQL: the database <BENCH_DATABASE_URL's name>_stats is kept
(about 9 GB; drop it by hand when done).
"""
from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

N = int(os.environ.get("BENCH_STATS_N", "1000000"))
REQUESTS = int(os.environ.get("BENCH_STATS_REQUESTS", "30"))
TARGETS = {"stats_1m_p95_ms": 1000.0, "stats_1m_vs_groupby": 2.0, "stats_1m_first_ms": 2000.0, "queue_1m_vs_1k": 1.5}
SECRET = "bench-stats-secret-key-that-is-long-enough-0123456789"
PASSWORD = "bench analyst passphrase 7"
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench_stats {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


# Cumulative weights out of 1000 for the picks (as tests/bench.py spreads them).
AREAS = [("shrewsbury", 200), ("telford_and_wrekin", 140), ("online", 100), ("oswestry", 80), ("market_drayton", 40),
         ("whitchurch", 40), ("bridgnorth", 40), ("ludlow", 40), ("wem", 20), ("shifnal", 20), ("ellesmere", 20),
         ("outside_west_mercia", 20), ("elsewhere_in_west_mercia", 20), ("albrighton", 15), ("bishops_castle", 15),
         ("broseley", 15), ("church_stretton", 15), ("cleobury_mortimer", 15), ("clun", 15), ("craven_arms", 15),
         ("highley", 15), ("much_wenlock", 15), ("rural_north_shropshire", 15), ("rural_south_shropshire", 15),
         ("rural_east_shropshire", 15), ("rural_west_shropshire", 15), ("rural_central_shropshire", 15)]
STRANDS = [("race", 480), ("sexual_orientation", 160), ("religion", 140), ("disability", 100), ("transgender", 60),
           ("other", 30), ("unknown", 30)]
TYPES = [("verbal_abuse", 400), ("harassment", 180), ("online_abuse", 140), ("threats", 100),
         ("physical_assault", 60), ("damage", 60), ("graffiti", 40), ("theft", 10), ("other", 10)]
CHANNELS = [("online", 600), ("centre_link", 150), ("centre", 150), ("phone", 100)]
REPORTERS = [("victim", 620), ("witness", 260), ("on_behalf", 120)]
CONSENTS = [("with_details", 450), ("without_details", 200), ("no", 350)]
OLD_STATUS = [("closed", 570), ("resolved", 350), ("referred", 50), ("under_review", 20), ("awaiting_information", 10)]
CLOSURES = [("resolved", 300), ("duplicate", 150), ("not_hate_incident", 200), ("spam_or_misuse", 50),
            ("no_further_action", 300)]


def _weights_table(conn: sqlite3.Connection | None, name: str, pairs: list[tuple[str, int]]) -> None:
    """Cumulative upper bounds out of 1000, the last one 999."""
    total = sum(w for _c, w in pairs)
    bounds, lo = [], 0
    for code, weight in pairs:
        hi = lo + round(weight * 1000 / total) - 1
        bounds.append((code, hi))
        lo = hi + 1
    bounds[-1] = (bounds[-1][0], 999)
    PICKS[name] = bounds


PICKS: dict[str, list[tuple[str, int]]] = {}


def _pick(table: str, salt: int, column: str = "i") -> str:
    """SQL: a weighted pick for row ``column`` from a multiplicative hash (deterministic, spread), as a CASE."""
    x = f"((({column} * {salt} + {salt // 7}) % 1000003) % 1000)"
    whens = " ".join(f"WHEN {x} <= {hi} THEN '{code}'" for code, hi in PICKS[table])
    return f"(CASE {whens} END)"


def _weights() -> None:
    for name, pairs in (("w_area", AREAS), ("w_strand", STRANDS), ("w_type", TYPES), ("w_channel", CHANNELS),
                        ("w_reporter", REPORTERS), ("w_consent", CONSENTS), ("w_old", OLD_STATUS),
                        ("w_closure", CLOSURES)):
        _weights_table(None, name, pairs)


POOL = 1009  # random blobs the PostgreSQL fill takes its sealed columns from (no compression, no extension)


def fill_postgres(url: str, n: int, now: datetime) -> dict[str, int]:
    """The same rows as ``fill`` on PostgreSQL: one INSERT ... SELECT over generate_series per table.

    Sealed columns are slices of random blobs (a pool of POOL, 2,700 bytes each), so TOAST cannot
    compress them and the tables are the size real ones are; SQLite's fill writes zeros.
    """
    import psycopg

    _weights()
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '256MB'")
    conn.execute("CREATE TEMP TABLE blob_pool (k integer PRIMARY KEY, b bytea NOT NULL)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO blob_pool (k, b) VALUES (%s, %s)", [(k, os.urandom(2700)) for k in range(POOL)])
    conn.execute("INSERT INTO service_keys (kid, purpose, algorithm, public_key, created_at) VALUES"
                 " ('bench-group', 'group', 'X25519', decode(repeat('00', 32), 'hex'), '2020-01-01 00:00:00'),"
                 " ('bench-police', 'police', 'X25519', decode(repeat('00', 32), 'hex'), '2020-01-01 00:00:00')")
    group_id, police_id = (conn.execute("SELECT id FROM service_keys WHERE kid = %s", (k,)).fetchone()[0]  # type: ignore[index]
                           for k in ("bench-group", "bench-police"))
    for slug, town in (("shrewsbury-library", "shrewsbury"), ("oswestry-library", "oswestry"),
                       ("ludlow-council", "ludlow"), ("telford-charity", "telford_and_wrekin")):
        conn.execute("INSERT INTO centres (slug, name, address, town, postcode, opening_hours, phone, offers, languages,"
                     " how_to_get_help, active, created_at, opened_on, contact_email) VALUES (%s, %s, '', %s, '', '', '', '[]',"
                     " '[]', '', true, '2020-01-01 00:00:00', '2020-01-01', '')", (slug, slug.replace("-", " ").title(), town))
    start = (now - timedelta(days=3 * 365)).timestamp()
    span = 3 * 365 * 86400
    days = span / 86400
    began = time.monotonic()

    def blob(size: str, offset: int = 1) -> str:
        return f"substring(p.b from {offset} for {size})"

    conn.execute(f"""
        WITH base AS (
          SELECT i, to_timestamp({start} + (i - 0.5) * {span} / {n}) AS ts, {_pick('w_channel', 7919)} AS channel,
            CASE WHEN (i - 0.5) * {days} / {n} > {days} - 14 THEN (CASE i % 3 WHEN 0 THEN 'new' ELSE 'in_triage' END)
                 ELSE {_pick('w_old', 49979687)} END AS status
          FROM generate_series(1::bigint, {n}::bigint) AS i
        )
        INSERT INTO reports (id, reference, received_at, channel, reporter_type, incident_date,
          incident_date_approximate, area, police_consent, support_wanted, status, priority, retain_until,
          submission_key, key_algorithm, public_key, group_key_id, key_wrap_group, key_wrap_receipt,
          receipt_lookup, receipt_salt, receipt_kdf, receipt_verifier, content, assignee_id, closure_reason,
          staff_flags, centre_id, new_information, receipt_reissued, strategy_groups)
        SELECT i, 'HC-BS-' || lpad(i::text, 8, '0'), date_trunc('second', ts), channel,
          {_pick('w_reporter', 104729)}, (ts - (i % 30) * interval '1 day')::date, i % 4 = 0, {_pick('w_area', 15485863)},
          {_pick('w_consent', 32452843)}, i % 5 < 2,
          status,
          'normal', (ts + interval '2190 days')::date, 'bench-' || i, 'X25519', {blob('1216')}, {group_id},
          {blob('1257', 3)}, {blob('125', 7)}, lpad(i::text, 8, '0'), {blob('16', 11)}, 'argon2id:t=2,m=19456,p=1',
          {blob('32', 13)}, {blob('1900 + (i % 800)::int', 1 + 0)}, NULL,
          CASE WHEN status = 'closed' THEN {_pick('w_closure', 67867967)} END,
          CASE WHEN i % 12 = 0 THEN {blob('160', 17)} END,
          CASE WHEN channel IN ('centre', 'centre_link') THEN 1 + i % 4 END, false, false,
          CASE WHEN i < {n // 3} THEN NULL WHEN i % 20 = 0 THEN 'migrant' WHEN i % 20 = 1 THEN 'gypsy_roma_traveller'
               WHEN i % 20 = 2 THEN 'disability' WHEN i % 20 = 3 THEN 'transgender' WHEN i % 20 = 4
               THEN 'disability,migrant' ELSE '' END
        FROM base JOIN blob_pool p ON p.k = base.i % {POOL}
    """)
    conn.execute("SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))")
    log(f"fill: {n} reports in {time.monotonic() - began:.0f} s")
    conn.execute(f"INSERT INTO report_strands (report_id, strand) SELECT id, {_pick('w_strand', 86028121, 'id::bigint')}"
                 " FROM reports")
    conn.execute(f"INSERT INTO report_strands (report_id, strand)"
                 f" SELECT id, {_pick('w_strand', 179424673, 'id::bigint')} FROM reports WHERE id % 5 = 0"
                 " ON CONFLICT DO NOTHING")
    conn.execute(f"INSERT INTO report_incident_types (report_id, incident_type)"
                 f" SELECT id, {_pick('w_type', 275604541, 'id::bigint')} FROM reports")
    conn.execute(f"INSERT INTO report_incident_types (report_id, incident_type)"
                 f" SELECT id, {_pick('w_type', 373587883, 'id::bigint')} FROM reports WHERE id % 3 = 0"
                 " ON CONFLICT DO NOTHING")
    log(f"fill: strands and incident types by {time.monotonic() - began:.0f} s")
    conn.execute("""
        INSERT INTO case_events (report_id, at, actor_id, kind, action, before, after, sealed)
        SELECT id, received_at + (id % 97) * interval '1 hour', NULL, 'status', 'changed', 'new', 'in_triage', NULL
        FROM reports WHERE status != 'new'
    """)
    conn.execute(f"""
        INSERT INTO case_events (report_id, at, actor_id, kind, action, before, after, sealed)
        SELECT id, received_at + (1 + id % 13) * interval '1 day', NULL, 'status', 'changed', 'in_triage',
               'under_review', substring(p.b from 1 for 300)
        FROM reports JOIN blob_pool p ON p.k = reports.id % {POOL}
        WHERE status IN ('under_review', 'referred') OR (status != 'new' AND id % 4 = 0)
    """)
    conn.execute(f"""
        INSERT INTO case_events (report_id, at, actor_id, kind, action, sealed)
        SELECT id, received_at + interval '2 days', NULL, 'note', '', substring(p.b from 21 for 400)
        FROM reports JOIN blob_pool p ON p.k = reports.id % {POOL} WHERE id % 2 = 0
    """)
    log(f"fill: status history by {time.monotonic() - began:.0f} s")
    conn.execute(f"""
        INSERT INTO referrals (report_id, created_at, created_by_id, state, kind, shared_fields, police_key_id,
          package, sent_at, acknowledged_at, crime_reference, outcome, outcome_at)
        SELECT id, sent, NULL,
          CASE WHEN id % 50 = 0 THEN 'sent' WHEN id % 3 = 0 THEN 'crime_recorded' WHEN id % 3 = 1 THEN 'closed'
               ELSE 'acknowledged' END,
          'full', '[]', {police_id}, substring(p.b from 31 for 1500), sent,
          CASE WHEN id % 50 != 0 THEN sent + (id % 7) * interval '12 hours' END,
          CASE WHEN id % 50 != 0 AND id % 3 = 0 THEN '22/' || lpad((id % 100000)::text, 5, '0') || '/' || (id % 30) END,
          CASE WHEN id % 50 != 0 AND id % 3 = 0 THEN 'crime_recorded'
               WHEN id % 50 != 0 AND id % 3 = 1 THEN 'non_crime_hate_incident' END,
          CASE WHEN id % 50 != 0 AND id % 3 != 2 THEN sent + interval '9 days' END
        FROM (SELECT id, received_at + (2 + id % 9) * interval '1 day' AS sent
              FROM reports WHERE status = 'referred' OR (status IN ('resolved', 'closed') AND id % 10 = 0)) AS r
        JOIN blob_pool p ON p.k = r.id % {POOL}
    """)
    conn.execute("""
        INSERT INTO case_links (report_id, other_id, kind, created_at)
        SELECT id, id - 1, CASE WHEN id % 2 = 0 THEN 'related' ELSE 'duplicate' END, received_at
        FROM reports WHERE id % 40 = 0
    """)
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
              for table in ("reports", "report_strands", "report_incident_types", "case_events", "referrals", "case_links")}
    # What autovacuum does after a bulk load: statistics, and the visibility map index-only scans need.
    conn.execute("VACUUM ANALYZE")
    conn.close()
    log(f"fill: done in {time.monotonic() - began:.0f} s: {counts}")
    return counts


def fill(path: Path, n: int, now: datetime) -> dict[str, int]:
    """Write n reports and their rows by SQL; returns row counts."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")  # one write of each page while filling; WAL again after
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    for name, pairs in (("w_area", AREAS), ("w_strand", STRANDS), ("w_type", TYPES), ("w_channel", CHANNELS),
                        ("w_reporter", REPORTERS), ("w_consent", CONSENTS), ("w_old", OLD_STATUS),
                        ("w_closure", CLOSURES)):
        _weights_table(conn, name, pairs)
    conn.execute("INSERT INTO service_keys (kid, purpose, algorithm, public_key, created_at) VALUES"
                 " ('bench-group', 'group', 'X25519', zeroblob(32), '2020-01-01 00:00:00.000000'),"
                 " ('bench-police', 'police', 'X25519', zeroblob(32), '2020-01-01 00:00:00.000000')")
    group_id, police_id = (conn.execute("SELECT id FROM service_keys WHERE kid = ?", (k,)).fetchone()[0]
                           for k in ("bench-group", "bench-police"))
    for slug, town in (("shrewsbury-library", "shrewsbury"), ("oswestry-library", "oswestry"),
                       ("ludlow-council", "ludlow"), ("telford-charity", "telford_and_wrekin")):
        conn.execute("INSERT INTO centres (slug, name, address, town, postcode, opening_hours, phone, offers, languages,"
                     " how_to_get_help, active, created_at, opened_on, contact_email) VALUES (?, ?, '', ?, '', '', '', '[]',"
                     " '[]', '', 1, '2020-01-01 00:00:00.000000', '2020-01-01', '')", (slug, slug.replace("-", " ").title(), town))
    start = (now - timedelta(days=3 * 365)).timestamp()
    span = 3 * 365 * 86400
    julian_start = 2440587.5 + start / 86400
    days = span / 86400
    began = time.monotonic()
    conn.execute(f"""
        WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}),
        base AS (
          SELECT i, {julian_start} + (i - 0.5) * {days} / {n} AS jd, {_pick('w_channel', 7919)} AS channel,
            CASE WHEN (i - 0.5) * {days} / {n} > {days} - 14 THEN (CASE i % 3 WHEN 0 THEN 'new' ELSE 'in_triage' END)
                 ELSE {_pick('w_old', 49979687)} END AS status
          FROM seq
        )
        INSERT INTO reports (id, reference, received_at, channel, reporter_type, incident_date,
          incident_date_approximate, area, police_consent, support_wanted, status, priority, retain_until,
          submission_key, key_algorithm, public_key, group_key_id, key_wrap_group, key_wrap_receipt,
          receipt_lookup, receipt_salt, receipt_kdf, receipt_verifier, content, assignee_id, closure_reason,
          staff_flags, centre_id, new_information, receipt_reissued, strategy_groups)
        SELECT i, printf('HC-BS-%08d', i), strftime('%Y-%m-%d %H:%M:%S', jd) || '.000000', channel,
          {_pick('w_reporter', 104729)}, date(jd - (i % 30)), i % 4 = 0, {_pick('w_area', 15485863)},
          {_pick('w_consent', 32452843)}, i % 5 < 2,
          status,
          'normal', date(jd + 6 * 365), printf('bench-%d', i), 'X25519', zeroblob(1216), {group_id},
          zeroblob(1257), zeroblob(125), printf('%08d', i), zeroblob(16), 'argon2id:t=2,m=19456,p=1',
          zeroblob(32), zeroblob(1900 + (i % 800)), NULL,
          CASE WHEN status = 'closed' THEN {_pick('w_closure', 67867967)} END, CASE WHEN i % 12 = 0 THEN zeroblob(160) END,
          CASE WHEN channel IN ('centre', 'centre_link') THEN 1 + i % 4 END, 0, 0,
          CASE WHEN i < {n // 3} THEN NULL WHEN i % 20 = 0 THEN 'migrant' WHEN i % 20 = 1 THEN 'gypsy_roma_traveller'
               WHEN i % 20 = 2 THEN 'disability' WHEN i % 20 = 3 THEN 'transgender' WHEN i % 20 = 4
               THEN 'disability,migrant' ELSE '' END
        FROM base
    """)
    log(f"fill: {n} reports in {time.monotonic() - began:.0f} s")
    conn.execute(f"INSERT INTO report_strands (report_id, strand) SELECT id, {_pick('w_strand', 86028121, 'id')} FROM reports")
    conn.execute(f"INSERT OR IGNORE INTO report_strands (report_id, strand)"
                 f" SELECT id, {_pick('w_strand', 179424673, 'id')} FROM reports WHERE id % 5 = 0")
    conn.execute(f"INSERT INTO report_incident_types (report_id, incident_type) SELECT id, {_pick('w_type', 275604541, 'id')} FROM reports")
    conn.execute(f"INSERT OR IGNORE INTO report_incident_types (report_id, incident_type)"
                 f" SELECT id, {_pick('w_type', 373587883, 'id')} FROM reports WHERE id % 3 = 0")
    log(f"fill: strands and incident types by {time.monotonic() - began:.0f} s")
    # Status history: the first review for every report past "new"; "under review" for about a third.
    conn.execute("""
        INSERT INTO case_events (report_id, at, actor_id, kind, action, before, after, sealed)
        SELECT id, strftime('%Y-%m-%d %H:%M:%S', julianday(received_at) + (id % 97) / 24.0) || '.000000', NULL,
               'status', 'changed', 'new', 'in_triage', NULL
        FROM reports WHERE status != 'new'
    """)
    conn.execute("""
        INSERT INTO case_events (report_id, at, actor_id, kind, action, before, after, sealed)
        SELECT id, strftime('%Y-%m-%d %H:%M:%S', julianday(received_at) + 1 + (id % 13)) || '.000000', NULL,
               'status', 'changed', 'in_triage', 'under_review', zeroblob(300)
        FROM reports WHERE status IN ('under_review', 'referred') OR (status != 'new' AND id % 4 = 0)
    """)
    conn.execute("""
        INSERT INTO case_events (report_id, at, actor_id, kind, action, sealed)
        SELECT id, strftime('%Y-%m-%d %H:%M:%S', julianday(received_at) + 2) || '.000000', NULL, 'note', '', zeroblob(400)
        FROM reports WHERE id % 2 = 0
    """)
    log(f"fill: status history by {time.monotonic() - began:.0f} s")
    conn.execute(f"""
        INSERT INTO referrals (report_id, created_at, created_by_id, state, kind, shared_fields, police_key_id,
          package, sent_at, acknowledged_at, crime_reference, outcome, outcome_at)
        SELECT id, sent, NULL,
          CASE WHEN id % 50 = 0 THEN 'sent' WHEN id % 3 = 0 THEN 'crime_recorded' WHEN id % 3 = 1 THEN 'closed'
               ELSE 'acknowledged' END,
          'full', '[]', {police_id}, zeroblob(1500), sent,
          CASE WHEN id % 50 != 0 THEN strftime('%Y-%m-%d %H:%M:%S', julianday(sent) + (id % 7) / 2.0) || '.000000' END,
          CASE WHEN id % 50 != 0 AND id % 3 = 0 THEN printf('22/%05d/%d', id % 100000, id % 30) END,
          CASE WHEN id % 50 != 0 AND id % 3 = 0 THEN 'crime_recorded'
               WHEN id % 50 != 0 AND id % 3 = 1 THEN 'non_crime_hate_incident' END,
          CASE WHEN id % 50 != 0 AND id % 3 != 2 THEN strftime('%Y-%m-%d %H:%M:%S', julianday(sent) + 9) || '.000000' END
        FROM (SELECT id, strftime('%Y-%m-%d %H:%M:%S', julianday(received_at) + 2 + (id % 9)) || '.000000' AS sent
              FROM reports WHERE status = 'referred' OR (status IN ('resolved', 'closed') AND id % 10 = 0))
    """)
    conn.execute("""
        INSERT INTO case_links (report_id, other_id, kind, created_at)
        SELECT id, id - 1, CASE WHEN id % 2 = 0 THEN 'related' ELSE 'duplicate' END, received_at
        FROM reports WHERE id % 40 = 0
    """)
    conn.commit()
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("reports", "report_strands", "report_incident_types", "case_events", "referrals", "case_links")}
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    log(f"fill: done in {time.monotonic() - began:.0f} s: {counts}")
    return counts


def make_app(database_url: str, tmp: Path) -> Any:
    from reporting import create_app, crypto

    return create_app({
        "ENV_NAME": "development", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False, "INSTANCE_PATH": str(tmp / "instance"),
        "PASSWORD_KDF": crypto.KDF_TEST.encode(), "RECEIPT_KDF": crypto.KDF_TEST.encode(),
    })



def signed_in(app: Any, role: str) -> Any:
    """A test client signed in as a new account of ``role`` on the bench's app."""
    from reporting.admin import accounts
    from reporting.auth.models import Role
    from reporting.extensions import db
    from reporting.settings import current_settings
    from tests.helpers import sign_in

    email = f"bench-{role}-{os.getpid()}@example.org"
    with app.app_context():
        user = accounts.create_user(email=email, role=Role(role), password=PASSWORD, actor="bench",
                                    settings=current_settings())
        user.must_change_password = False
        db.session.commit()
    client = app.test_client()
    sign_in(client, app, email, PASSWORD)
    return client

class Raw:
    """A plain driver connection beside the app (sqlite3, or psycopg in autocommit): ``?`` placeholders."""

    def __init__(self, url: str) -> None:
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            import psycopg

            self.conn: Any = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)
            self.conn.execute("SET TIME ZONE 'UTC'")
        else:
            self.conn = sqlite3.connect(url.removeprefix("sqlite:///"))

    def execute(self, statement: str, params: Any = ()) -> Any:
        if self.postgres and isinstance(params, tuple):
            statement = statement.replace("?", "%s")
            return self.conn.execute(statement, params or None)
        return self.conn.execute(statement, params)

    def commit(self) -> None:
        if not self.postgres:
            self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def prepare(backend: str, tmp: Path, name: str, n: int, keep: str | None) -> tuple[str, dict[str, int]]:
    """A migrated database of ``n`` reports (filled, or the kept one); its URL and row counts."""
    from flask_migrate import upgrade

    from reporting.extensions import db
    from tests.bench.common import Backend

    if backend == "postgresql":
        pg = Backend("postgresql", tmp)
        fresh = not (keep and pg.exists(name))
        url = pg.create(name) if fresh else pg.url(name)
        where = pg.db_name(name)
    else:
        path = Path(keep) if keep else tmp / f"{name}.db"
        fresh = not path.exists()
        url, where = f"sqlite:///{path}", str(path)
    app = make_app(url, tmp)
    with app.app_context():
        upgrade()  # on a kept database: the branch may have added a migration since it was filled
        db.engine.dispose()
    if fresh:
        if backend == "postgresql":
            return url, fill_postgres(url, n, datetime.now(UTC))
        return url, fill(Path(where), n, datetime.now(UTC))
    log(f"using the kept database {where}")
    raw = Raw(url)
    # Forget what earlier runs kept, so the first look below is a first look again.
    raw.execute("DELETE FROM stats_months")
    raw.execute("DELETE FROM stats_marks")
    raw.commit()
    counts = {"reports": raw.execute("SELECT count(*) FROM reports").fetchone()[0]}
    raw.close()
    return url, counts


def queue_looks(app: Any, client: Any, paths: list[str], looks: int) -> dict[str, float]:
    """p95 and median (ms) of in-process GETs of the review queue, after two untimed."""
    times = []
    for i in range(looks + 2):
        began = time.perf_counter()
        answer = client.get(paths[i % len(paths)])
        elapsed = (time.perf_counter() - began) * 1000
        if answer.status_code != 200 or b"app-queue" not in answer.data:
            raise RuntimeError(f"{paths[i % len(paths)]} answered {answer.status_code} without a queue")
        if i >= 2:
            times.append(elapsed)
    return {"p95": round(p95(times), 1), "median": round(statistics.median(times), 1)}


QUEUE_SMALL = 1000


def queue_at(backend: str, url: str, tmp: Path) -> dict[str, dict[str, float]]:
    """The review queue in-process on a statistics database, signed in as a reviewer: default and deep pages."""
    from reporting.extensions import db

    app = make_app(url, tmp)
    client = signed_in(app, "reviewer")
    try:
        return {"default": queue_looks(app, client, ["/review/"], REQUESTS),
                "deep": queue_looks(app, client, ["/review/?page=50"], REQUESTS)}
    finally:
        with app.app_context():
            db.engine.dispose()


def main(backend: str = "sqlite") -> dict[str, Any]:
    """Statistics, and the queue, at N reports on ``backend`` ("sqlite" or "postgresql")."""
    postgres = backend == "postgresql"
    keep = os.environ.get("BENCH_STATS_KEEP_PG" if postgres else "BENCH_STATS_KEEP") or None
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmpdir:
        tmp = Path(tmpdir)
        try:
            return _main(backend, tmp, keep)
        finally:
            if postgres:
                from tests.bench.common import Backend

                pg = Backend("postgresql", tmp)
                pg.drop("stats_1k")
                if not keep:
                    pg.drop("stats")


def _main(backend: str, tmp: Path, keep: str | None) -> dict[str, Any]:
    from reporting.extensions import db

    if True:  # (one indentation level, as before)
        url, counts = prepare(backend, tmp, "stats", N, keep)
        app = make_app(url, tmp)
        client = signed_in(app, "analyst")

        import sqlalchemy as sa

        captured: list[tuple[str, Any]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if "GROUP BY" in statement:
                captured.append((statement, parameters))

        with app.app_context():
            engine = db.engine
        raw = Raw(url)
        if not raw.postgres:
            raw.execute("PRAGMA cache_size=-200000")

        def replay(statements: list[tuple[str, Any]]) -> float:
            began = time.perf_counter()
            for statement, parameters in statements:
                raw.execute(statement, parameters).fetchall()
            return (time.perf_counter() - began) * 1000

        def page() -> tuple[float, list[tuple[str, Any]]]:
            captured.clear()
            sa.event.listen(engine, "before_cursor_execute", capture)
            began = time.perf_counter()
            answer = client.get("/stats/")
            elapsed = (time.perf_counter() - began) * 1000
            sa.event.remove(engine, "before_cursor_execute", capture)
            if answer.status_code != 200:
                raise RuntimeError(f"/stats/ answered {answer.status_code}")
            return elapsed, list(captured)

        serial = [0]
        # The case that moves on: 1001 reports before the last one filled (about a day before the fill
        # ended), the same one each time, as on a fresh fill; found by reference, so a kept database
        # with the reports earlier runs added changes the same case (not one that drifts into this month).
        last_filled = raw.execute("SELECT max(reference) FROM reports WHERE reference LIKE 'HC-BS-%'"
                                  if raw.postgres else "SELECT max(reference) FROM reports WHERE reference >= 'HC-BS-'"
                                  " AND reference < 'HC-BS.'").fetchone()[0]
        moved = int(last_filled.removeprefix("HC-BS-")) - 1001

        def change() -> None:
            """What happens between two looks in a live service: a report comes in, a case moves on."""
            serial[0] += 1
            k = serial[0]
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            template = raw.execute("SELECT max(id) FROM reports").fetchone()[0]
            raw.execute(
                "INSERT INTO reports (reference, received_at, channel, reporter_type, incident_date,"
                " incident_date_approximate, area, police_consent, support_wanted, status, priority, retain_until,"
                " submission_key, key_algorithm, public_key, group_key_id, key_wrap_group, key_wrap_receipt,"
                " receipt_lookup, receipt_salt, receipt_kdf, receipt_verifier, content, new_information, receipt_reissued)"
                " SELECT ?, ?, channel, reporter_type, incident_date, incident_date_approximate, area, police_consent,"
                " support_wanted, 'new', priority, retain_until, ?, key_algorithm, public_key, group_key_id,"
                " key_wrap_group, key_wrap_receipt, ?, receipt_salt, receipt_kdf, receipt_verifier, content, FALSE, FALSE"
                " FROM reports WHERE id = ?",
                (f"HC-X{os.getpid() % 10000:04d}{k:05d}", stamp, f"bench-change-{os.getpid()}-{k}",
                 f"{os.getpid() % 10000:04d}{k:04d}", template))
            raw.execute("INSERT INTO case_events (report_id, at, kind, action, before, after)"
                        " VALUES (?, ?, 'status', 'changed', 'new', 'in_triage')",
                        (moved, stamp))
            raw.commit()

        # The whole default page grouped from nothing (every month), then the same statements alone.
        log(f"load average before the looks: {os.getloadavg()}")
        cold_ms, cold_statements = page()
        cold_raw_ms = replay(cold_statements)
        log(f"first /stats/ in {cold_ms:.0f} ms ({len(cold_statements)} GROUP BY statements, {cold_raw_ms:.0f} ms alone)")
        page_ms: list[float] = []
        raw_ms: list[float] = []
        warm_ms: list[float] = []
        statements_per_page: list[int] = []
        for _ in range(REQUESTS):
            change()
            elapsed, ran = page()
            page_ms.append(elapsed)
            raw_ms.append(replay(ran))
            statements_per_page.append(len(ran))
            warm_ms.append(page()[0])  # nothing changed since: every month kept
        # A deletion, as a retention run or an erasure makes: a report of the middle of the range
        # with its history, children first as the ORM deletes them, by plain SQL (the database's
        # triggers forget the months it counted in), then the first look after it.
        victim = raw.execute("SELECT id FROM reports WHERE reference >= 'HC-BS-' AND reference < 'HC-BS.'"
                             " ORDER BY id LIMIT 1 OFFSET ?", (N // 2,)).fetchone()[0]
        for table, column in (("report_strands", "report_id"), ("report_incident_types", "report_id"),
                              ("case_events", "report_id"), ("referrals", "report_id"), ("case_links", "report_id"),
                              ("case_links", "other_id"), ("reports", "id")):
            raw.execute(f"DELETE FROM {table} WHERE {column} = ?", (victim,))  # nosec B608 - names from this list
        raw.commit()
        first_ms, first_statements = page()
        first_raw_ms = replay(first_statements)
        log(f"first /stats/ after a deletion in {first_ms:.0f} ms ({len(first_statements)} GROUP BY statements)")
        raw.close()
        with app.app_context():
            db.engine.dispose()
        # The review queue at N reports against the same at QUEUE_SMALL, same generator, in-process.
        log(f"the queue at {counts.get('reports')} and at {QUEUE_SMALL} reports, in-process")
        queue_large = queue_at(backend, url, tmp)
        small_url, _small_counts = prepare(backend, tmp, "stats_1k", QUEUE_SMALL, None)
        queue_small = queue_at(backend, small_url, tmp)
    page_p95, raw_p95 = p95(page_ms), p95(raw_ms)
    result: dict[str, Any] = {
        # Other work on the machine (1, 5 and 15 minutes) when the timed looks ended: read the ratios.
        "stats_load_average": [round(x, 2) for x in os.getloadavg()],
        "stats_reports": counts.get("reports"), "stats_rows": counts, "stats_requests": REQUESTS,
        # After a new report and a status change each time (the steady state of a live service).
        "stats_1m_p95_ms": round(page_p95, 1), "stats_1m_median_ms": round(statistics.median(page_ms), 1),
        "stats_groupby_p95_ms": round(raw_p95, 1),
        "stats_groupby_statements_per_page": max(statements_per_page),
        "stats_1m_vs_groupby": round(page_p95 / raw_p95, 2) if raw_p95 else None,
        # The same at the median (less moved by a busy machine than the 95th percentile of 30 looks).
        "stats_1m_vs_groupby_median": round(statistics.median(page_ms) / statistics.median(raw_ms), 2)
        if statistics.median(raw_ms) else None,
        "stats_groupby_median_ms": round(statistics.median(raw_ms), 1),
        # Nothing changed since the last look.
        "stats_1m_unchanged_p95_ms": round(p95(warm_ms), 1),
        # The first look after a report is deleted (with its history), and its statements alone.
        "stats_1m_first_ms": round(first_ms, 1), "stats_1m_first_groupby_ms": round(first_raw_ms, 1),
        # The first look ever: every month of the default page grouped (what each look would cost
        # without kept months), and the same statements alone.
        "stats_1m_cold_ms": round(cold_ms, 1), "stats_1m_cold_groupby_ms": round(cold_raw_ms, 1),
        "stats_1m_cold_vs_groupby": round(cold_ms / cold_raw_ms, 2) if cold_raw_ms else None,
        # The review queue (default page, p95, in-process) at N reports vs the same generator's 1,000.
        "queue_1m_vs_1k": round(queue_large["default"]["p95"] / queue_small["default"]["p95"], 2),
        "queue_1m_vs_1k_deep": round(queue_large["deep"]["p95"] / queue_small["deep"]["p95"], 2),
        "queue_1m_ms": queue_large, "queue_1m_small_ms": queue_small,
    }
    result["stats_met"] = {
        "stats_1m_p95_ms": result["stats_1m_p95_ms"] < TARGETS["stats_1m_p95_ms"],
        "stats_1m_vs_groupby": bool(result["stats_1m_vs_groupby"]) and result["stats_1m_vs_groupby"] <= TARGETS["stats_1m_vs_groupby"],
        "stats_1m_first_ms": result["stats_1m_first_ms"] < TARGETS["stats_1m_first_ms"],
        "queue_1m_vs_1k": 0 < result["queue_1m_vs_1k"] <= TARGETS["queue_1m_vs_1k"],
    }
    result["stats_targets"] = TARGETS
    return result


if __name__ == "__main__":
    try:
        outcome = main(sys.argv[1] if len(sys.argv) > 1 else "sqlite")  # "sqlite" or "postgresql"
        code = 0
    except Exception as exc:  # the last stdout line is JSON either way
        log(f"FAILED: {type(exc).__name__}: {exc}")
        outcome = {"stats_error": f"{type(exc).__name__}: {exc}"}
        code = 1
    outcome["stats_elapsed_s"] = round(time.monotonic() - STARTED, 1)
    print(json.dumps(outcome))
    sys.exit(code)
