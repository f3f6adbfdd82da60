"""A report's reference and receipt lookup are drawn at random and must be unused: the insert
refuses a taken one and the send draws again, so the reporter never sees the clash. A
draft already sent by another click is said to be sent, and nothing is stored twice."""
from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from reporting import crypto
from reporting.exceptions import AlreadySentError
from reporting.extensions import db
from reporting.reports import services
from reporting.reports.models import Channel, Report
from tests.helpers import answer_all, minimal_answers, post_form, report, start


def _count() -> int:
    return int(db.session.scalar(select(func.count(Report.id))) or 0)


def _opens(app, reference: str, receipt: str) -> bool:  # type: ignore[no-untyped-def]
    visitor = app.test_client()
    post_form(visitor, "/status", {"receipt": receipt})
    return reference in visitor.get("/status/report").get_data(as_text=True)


def test_a_reference_already_used_is_drawn_again(app, client, monkeypatch):
    first, first_receipt = report(client, minimal_answers())
    drawn: list[str] = []
    real = services._new_reference

    def draw(now: datetime) -> str:
        drawn.append(first if not drawn else real(now))
        return drawn[-1]

    monkeypatch.setattr(services, "_new_reference", draw)
    second, second_receipt = report(app.test_client(), minimal_answers())
    assert len(drawn) == 2 and second == drawn[1] != first
    with app.app_context():
        assert _count() == 2
    assert _opens(app, first, first_receipt)
    assert _opens(app, second, second_receipt)


def test_a_receipt_lookup_already_used_is_drawn_again(app, client, monkeypatch):
    first, first_receipt = report(client, minimal_answers())
    taken = crypto.parse_receipt(first_receipt).lookup
    real = crypto.new_receipt
    drawn: list[crypto.Receipt] = []

    def draw() -> crypto.Receipt:
        fresh = real()
        drawn.append(crypto.Receipt(taken, fresh.secret) if not drawn else fresh)
        return drawn[-1]

    monkeypatch.setattr(crypto, "new_receipt", draw)
    second, second_receipt = report(app.test_client(), minimal_answers())
    assert len(drawn) == 2 and crypto.parse_receipt(second_receipt).lookup != taken
    with app.app_context():
        assert _count() == 2
    assert _opens(app, first, first_receipt)
    assert _opens(app, second, second_receipt)


def test_a_draft_another_click_sent_first_is_not_stored_twice(app, client):
    """Two copies of one draft read before either was sent: the second send finds the
    draft's submission key taken and stops, whatever its own copy of the draft says."""
    start(client)
    answer_all(client, minimal_answers())
    with client.session_transaction() as cookie:
        draft_id, key = cookie["draft"]["id"], base64.urlsafe_b64decode(cookie["draft"]["key"])
    kdf = crypto.KdfParams.decode("argon2id:t=1,m=64,p=1")
    now = datetime.now(UTC)
    with app.test_request_context():
        first, second = (services.open_draft(draft_id, key, now=now) for _ in range(2))
        services.submit_report(first, channel=Channel.ONLINE, now=now, receipt_kdf=kdf,
                               retention_years=7, sent_minutes=30)
        db.session.commit()
        with pytest.raises(AlreadySentError):
            services.submit_report(second, channel=Channel.ONLINE, now=now, receipt_kdf=kdf,
                                   retention_years=7, sent_minutes=30)
        db.session.rollback()
        assert _count() == 1
