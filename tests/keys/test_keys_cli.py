"""`keys init` and `keys rotate`; the web code holds only public keys."""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting import crypto
from reporting.extensions import db
from reporting.keys.models import ServiceKey
from reporting.keys.services import current_key, private_key_with_recovery
from reporting.keys.models import KeyPurpose
from reporting.reports.models import Report
from tests.helpers import answer_all, minimal_answers, read_report, report, send, start

RECOVERY = re.compile(r"^\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4})+)\s*$", re.M)


def test_keys_init_prints_a_recovery_key_once_and_refuses_a_second_run(app, runner):
    first = runner.invoke(args=["keys", "init"])
    assert first.exit_code == 0, first.output
    recovery = RECOVERY.search(first.output)
    assert recovery, first.output
    with app.app_context():
        group = current_key(KeyPurpose.GROUP)
        assert group.algorithm == crypto.ALG_HYBRID
        # The private half is stored only sealed to the recovery key, which opens it.
        private = private_key_with_recovery(group, recovery.group(1))
        assert len(private) == 96
        assert recovery.group(1).replace("-", "").encode() not in b"".join(
            k.public_key + (k.recovery_wrap or b"") for k in db.session.scalars(select(ServiceKey))
        )

    second = runner.invoke(args=["keys", "init"])
    assert second.exit_code != 0
    assert "--force" in second.output
    assert RECOVERY.search(second.output) is None


def test_keys_init_force_makes_new_keys_and_keeps_old_ones(app, runner):
    runner.invoke(args=["keys", "init"])
    again = runner.invoke(args=["keys", "init", "--force"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        groups = db.session.scalars(select(ServiceKey).where(ServiceKey.purpose == "group")).all()
        assert len(groups) == 2
        assert sum(1 for key in groups if key.retired_at is None) == 1


def test_x25519_is_taken_only_when_named(app, runner):
    result = runner.invoke(args=["keys", "init", "--algorithm", "X25519"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert current_key(KeyPurpose.GROUP).algorithm == crypto.ALG_X25519


def test_keys_init_stops_when_the_build_lacks_ml_kem(app, runner, monkeypatch):
    monkeypatch.setattr(crypto, "hybrid_available", lambda: False)
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code != 0
    assert "ML-KEM" in result.output
    with app.app_context():
        assert db.session.scalar(select(ServiceKey)) is None


def test_rotation_seals_new_reports_to_the_new_key_and_old_ones_stay_readable(app, client, keys, runner):
    old_reference, _ = report(client, minimal_answers())
    # A draft answered before the rotation and sent after it: the send reads the group key with
    # the draft (one statement), so it is sealed to the key current when it is sent.
    waiting = app.test_client()
    start(waiting)
    answer_all(waiting, minimal_answers())
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    waiting_reference, _ = send(waiting)
    new_client = app.test_client()
    new_reference, _ = report(new_client, minimal_answers())
    with app.app_context():
        old_key = db.session.scalar(select(ServiceKey).where(ServiceKey.kid == keys.group_kid))
        assert old_key.retired_at is not None
        new_key = current_key(KeyPurpose.GROUP)
        assert new_key.kid != keys.group_kid
        sealed_to = dict(db.session.execute(select(Report.reference, Report.group_key_id)).all())
        assert sealed_to == {old_reference: old_key.id, waiting_reference: new_key.id, new_reference: new_key.id}
        for reference in (old_reference, waiting_reference, new_reference):
            assert read_report(reference, keys.recovery_text)["answers"]["area"] == "ludlow"


def test_rotate_before_init_explains(runner):
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code != 0
    assert "keys init" in result.output
