"""`flask actions remind`: tell each agency how many of its actions are due; `flask actions
escalate`: tell an agency's lead contact how many are long overdue (both for a daily timer)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from reporting import crypto
from reporting.db import utcnow
from reporting.extensions import db
from reporting.keys.cli import keys_cli
from reporting.notify import send_email
from reporting.meetings import queries, services
from reporting.settings import current_settings
from reporting.urls import external_url

actions_cli = AppGroup("actions", help="Partner agencies' actions.")


@actions_cli.command("remind")
def remind_command() -> None:
    """Email each agency's contact address how many open actions are due: a number and a link, nothing of a case."""
    today = utcnow().date()
    sent = 0
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_BASE_URL") or "http://localhost/"):
        link = external_url("partners.home")
        for agency, count in queries.due_by_agency(today):
            subject, body = services.reminder_notice(count, link)
            if send_email(agency.contact_email, subject, body):
                sent += 1
    click.echo(f"Reminders sent: {sent}")


@actions_cli.command("escalate")
def escalate_command() -> None:
    """Email each agency's lead contact how many of its open actions are overdue by
    REPORTING_ACTION_ESCALATION_DAYS or more: a number and a link, nothing of a case. Each action
    is escalated once (recorded), so running it daily from a timer never sends twice."""
    settings = current_settings()
    today = utcnow().date()
    sent = 0
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_BASE_URL") or "http://localhost/"):
        link = external_url("partners.home")
        for agency, actions in queries.escalation_due(today, settings.action_escalation_days):
            subject, body = services.escalation_notice(len(actions), settings.action_escalation_days, link)
            # Recorded only once it went: a failed email is tried again on the next run.
            if send_email(agency.lead_contact_email or agency.contact_email, subject, body):
                services.mark_escalated(actions)
                db.session.commit()
                sent += 1
    click.echo(f"Escalations sent: {sent}")


@keys_cli.command("split-partners")
@click.option("--recovery-key-stdin", is_flag=True, required=True, help="Read the recovery key from standard input.")
def split_partners_command(recovery_key_stdin: bool) -> None:
    """Once, after upgrading: re-seal what the old shared partners' key sealed to each agency's own key."""
    import sys

    recovery = sys.stdin.readline().strip()
    try:
        done = services.split_partners_key(recovery)
    except crypto.CryptoError:
        raise click.ClickException("that recovery key opens none of the old partners' keys (check it for typos, "
                                   "or use the recovery key printed by the `keys init` that made them)") from None
    db.session.commit()
    click.echo(f"Old partners' keys opened: {done.keys}")
    click.echo(f"Re-sealed to each agency's own key: {done.actions} action(s), {done.updates} update(s), "
               f"{done.summaries} summary(ies)")
    click.echo(f"People granted their own agency's key: {done.granted}")
    click.echo("The old partners' key is retired and nobody holds it any more.")


def register(app: Flask) -> None:
    app.cli.add_command(actions_cli)
