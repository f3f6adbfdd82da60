"""Issue 11 item 1: `keys init --force` must not strand later reports."""
from __future__ import annotations

import re

from tests.helpers import csrf_token, full_answers, report, sign_in

CANNOT_READ = "You cannot read this report yet"


def case_page(staff, reference: str) -> str:  # type: ignore[no-untyped-def]
    response = staff.get(f"/review/cases/{reference}")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def submit(client, page: str, action: str):  # type: ignore[no-untyped-def]
    return client.post(action, data={"csrf_token": csrf_token(client, page)})


def grant(runner, email: str, recovery: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["keys", "grant", "--email", email, "--recovery-key-stdin"], input=recovery + "\n")


def test_after_force_each_recovery_key_grants_its_own_keys_and_every_report_opens(app, client, keys, make_user, runner):
    holder = make_user("reviewer")  # held the first keys
    before, _ = report(client, full_answers("sent-before-force"))
    forced = runner.invoke(args=["keys", "init", "--force"])
    assert forced.exit_code == 0, forced.output
    # The command says plainly who must be granted again, and how.
    assert "must be granted the new ones again" in forced.output
    assert holder.email in forced.output
    assert "keys grant --email E --recovery-key-stdin" in forced.output
    new_recovery = re.search(r"RECOVERY KEY.*?\n\n\s+(\S.*?)\n", forced.output, re.S)
    assert new_recovery
    after, _ = report(app.test_client(), full_answers("sent-after-force"))

    newcomer = make_user("reviewer", holder=False)
    staff = app.test_client()
    sign_in(staff, app, newcomer.email)

    # The new recovery key grants the new keys (it used to be refused: "does not open the keys").
    granted = grant(runner, newcomer.email, new_recovery.group(1).strip())
    assert granted.exit_code == 0, granted.output
    assert "sent-after-force" in case_page(staff, after)
    assert CANNOT_READ in case_page(staff, before)

    # The old holder still reads what was sent before, and nothing sent after until granted again.
    old = app.test_client()
    sign_in(old, app, holder.email)
    assert "sent-before-force" in case_page(old, before)
    assert CANNOT_READ in case_page(old, after)

    # The old recovery key opens the old keys; someone holds those, so the two-person rule
    # applies: the command files a request and the old holder approves it.
    asked = grant(runner, newcomer.email, keys.recovery_text)
    assert asked.exit_code == 0, asked.output
    assert "a second key holder must approve" in asked.output
    assert CANNOT_READ in case_page(staff, before)
    waiting = old.get("/staff/grants").get_data(as_text=True)
    assert newcomer.email in waiting
    action = re.search(r'action="(/staff/grants/\d+/approve)"', waiting)
    assert action
    approved = submit(old, "/staff/grants", action.group(1))
    assert approved.status_code == 302
    assert "sent-before-force" in case_page(staff, before)
    assert "sent-after-force" in case_page(staff, after)


def test_a_recovery_key_that_opens_nothing_is_refused_with_a_clear_message(app, keys, make_user, runner):
    newcomer = make_user("reviewer", holder=False)
    wrong = grant(runner, newcomer.email, "0000-0000-0000-0000-0000-0000-0000-0000")
    assert wrong.exit_code != 0
    assert "opens none of the reviewer account's keys" in wrong.output
