"""Promise 5: decryptions, status changes and key operations go into a hash-chained
log, and `flask audit verify` names the first entry that was edited, deleted or moved."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from reporting import audit
from reporting.audit.models import AuditEvent
from reporting.extensions import db
from reporting.settings import current_settings
from tests.helpers import csrf_token, full_answers, post_form, report, sign_in

CANARY = "AUDITCANARY42"


@dataclass
class Story:
    reference: str
    report_id: int
    reviewer: str
    newcomer: str
    newcomer_id: int


@pytest.fixture
def story(app, client, keys, make_user, runner) -> Story:  # type: ignore[no-untyped-def]
    """A morning's work, done the way people do it."""
    reference, _ = report(client, full_answers(CANARY))
    reviewer = make_user("reviewer")
    staff = app.test_client()
    failed = post_form(staff, "/staff/login", {"email": reviewer.email, "password": "not the right password"})
    assert "not right" in failed.get_data(as_text=True)
    sign_in(staff, app, reviewer.email)
    assert CANARY in staff.get(f"/review/cases/{reference}").get_data(as_text=True)  # a decryption
    token = csrf_token(staff, f"/review/cases/{reference}")
    moved = staff.post(f"/review/cases/{reference}/status", data={
        "csrf_token": token, "status-status": "in_triage", "status-reason": f"first look {CANARY}",
    })
    assert moved.status_code == 302
    newcomer = make_user("reviewer", holder=False)
    granted = runner.invoke(args=["keys", "grant", "--email", newcomer.email, "--recovery-key-stdin"],
                            input=keys.recovery_text + "\n")
    assert granted.exit_code == 0, granted.output
    # Someone holds the keys already, so the two-person rule: the reviewer approves.
    waiting = staff.get("/staff/grants").get_data(as_text=True)
    action = re.search(r'action="(/staff/grants/\d+/approve)"', waiting)
    assert action, waiting
    approved = staff.post(action.group(1), data={"csrf_token": csrf_token(staff, "/staff/grants")})
    assert approved.status_code == 302
    with app.app_context():
        report_id = db.session.scalar(text("SELECT id FROM reports WHERE reference = :r"), {"r": reference})
    return Story(reference, report_id, reviewer.email, newcomer.email, newcomer.id)


def entries(app) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return rows


def verify(runner) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def broken_at(output: str) -> int:
    match = re.search(r"broken at entry (\d+)", output)
    assert match, output
    return int(match.group(1))


def test_each_kind_of_action_is_logged_with_who_did_it(app, story, runner):
    log = entries(app)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))

    def one(action: str, target: str | None = None) -> AuditEvent:
        found = [e for e in log if e.action == action and (target is None or e.target == target)]
        assert found, f"no {action} entry for {target}; the log has {[(e.action, e.target) for e in log]}"
        return found[-1]

    assert one("signin.failed").actor == "anonymous"
    assert one("signin").actor == story.reviewer
    decrypt = one("case.decrypt", f"report:{story.report_id}")
    assert decrypt.actor == story.reviewer
    assert story.reference in decrypt.detail
    status = one("case.status", f"report:{story.report_id}")
    assert status.actor == story.reviewer
    assert "new>in_triage" in status.detail
    assert one("keys.grant_requested", f"user:{story.newcomer_id}").actor == "cli"
    grant = one("keys.grant", f"user:{story.newcomer_id}")
    assert grant.actor == story.reviewer
    assert '"via":"holder"' in grant.detail
    assert one("keys.grant_approved", f"user:{story.newcomer_id}").actor == story.reviewer
    assert one("keys.init").actor == "cli"
    # In order: the failure, the sign-in, then what was done once signed in.
    seqs = [one(a).seq for a in ("signin.failed", "signin", "case.decrypt", "case.status")]
    assert seqs == sorted(seqs)
    # Ids and codes only: nothing anyone wrote.
    assert all(CANARY not in f"{e.actor}{e.action}{e.target}{e.detail}" for e in log)

    code, output = verify(runner)
    assert code == 0, output
    assert f"intact: {len(log)} entries" in output


def test_a_grant_by_a_holder_names_the_holder(app, story, make_user):
    from reporting.auth import services as auth_services
    from reporting.auth.models import User
    from reporting.keys.services import grant_from_holder

    late = make_user("reviewer", holder=False)
    with app.app_context():
        granter, private = auth_services.sign_in_with_password(
            story.newcomer, "correct horse battery staple", client="t", settings=current_settings())
        grant_from_holder(granter, private, db.session.get(User, late.id))
        db.session.commit()
    grant = [e for e in entries(app) if e.action == "keys.grant" and e.target == f"user:{late.id}"]
    assert [e.actor for e in grant] == [story.newcomer]


