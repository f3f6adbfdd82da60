"""`flask audit verify`: check the hash chain, against heads published outside the database."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from reporting import audit

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
@click.option("--head", "heads", multiple=True, metavar="SEQ:HASH",
              help="A head published earlier (the admins' weekly email, a meeting pack): the log must still hold "
                   "that entry, at that place, unchanged. May be given several times.")
@click.option("--expect-head", "old_heads", multiple=True, metavar="SEQ:HASH", hidden=True,
              help="The earlier name of --head.")
@click.option("--head-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of published heads (every SEQ:HASH in it is checked: a saved email will do).")
def verify_command(heads: tuple[str, ...], old_heads: tuple[str, ...], head_file: Path | None) -> None:
    """Name the first entry that was changed, deleted, reordered or rewritten without the key.

    Keep the printed head somewhere the database cannot reach (the weekly email to the
    admins does this): a later run with --head shows whether the log was rewritten or cut
    back past it.
    """
    published: list[audit.Head] = []
    try:
        for given in (*heads, *old_heads):
            published += audit.parse_heads(given)
        if head_file is not None:
            published += audit.parse_heads(head_file.read_text(encoding="utf-8", errors="replace"))
    except ValueError:
        raise click.ClickException("a head is SEQ:HASH as printed by audit verify (a number, a colon, "
                                   "64 hexadecimal characters)") from None
    problem = audit.verify(published)
    if problem is not None:
        raise click.ClickException(f"audit log broken at entry {problem.seq}: {problem.reason}")
    seq, entry_hash = audit.head()
    click.echo(f"Audit log intact: {audit.count()} entries.")
    if published:
        click.echo(f"Published heads found in place: {len(published)}.")
    click.echo(f"Head: {seq}:{entry_hash}")


def register(app: Flask) -> None:
    app.cli.add_command(audit_cli)
