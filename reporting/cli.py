"""Commands that span several packages: `flask demo` and `flask retention run`.

They live here, above every feature, so that the domain core (``reporting.reports``)
imports nothing above it.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from reporting.db import utcnow
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.reports import demo
from reporting.settings import current_settings

# The retention command lives with its package; registered here with the other commands.
from reporting.retention.cli import retention_cli  # noqa: E402


def _sign_in_address(port: int) -> str:
    """Where the demo's staff sign in: the service's own address if configured, else this machine's."""
    from flask import current_app, url_for

    base = current_app.config.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}"
    with current_app.test_request_context("/"):
        path = url_for("auth.login")
    return str(base).rstrip("/") + path


@click.command("demo")
@click.option("--port", default=5000, show_default=True,
              help="The port `flask run` serves on, for the printed sign-in address (without REPORTING_PUBLIC_BASE_URL).")
@with_appcontext
def demo_command(port: int) -> None:
    """Load demo data (idempotent): keys if missing, staff for each role, sample reports."""
    from reporting.admin.demo_staff import load_demo_staff

    if current_settings().env_name == "production":
        # Demo accounts have published passwords and the demo prints a recovery key.
        raise click.ClickException("refused: `flask demo` never runs in production (set REPORTING_ENV_NAME=development)")

    recovery_text = None
    if not key_services.has_keys():
        made = key_services.init_keys()
        recovery_text = made.recovery_text
        click.echo("Keys made for the demo. Recovery key (demo only, normally kept offline):")
        click.echo(f"    {made.recovery_text}")
    from reporting.centres import services as centre_services
    from reporting.centres.admin_forms import centres_from_csv

    demo_csv = (Path(__file__).parent / "centres" / "demo_centres.csv").read_text(encoding="utf-8")
    centre_services.import_centres(centres_from_csv(demo_csv), actor="demo")
    from reporting.support.cli import load_demo_services

    load_demo_services()
    sign_ins = load_demo_staff(recovery_text, current_settings())
    from reporting.meetings.demo import load_demo_agencies

    sign_ins += load_demo_agencies(recovery_text, current_settings())
    from reporting.context.demo import load_demo_context

    load_demo_context()  # initiatives and area populations: context for the statistics' trend
    # No request context: the core checks stored answers without building forms.
    sent = demo.load_demo_reports(
        current_settings().receipt_kdf,
        current_settings().retention_years,
    )
    from reporting.demo_activity import load_demo_activity

    # What the Group has done with them: a referral, a meeting, a legal hold, an action.
    # The referral's package names questions in words: labels need the request's locale machinery.
    with current_app.test_request_context():
        load_demo_activity([reference for reference, _receipt in sent], demo.SAMPLES, current_settings())
        from reporting.referrals.demo import load_demo_inbox

        # More referrals than a page of the police inbox, in each of its states.
        load_demo_inbox(current_settings())
    from reporting.periods import LONDON
    from reporting.support.demo import load_demo_support

    # Support offered, accepted, completed on some cases; two reporters' "How did we do?".
    load_demo_support([reference for reference, _receipt in sent], utcnow().astimezone(LONDON).date())

    from reporting.centres.demo import load_demo_centre_life
    from reporting.stats.cache import forget_all

    if load_demo_centre_life():  # centres' dates, visits, training; a report through the library's poster
        forget_all()
    db.session.commit()
    for reference, receipt in sent:
        click.echo(f"Demo report {reference}, receipt code {receipt}")
    if not sent:
        click.echo("Demo reports are already loaded.")
    click.echo("")
    click.echo(f"Demo staff sign-ins at {_sign_in_address(port)} (DEMO ONLY: never use these anywhere real)")
    service_name = current_settings().service_name
    for person in sign_ins:
        holder = " (key holder)" if person.holder else ""
        click.echo(f"  {person.role:<13} {person.email:<24} password: {person.password}   TOTP secret: {person.totp_secret}{holder}")
        click.echo(f"    {person.otpauth_uri(service_name)}")
    click.echo("Sign-in asks for a 6-digit code: open an otpauth:// link above with an authenticator app "
               "(or add its TOTP secret by hand), or print the code now with `flask demo-code EMAIL`.")


@click.command("demo-code")
@click.argument("email")
@with_appcontext
def demo_code_command(email: str) -> None:
    """Development only: the 6-digit code an authenticator app shows now for a demo account."""
    from sqlalchemy import select

    from reporting.auth import services as auth_services
    from reporting.admin.demo_staff import ACCOUNTS
    from reporting.auth.demo import current_code
    from reporting.auth.models import User
    from reporting.meetings.demo import AGENCY_ACCOUNT

    settings = current_settings()
    if settings.env_name != "development":
        # A code is a second factor: printing one is for demo accounts on a local install only.
        raise click.ClickException("refused: `flask demo-code` runs only with REPORTING_ENV_NAME=development")
    demo_emails = [address for address, _role in ACCOUNTS] + [AGENCY_ACCOUNT]
    address = email.strip().lower()
    if address not in demo_emails:
        raise click.ClickException(f"{email} is not a demo account; the demo accounts are {', '.join(demo_emails)}")
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None or user.totp_secret is None:
        raise click.ClickException(f"{address} has not been made yet: run `flask demo` first")
    click.echo(current_code(auth_services.totp_secret(user, settings)))


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(demo_code_command)
