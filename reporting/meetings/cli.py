"""`flask actions remind`: tell each agency how many of its actions are due (for a timer)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from reporting.db import utcnow
from reporting.notify import send_email
from reporting.meetings import queries, services
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


def register(app: Flask) -> None:
    app.cli.add_command(actions_cli)
