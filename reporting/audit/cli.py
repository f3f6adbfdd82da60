"""`flask audit verify`: check the hash chain."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from reporting import audit

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
@click.option("--expect-head", help="SEQ:HASH printed by an earlier run: checks the log was not cut back past it.")
def verify_command(expect_head: str | None) -> None:
    """Name the first entry that was changed, deleted or reordered.

    Keep the printed head somewhere else (a ticket, an email to the Partnership):
    a later run with --expect-head shows whether entries were cut off the end.
    """
    problem = audit.verify()
    if problem is not None:
        raise click.ClickException(f"audit log broken at entry {problem.seq}: {problem.reason}")
    if expect_head:
        try:
            seq_text, entry_hash = expect_head.split(":", 1)
            seq = int(seq_text)
        except ValueError:
            raise click.ClickException("--expect-head takes SEQ:HASH as printed by audit verify") from None
        if not audit.head_present(seq, entry_hash):
            raise click.ClickException(f"audit log broken: entry {seq} recorded earlier is missing or changed")
    seq, entry_hash = audit.head()
    click.echo(f"Audit log intact: {audit.count()} entries.")
    click.echo(f"Head: {seq}:{entry_hash}")


def register(app: Flask) -> None:
    app.cli.add_command(audit_cli)