def _middle(app) -> int:  # type: ignore[no-untyped-def]
    log = entries(app)
    assert len(log) >= 8
    return log[len(log) // 2].seq


def _execute(app, sql: str, **params) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        result = db.session.execute(text(sql), params)
        assert result.rowcount >= 1
        db.session.commit()


def test_editing_an_entrys_detail_is_named(app, story, runner):
    seq = next(e for e in entries(app) if e.action == "case.status").seq
    _execute(app, """UPDATE audit_events SET detail = '{"change":"new>closed"}' WHERE seq = :seq""", seq=seq)
    code, output = verify(runner)
    assert code != 0
    assert broken_at(output) == seq
    assert "changed" in output


def test_editing_an_entrys_actor_is_named(app, story, runner):
    decrypt = next(e for e in entries(app) if e.action == "case.decrypt")
    _execute(app, "UPDATE audit_events SET actor = 'someone.else@example.org' WHERE seq = :seq", seq=decrypt.seq)
    code, output = verify(runner)
    assert code != 0
    assert broken_at(output) == decrypt.seq


def test_deleting_an_entry_is_named(app, story, runner):
    seq = _middle(app)
    _execute(app, "DELETE FROM audit_events WHERE seq = :seq", seq=seq)
    code, output = verify(runner)
    assert code != 0
    assert broken_at(output) == seq
    assert "missing" in output


def test_swapping_two_entries_places_is_named(app, story, runner):
    seq = _middle(app)
    _execute(app, "UPDATE audit_events SET seq = -1 WHERE seq = :seq", seq=seq)
    _execute(app, "UPDATE audit_events SET seq = :seq WHERE seq = :next", seq=seq, next=seq + 1)
    _execute(app, "UPDATE audit_events SET seq = :next WHERE seq = -1", next=seq + 1)
    code, output = verify(runner)
    assert code != 0
    assert broken_at(output) == seq


def test_swapping_two_entries_contents_is_named(app, story, runner):
    seq = _middle(app)
    first, second = (e for e in entries(app) if e.seq in (seq, seq + 1))
    columns = ("at", "actor_id", "actor", "action", "target", "detail", "previous_hash", "entry_hash")
    for row, source in ((first, second), (second, first)):
        _execute(
            app,
            "UPDATE audit_events SET " + ", ".join(f"{c} = :{c}" for c in columns) + " WHERE seq = :seq",
            seq=row.seq, **{c: getattr(source, c) for c in columns},
        )
    code, output = verify(runner)
    assert code != 0
    assert broken_at(output) == seq


def test_an_edit_that_rehashes_its_own_entry_is_caught_at_the_next(app, story, runner):
    """Recomputing the edited entry's hash does not help: the next entry still points at the old one."""
    seq = _middle(app)
    entry = next(e for e in entries(app) if e.seq == seq)
    with app.app_context():  # the one who forges here knows the chain's key: the worst case
        forged = audit._entry_hash(entry.previous_hash, entry.seq, entry.at, entry.actor_id, "someone.else@example.org",
                                   entry.action, entry.target, entry.detail)
    _execute(app, "UPDATE audit_events SET actor = 'someone.else@example.org', entry_hash = :h WHERE seq = :seq",
             h=forged, seq=seq)
    code, output = verify(runner)
    assert code != 0
    assert broken_at(output) == seq + 1


def test_the_log_stays_intact_as_it_grows(app, story, runner):
    assert verify(runner)[0] == 0
    staff = app.test_client()
    sign_in(staff, app, story.newcomer)
    assert CANARY in staff.get(f"/review/cases/{story.reference}").get_data(as_text=True)
    code, output = verify(runner)
    assert code == 0, output
    newest = entries(app)[-1]
    assert (newest.action, newest.actor) == ("case.decrypt", story.newcomer)


def test_a_cut_off_tail_is_caught_against_a_recorded_head(app, runner, make_user):
    import re as _re

    import sqlalchemy as _sa

    make_user("reviewer")
    make_user("reviewer")
    first = runner.invoke(args=["audit", "verify"])
    head = _re.search(r"Head: (\d+:[0-9a-f]{64})", first.output).group(1)
    assert runner.invoke(args=["audit", "verify", "--expect-head", head]).exit_code == 0
    seq = int(head.split(":")[0])
    with app.app_context():
        from reporting.extensions import db

        db.session.execute(_sa.text("DELETE FROM audit_events WHERE seq >= :seq"), {"seq": seq - 1})
        db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0, "a cut tail looks intact on its own"
    cut = runner.invoke(args=["audit", "verify", "--expect-head", head])
    assert cut.exit_code != 0 and f"entry {seq}" in cut.output


def test_changing_who_did_it_is_detected(app, runner, make_user):
    import sqlalchemy as _sa

    first, second = make_user("reviewer"), make_user("reviewer")
    with app.app_context():
        from reporting.extensions import db

        db.session.execute(_sa.text("UPDATE audit_events SET actor_id = :other WHERE actor_id IS NULL AND seq = (SELECT min(seq) FROM audit_events)"), {"other": second.id})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "entry 1" in result.output
