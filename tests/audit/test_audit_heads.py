"""Issue 26, item 5: the audit chain cannot be rewritten without its key, nor behind a published head.

Someone with a copy of the database (not the secret key) rewrote all 184 entries with plain
SHA-256 and `audit verify` said "intact". Now every entry after the configured unkeyed prefix
(none on a new install) must be keyed; and the head, emailed weekly to the admins and printed
on each meeting pack, is checked by `audit verify --head`, so even someone holding the key
cannot rewrite or cut back the log past a head published before.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from reporting import audit
from reporting.audit.models import AuditEvent
from reporting.extensions import db

HEAD = re.compile(r"Head: (\d+:[0-9a-f]{64})")


@pytest.fixture
def logged(app, make_user):  # type: ignore[no-untyped-def]
    """A short log: keys made, some accounts created and granted."""
    make_user("admin", email="admin-one@example.org")
    make_user("admin", email="admin-two@example.org")
    make_user("reviewer")
    make_user("analyst")
    return app


def _rehash(app, *, keyed: bool, change: dict[int, str] | None = None) -> int:  # type: ignore[no-untyped-def]
    """Rewrite every entry's hashes from the first, as a forger would (``change``: seq -> new actor)."""
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        previous = audit.GENESIS
        for row in rows:
            actor = (change or {}).get(row.seq, row.actor)
            fields = (previous, row.seq, row.at, row.actor_id, actor, row.action, row.target, row.detail)
            digest = audit._entry_hash(*fields) if keyed else audit._legacy_hash(*fields)
            db.session.execute(text("UPDATE audit_events SET actor = :a, previous_hash = :p, entry_hash = :h "
                                    "WHERE seq = :s"), {"a": actor, "p": previous, "h": digest, "s": row.seq})
            previous = digest
        db.session.commit()
        return len(rows)


def _verify(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["audit", "verify", *args])


def test_a_log_rewritten_without_the_key_fails(logged, runner):
    app = logged
    assert _verify(runner).exit_code == 0
    first_grant = None
    with app.app_context():
        first_grant = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.action == "keys.grant"))
    count = _rehash(app, keyed=False, change={first_grant: "someone.else@example.org"})
    assert count >= 8
    result = _verify(runner)
    assert result.exit_code != 0, result.output
    assert "broken at entry 1" in result.output and "not keyed" in result.output


def test_an_older_installs_unkeyed_start_is_accepted_only_as_far_as_configured(make_app, keys, runner):  # type: ignore[no-untyped-def]
    # An install from before the keyed chain: its first entries were plain SHA-256.
    with make_app().app_context():
        for n in range(3):
            audit.record("signin.failed", "user:unknown", actor="anonymous")
        db.session.commit()
    older = make_app(AUDIT_UNKEYED_ENTRIES=4)
    with older.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        assert len(rows) == 4
    _rehash(older, keyed=False)
    with older.app_context():  # the new code goes on keyed
        audit.record("signin.failed", "user:unknown", actor="anonymous")
        db.session.commit()
        assert audit.verify() is None
        assert audit.verify(unkeyed_allowed=3) == audit.Problem(4, "not keyed with this install's secret key: rewritten without it")
    assert older.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    # The same copy on an install that never had unkeyed entries: refused from the first.
    assert runner.invoke(args=["audit", "verify"]).exit_code != 0


def test_a_log_rewritten_with_the_key_fails_against_a_published_head(logged, runner, make_user):
    """The worst case: the forger has the database and the secret key. A head published
    before (outside the database) still shows the rewrite, and a cut-back tail."""
    app = logged
    published = HEAD.search(_verify(runner).output).group(1)
    seq = int(published.split(":")[0])
    make_user("reviewer")  # the log grows after the head was published
    assert _verify(runner, "--head", published).exit_code == 0

    with app.app_context():
        early = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.action == "user.create"))
    assert early < seq
    _rehash(app, keyed=True, change={early: "someone.else@example.org"})
    assert _verify(runner).exit_code == 0, "rewritten with the key, the chain alone looks intact"
    result = _verify(runner, "--head", published)
    assert result.exit_code != 0
    assert f"broken at entry {seq}" in result.output and "published" in result.output


def test_a_log_cut_back_past_a_published_head_fails(logged, runner):
    app = logged
    published = HEAD.search(_verify(runner).output).group(1)
    seq = int(published.split(":")[0])
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": seq - 1})
        db.session.commit()
    assert _verify(runner).exit_code == 0
    result = _verify(runner, "--head", published)
    assert result.exit_code != 0 and f"entry {seq}:" in result.output and "cut back" in result.output


def test_bad_heads_get_a_clear_error(logged, runner, tmp_path):
    for bad in ("12", "x:y", "5:" + "g" * 64):
        result = _verify(runner, "--head", bad)
        assert result.exit_code != 0 and "SEQ:HASH" in result.output
    empty = tmp_path / "heads.txt"
    empty.write_text("nothing here\n")
    assert "SEQ:HASH" in _verify(runner, "--head-file", str(empty)).output


@pytest.fixture
def mail_app(make_app, smtp_server):  # type: ignore[no-untyped-def]
    host, port, received = smtp_server
    return make_app(MAIL_SERVER=host, MAIL_PORT=port), received


def test_the_weekly_email_publishes_the_head_outside_the_database(mail_app, keys, make_user, tmp_path):
    app, received = mail_app
    make_user("admin", email="admin-one@example.org")
    make_user("admin", email="admin-two@example.org")
    make_user("reviewer", email="reviewer@example.org")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "publish-head"])
    assert result.exit_code == 0, result.output
    assert "Emails sent: 2 of 2" in result.output
    assert sorted(message["To"] for message in received) == ["admin-one@example.org", "admin-two@example.org"]
    body = received[0].get_payload(decode=True).decode()
    head = HEAD.search(body).group(1)
    with app.app_context():
        newest = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert head == f"{newest.seq}:{newest.entry_hash}" and newest.action == "audit.head_published"
    assert "reviewer@example.org" not in body and "grant" not in body.lower()  # a number and a hash only

    saved = tmp_path / "saved-email.txt"
    saved.write_text(body)
    assert runner.invoke(args=["audit", "verify", "--head-file", str(saved)]).exit_code == 0
    with app.app_context():
        db.session.execute(text("UPDATE audit_events SET detail = '{}' WHERE seq = 2"))
        db.session.commit()
    _rehash(app, keyed=True)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify", "--head-file", str(saved)]).exit_code != 0

    # A broken log is reported in the email, and nothing is published as a head.
    _rehash(app, keyed=False)
    received.clear()
    result = runner.invoke(args=["audit", "publish-head"])
    assert result.exit_code != 0
    assert len(received) == 2 and "FAILED" in received[0]["Subject"]
