"""`flask audit publish-head`: the admins' weekly email of the audit log's head (for a timer).

The head (the newest entry's number and hash) leaves the database in an email the
database cannot reach or take back; `flask audit verify --head SEQ:HASH` later checks the
log still holds it. The email carries a number and a hash, never what was done or by whom.
"""
from __future__ import annotations

import click
from sqlalchemy import select

from reporting import audit
from reporting.audit.cli import audit_cli
from reporting.auth.models import Role, User
from reporting.extensions import db
from reporting.notify import send_email
from reporting.settings import current_settings


def head_notice(service_name: str, problem: audit.Problem | None, head: audit.Head, entries: int) -> tuple[str, str]:
    """Subject and body of the weekly email: the head if the log is intact, where it broke if not."""
    seq, entry_hash = head
    if problem is not None:
        subject = f"{service_name}: the audit log check FAILED"
        body = (f"This week's check of the audit log failed at entry {problem.seq}: {problem.reason}.\n\n"
                "Someone may have changed the database. Tell the Partnership's data protection officer today,\n"
                "and compare the log with the heads in earlier emails like this one:\n"
                "    flask --app reporting audit verify --head-file SAVED-EMAILS\n")
        return subject, body
    subject = f"{service_name}: this week's audit log head"
    body = (f"The audit log was checked and is intact: {entries} entries.\n\n"
            f"Head: {seq}:{entry_hash}\n\n"
            "Keep this email. It is the proof, outside the database, of what the log held today.\n"
            "To check later that nobody rewrote or cut back the log since:\n"
            f"    flask --app reporting audit verify --head {seq}:{entry_hash}\n")
    return subject, body


@audit_cli.command("publish-head")
def publish_head_command() -> None:
    """Check the log and email its head to every active administrator (weekly, from a timer)."""
    problem = audit.verify()
    if problem is None:
        # The publication is itself an entry, so the head sent is the entry saying it was sent.
        audit.record("audit.head_published", "audit", actor="cli")
        db.session.commit()
    head, entries = audit.head(), audit.count()
    subject, body = head_notice(current_settings().service_name, problem, head, entries)
    admins = db.session.scalars(
        select(User.email).where(User.role == Role.ADMIN.value, User.active.is_(True)).order_by(User.email)
    ).all()
    sent = sum(1 for address in admins if send_email(address, subject, body))
    click.echo(f"Head: {head[0]}:{head[1]}")
    click.echo(f"Emails sent: {sent} of {len(admins)}")
    if problem is not None:
        raise click.ClickException(f"audit log broken at entry {problem.seq}: {problem.reason}")
