"""`flask users ...`: staff accounts from the command line."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from reporting.admin import accounts
from reporting.auth import services
from reporting.auth.models import Role, User
from reporting.centres.models import Centre
from reporting.exceptions import DuplicateEmailError, LastKeyHolderError, PasswordPolicyError
from reporting.extensions import db
from reporting.settings import current_settings

users_cli = AppGroup("users", help="Create, list and deactivate staff accounts.")


def _read_secret(label: str) -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise click.ClickException(f"no {label} on standard input")
    return value


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--centre", "centre_slug", help="The centre's slug (centre_staff only).")
@click.option("--agency", "agency_name", help="The partner agency's name (agency only).")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the first password from standard input.")
def create_command(email: str, role: str, centre_slug: str | None, agency_name: str | None, password_stdin: bool) -> None:
    """Create a staff account. They enrol TOTP and choose their own password at first sign-in."""
    from reporting.meetings.models import Agency

    agency = None
    if role == Role.AGENCY.value:
        agency = db.session.scalar(select(Agency).where(Agency.name == (agency_name or ""), Agency.active.is_(True)))
        if agency is None:
            raise click.ClickException("agency accounts need --agency NAME, the name of an active partner agency")
    elif agency_name:
        raise click.ClickException("--agency is only for agency accounts")
    centre = None
    if role == Role.CENTRE_STAFF.value:
        if not centre_slug:
            raise click.ClickException("centre_staff accounts need --centre SLUG")
        centre = db.session.scalar(select(Centre).where(Centre.slug == centre_slug))
        if centre is None:
            raise click.ClickException(f"no centre with slug {centre_slug!r}")
    elif centre_slug:
        raise click.ClickException("--centre is only for centre_staff accounts")
    password = _read_secret("password")
    try:
        user = accounts.create_user(email=email, role=Role(role), password=password, actor="cli", centre=centre,
                                   agency_id=agency.id if agency else None, settings=current_settings())
    except DuplicateEmailError:
        raise click.ClickException(f"an account for {email} exists already") from None
    except PasswordPolicyError:
        raise click.ClickException(f"the password must have at least {services.MIN_PASSWORD_LENGTH} characters and be hard to guess: not a common password, the email address, the service name or a year") from None
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate_command(email: str) -> None:
    """Stop an account signing in (refused for the last key holder)."""
    user = db.session.scalar(select(User).where(User.email == services.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no account for {email}")
    try:
        accounts.set_active(user, False, actor="cli")
    except LastKeyHolderError:
        raise click.ClickException("refused: this is the last person who can read the reports; grant another holder first") from None
    db.session.commit()
    click.echo(f"Deactivated {user.email}")


@users_cli.command("list")
def list_command() -> None:
    """Every account: email, role, centre, active, key holder."""
    from reporting.keys.services import is_holder, key_for

    for user in db.session.scalars(select(User).order_by(User.email)):
        key = key_for(user)
        holder = "holder" if key and is_holder(user, key) else "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.role}\t{state}\t{holder}")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
