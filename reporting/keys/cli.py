"""`flask keys ...`: create and rotate the service's keys."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from reporting import crypto
from reporting.exceptions import KeysAlreadyInitialisedError, KeysNotInitialisedError
from reporting.extensions import db
from reporting.keys import services
from reporting.keys.models import KeyPurpose

keys_cli = AppGroup("keys", help="Create and rotate the service's keys.")


@keys_cli.command("init")
@click.option("--force", is_flag=True, help="Make new keys even though keys exist (old ones are retired, not deleted).")
@click.option(
    "--algorithm",
    type=click.Choice([crypto.ALG_HYBRID, crypto.ALG_X25519]),
    default=crypto.ALG_HYBRID,
    show_default=True,
    help="X25519 alone only when named here: it does not resist a future quantum computer.",
)
def init_command(force: bool, algorithm: str) -> None:
    """Create the review group and police keys and print the one-time recovery key."""
    if algorithm == crypto.ALG_HYBRID and not crypto.hybrid_available():
        raise click.ClickException(
            "this build of the cryptography package has no ML-KEM-768, so the post-quantum "
            "hybrid key cannot be made. Install cryptography 47 or later built with ML-KEM, "
            f"or ask for --algorithm {crypto.ALG_X25519} by name."
        )
    try:
        made = services.init_keys(algorithm=algorithm, force=force)
    except KeysAlreadyInitialisedError:
        raise click.ClickException("keys exist already; use --force to make new ones") from None
    db.session.commit()
    click.echo(f"Review group key: {made.group_kid}")
    click.echo(f"Police liaison key: {made.police_kid}")
    click.echo("Each partner agency's own key is made when the agency is first given something to read.")
    click.echo("")
    click.echo("RECOVERY KEY (shown once; print it or write it down and keep it offline):")
    click.echo("")
    click.echo(f"    {made.recovery_text}")
    click.echo("")
    click.echo("With it you can grant access to the reports if every key holder is lost.")
    if force:
        click.echo("")
        click.echo("The old keys are retired: reports sent before now open only with the OLD recovery key")
        click.echo("or through the people who held the old keys. Reports sent from now on open with the new")
        click.echo("keys, which nobody holds yet. Grant the first holder with the NEW recovery key:")
        click.echo("    flask --app reporting keys grant --email E --recovery-key-stdin")
        if made.to_grant_again:
            click.echo("These people held the old keys and must be granted the new ones again:")
            for email in made.to_grant_again:
                click.echo(f"    {email}")
        else:
            click.echo("Nobody held the old keys.")


@keys_cli.command("rotate")
@click.option("--purpose", type=click.Choice([KeyPurpose.GROUP.value, KeyPurpose.POLICE.value]),
              default="group", show_default=True)
def rotate_command(purpose: str) -> None:
    """Make a new key for new content; old content stays readable with the old key."""
    try:
        # A purpose with no key yet: its first rotation makes it.
        added = services.add_missing_key(KeyPurpose(purpose))
    except KeysNotInitialisedError:
        raise click.ClickException("no keys yet; run `flask keys init` first") from None
    if added is not None:
        db.session.commit()
        click.echo(f"New {purpose} key: {added.kid}")
        click.echo("Grant its first holder with the recovery key: flask --app reporting keys grant --email E --recovery-key-stdin")
        return
    try:
        made = services.rotate(KeyPurpose(purpose))
    except KeysNotInitialisedError:
        raise click.ClickException("no keys yet; run `flask keys init` first") from None
    db.session.commit()
    click.echo(f"New {purpose} key: {made.key.kid}")
    click.echo(f"Granted to {len(made.granted)} holder{'' if len(made.granted) == 1 else 's'} of the old key.")
    if made.refused:
        click.echo("Not granted (their grant of the old key has no valid proof; grant them again if they should read):")
        for email in made.refused:
            click.echo(f"    {email}")


@keys_cli.command("grant")
@click.option("--email", required=True)
@click.option("--recovery-key-stdin", is_flag=True, required=True, help="Read the recovery key from standard input.")
def grant_command(email: str, recovery_key_stdin: bool) -> None:
    """Grant a person the keys of their role, opened with the offline recovery key."""
    import sys

    from sqlalchemy import select

    from reporting.auth.models import User
    from reporting.exceptions import ApprovalNeededError, NotAKeyHolderError

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active account for {email}")
    recovery = sys.stdin.readline().strip()
    try:
        made = services.first_grant_with_recovery(user, recovery)
    except ApprovalNeededError:
        db.session.rollback()
        services.request_grant(user, requester=None)
        db.session.commit()
        click.echo("Not granted yet: others already hold these keys, so a second key holder must approve.")
        click.echo("Any current holder of the key can approve it, signed in, at /staff/grants.")
        return
    except NotAKeyHolderError:
        raise click.ClickException(f"{user.role} accounts hold no keys") from None
    except (crypto.CryptoError, KeysNotInitialisedError):
        raise click.ClickException(
            f"that recovery key opens none of the {user.role} account's keys (check it for typos, "
            "or use the recovery key printed by the `keys init` that made them)"
        ) from None
    db.session.commit()
    click.echo(f"Granted {made} key{'' if made == 1 else 's'} to {user.email}")


def register(app: Flask) -> None:
    app.cli.add_command(keys_cli)
