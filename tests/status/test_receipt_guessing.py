"""A wrong receipt code: the same answer and timing whether or not its lookup part exists; rate limited."""
from __future__ import annotations

import re
import time

from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import csrf_token, minimal_answers, report

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def attempt(client, code: str) -> tuple[int, str, float]:
    token = csrf_token(client, "/status")
    # CPU time of this process (the app runs in it): steadier than wall-clock on a busy machine.
    started = time.process_time()
    response = client.post("/status", data={"csrf_token": token, "receipt": code})
    elapsed = time.process_time() - started
    return response.status_code, TOKEN.sub("", response.get_data(as_text=True)), elapsed


def test_wrong_codes_look_the_same_whether_or_not_the_lookup_part_exists(make_app):
    # A receipt KDF costly enough that skipping it would show.
    app = make_app(RECEIPT_KDF="argon2id:t=1,m=8192,p=1")
    from reporting.keys.services import init_keys

    with app.app_context():
        init_keys()
        db.session.commit()
    _, receipt = report(app.test_client(), minimal_answers())
    with app.app_context():
        lookup = db.session.scalar(select(Report.receipt_lookup))
    digits = receipt.replace(" ", "")
    assert digits.startswith(lookup)
    secret = digits[8:]
    wrong_secret = lookup + secret[:-1] + str((int(secret[-1]) + 1) % 10)
    absent_lookup = str((int(lookup) + 1) % 10**8).zfill(8) + secret

    client = app.test_client()
    timings: dict[str, list[float]] = {"existing": [], "absent": []}
    bodies = set()
    for _ in range(15):
        for name, code in (("existing", wrong_secret), ("absent", absent_lookup)):
            status, body, elapsed = attempt(client, code)
            assert status == 200
            bodies.add(body)
            timings[name].append(elapsed)
    assert len(bodies) == 1, "the two kinds of wrong code must get the same page"
    # The quickest of each: what the work itself costs, without the noise of a busy machine
    # (a skipped derivation would make one side several times quicker, fastest run included).
    existing, absent = min(timings["existing"]), min(timings["absent"])
    assert max(existing, absent) / min(existing, absent) < 1.5, (existing, absent)


def test_receipt_lookups_are_rate_limited_with_a_clear_page(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STATUS="3 per minute")
    client = app.test_client()
    statuses = [attempt(client, "1234 5678 1234 5678 1234 5678")[0] for _ in range(3)]
    token = csrf_token(client, "/status")
    limited = client.post("/status", data={"csrf_token": token, "receipt": "1234 5678 1234 5678 1234 5678"})
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert "Too many" in limited.get_data(as_text=True) or "too many" in limited.get_data(as_text=True)


def test_the_whole_service_has_a_ceiling_on_lookups(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STATUS="100 per minute", RATELIMIT_STATUS_GLOBAL="4 per minute")
    results = []
    for number in range(5):
        client = app.test_client()
        token = csrf_token(client, "/status")
        response = client.post("/status", data={"csrf_token": token, "receipt": "1" * 24},
                               environ_base={"REMOTE_ADDR": f"192.0.2.{number + 1}"})
        results.append(response.status_code)
    assert results[:4] == [200] * 4 and results[4] == 429
