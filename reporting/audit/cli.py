"""`flask audit verify`: check the hash chain."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from reporting import audit

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Name the first entry that was changed, deleted or reordered."""
    problem = audit.verify()
    if problem is not None:
        raise click.ClickException(f"audit log broken at entry {problem.seq}: {problem.reason}")
    click.echo(f"Audit log intact: {audit.count()} entries.")


def register(app: Flask) -> None:
    app.cli.add_command(audit_cli)
