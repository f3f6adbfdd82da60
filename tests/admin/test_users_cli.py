"""`flask users create / deactivate / list`."""
from __future__ import annotations

from sqlalchemy import select

from reporting.auth.models import User
from reporting.extensions import db
from tests.helpers import sign_in

PASSWORD = "correct horse battery staple"


def test_create_list_and_deactivate(app, runner, keys):
    made = runner.invoke(args=["users", "create", "--email", "New.Reviewer@Example.org", "--role", "reviewer",
                               "--password-stdin"], input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.reviewer@example.org"))
        assert user.role == "reviewer" and user.must_change_password and user.password_verifier
        assert PASSWORD.encode() not in user.password_verifier + user.private_key_wrap
    listing = runner.invoke(args=["users", "list"])
    assert "new.reviewer@example.org\treviewer\tactive\t-" in listing.output
    again = runner.invoke(args=["users", "create", "--email", "new.reviewer@example.org", "--role", "reviewer",
                                "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code != 0 and "exists already" in again.output
    gone = runner.invoke(args=["users", "deactivate", "--email", "new.reviewer@example.org"])
    assert gone.exit_code == 0, gone.output
    assert "inactive" in runner.invoke(args=["users", "list"]).output


def test_create_refuses_bad_input_and_changes_nothing(app, runner, keys):
    cases = [
        (["--role", "reviewer"], "short\n", "at least"),
        (["--role", "centre_staff"], PASSWORD + "\n", "--centre"),
        (["--role", "centre_staff", "--centre", "nowhere"], PASSWORD + "\n", "no centre"),
        (["--role", "reviewer", "--centre", "lib"], PASSWORD + "\n", "only for centre_staff"),
        (["--role", "wizard"], PASSWORD + "\n", "Invalid value"),
        (["--role", "reviewer"], "\n", "no password"),
    ]
    for extra, stdin, message in cases:
        result = runner.invoke(args=["users", "create", "--email", "x@example.org", *extra, "--password-stdin"],
                               input=stdin)
        assert result.exit_code != 0 and message in result.output, (extra, result.output)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_the_last_key_holder_cannot_be_deactivated(app, runner, make_user):
    holder = make_user("reviewer")
    result = runner.invoke(args=["users", "deactivate", "--email", holder.email])
    assert result.exit_code != 0 and "last person" in result.output
    client = app.test_client()
    sign_in(client, app, holder.email)  # still active
