"""`flask retention run`: expired drafts and sessions, then the content of expired reports.

One report per transaction: killed midway, every report is whole or destroyed, and the
next run carries on where this one stopped.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from reporting.db import utcnow
from reporting.exceptions import ContentDestroyedError, OnLegalHoldError
from reporting.extensions import db
from reporting.reports.models import Report

retention_cli = AppGroup("retention", help="Delete what is kept past its time.")


@retention_cli.command("run")
def retention_run() -> None:
    """Delete expired drafts and sessions and destroy the content of expired reports (cron or a timer)."""
    from reporting.auth.services import purge_expired_sessions
    from reporting.reports import services as report_services
    from reporting.retention import services
    from reporting.retention.rules import RetentionSettings
    from reporting.status.services import purge_expired_receipt_sessions

    now = utcnow()
    removed = report_services.purge_expired_drafts(now)
    staff_sessions = purge_expired_sessions(now)
    receipt_sessions = purge_expired_receipt_sessions(now)
    db.session.commit()
    click.echo(f"Expired drafts deleted: {removed}")
    click.echo(f"Expired sessions deleted: {staff_sessions} staff, {receipt_sessions} receipt")

    settings = RetentionSettings.from_config(current_app.config)
    destroyed = 0
    for upcoming in services.expired(now.date(), settings):
        report = db.session.get(Report, upcoming.report_id)
        if report is None:
            continue
        try:
            items = services.destroy_report(report, upcoming.due.rule, actor="system", now=now)
        except (OnLegalHoldError, ContentDestroyedError):
            db.session.rollback()  # held or destroyed since the list was made: leave it
            continue
        db.session.commit()
        destroyed += 1
        click.echo(f"Content destroyed: {upcoming.reference} under rule {upcoming.due.rule.value} ({items} items)")
    click.echo(f"Reports whose content was destroyed: {destroyed}")
