"""`flask referrals remind`: chase referrals the police have not acknowledged."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from reporting.db import utcnow
from reporting.extensions import db
from reporting.notify import send_email
from reporting.referrals import services
from reporting.settings import current_settings
from reporting.urls import external_url

referrals_cli = AppGroup("referrals", help="Referral reminders.")


@referrals_cli.command("remind")
def remind_command() -> None:
    """Email the force about referrals not acknowledged within the configured working days."""
    address = current_app.config.get("POLICE_REFERRAL_EMAIL")
    if not address:
        raise click.ClickException("set REPORTING_POLICE_REFERRAL_EMAIL to send reminders")
    now = utcnow()
    sent = 0
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_BASE_URL") or "http://localhost/"):
        for referral in services.overdue(now, current_settings()):
            if not services.reminder_due(referral, now):
                continue
            subject, body = services.reminder_notice(external_url("referrals.show_referral", referral_id=referral.id))
            if send_email(address, subject, body):
                services.mark_reminded(referral, now)
                sent += 1
    db.session.commit()
    click.echo(f"Reminders sent: {sent}")


def register(app: Flask) -> None:
    app.cli.add_command(referrals_cli)
