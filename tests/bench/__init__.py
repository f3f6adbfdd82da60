"""Benchmark: `make bench` (``python -m tests.bench``), one module per thing it measures.

Measures, against real gunicorn servers on loopback, beside a bare Flask + SQLAlchemy app
(tests/bench_baseline.py) served the same way in the same run, on each database in
BENCH_DATABASES in turn (SQLite files, then PostgreSQL databases the run creates and drops;
app and baseline always on the same backend; PostgreSQL's keys end in ``_pg``):

- ``submit``: the final submit (``POST /report/check``: validation, sealing, commit)
  against the baseline's single plain INSERT, both served by gunicorn with the same
  workers, SQLite in WAL mode, the same client concurrency and the same N. Once with the
  production receipt KDF (Argon2id defaults from reporting/config.py, untouched) and once
  with a cheap KDF, so the reader sees how much of the cost is Argon2id. Each submit uses
  its own session whose draft was completed beforehand (untimed); only the final POST is
  timed. Then (``pages``) the bytes of HTML + CSS + JS for a first visit to every public page.
- ``queue``: the review queue (GET /review/: default, filtered, deep page) signed in as a
  reviewer at 1,000 and 100,000 reports written straight into the database (``scale``),
  against the baseline's 50-row list page on tables of the same sizes; all servers up at
  once, requests interleaved in small blocks, one at a time (latency). Then the case page
  (GET /review/cases/<ref>) of real reports made through the submit path, for a key holder
  (decrypts) and for a reviewer without the key (the clear part only), at 100,000 reports;
  ``case_decrypt_overhead_vs_floor`` divides the decrypting page's extra time by the work it
  cannot skip, measured in-process in the same run (``queue.case_floor``: the page's own key
  loads and HPKE opens replayed through reporting.crypto, and its audit entry with a commit).
- ``stats`` (tests/bench_stats.py): /stats/ and the review queue at 1,000,000 reports, in-process.
- After each timed phase, ``profile`` runs the same pages in-process under cProfile and
  splits their time into SQL, templates, crypto, session and policy hooks, and the rest.

Parts run in the order of ``PARTS`` in ``tests/bench/__main__.py``, once per backend; a new part
is a module with a ``run(tmp, secret, default_kdf, backend) -> (figures, met)`` function added to
that list, taking its databases from ``backend.create(name)`` (tests/bench/common.Backend).
Progress goes to stderr; the last line on stdout is one JSON object.

Knobs (environment): BENCH_DATABASES (default "sqlite,postgresql"), BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/reporting_bench: the server, and the prefix of the
databases the run creates, e.g. reporting_bench_queue_100000, and drops), BENCH_N (default 200), BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (default 4),
BENCH_WORKERS (gunicorn workers, default 2), BENCH_BUDGET_S (default 280, submit and queue on one backend: on a slow
or busy machine fewer drafts, rounds or page requests run, and the JSON says how many),
BENCH_QUEUE_RESERVE_S (default 115: the part of the budget kept for the queue and case pages),
BENCH_PARTS (default: every part, e.g. "submit,queue"), BENCH_QUEUE_SIZES (default "1000,100000"),
BENCH_QUEUE_REQUESTS (default 100 per page and size), BENCH_CASE_REQUESTS (default 60),
BENCH_CASE_WARMUP (default 10 untimed GETs per case page series, as the queue's),
BENCH_STALE_REFERRALS (default 0.005: referrals the police never acknowledged, of those older than
three days), BENCH_PROFILE_REQUESTS (default 20 per profiled page; 0 skips the profiles).
"""
