"""Case events as structured codes: action, before, after, reason, ref instead of a summary to parse

Issue 29: "new>closed:duplicate" becomes action "changed", before "new", after "closed", reason
"duplicate"; "heard:7" becomes action "heard", ref "7" (see reporting/cases/models.py for every
kind). The statistics' indexes carry action and after where they carried the summary, so a
count of cases heard still reads the index alone. The downgrade writes the summaries back.

Revision ID: 0033
Revises: 0032
"""
from __future__ import annotations

from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

COLUMNS = ('action', 'before', 'after', 'reason', 'ref')
events = sa.table(
    'case_events', sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('summary', sa.String),
    *(sa.column(name, sa.String) for name in COLUMNS),
)


def parsed(kind: str, summary: str) -> dict[str, Any]:
    """An old summary as the columns (the same rules the writers followed)."""
    empty: dict[str, Any] = dict.fromkeys(COLUMNS)
    empty['action'] = ''
    head, _sep, rest = summary.partition(':')
    if kind == 'status':
        before, _sep, after = head.partition('>')
        return empty | {'action': 'changed', 'before': before, 'after': after, 'reason': rest or None}
    if kind == 'note':
        return empty | {'action': summary}
    if kind == 'assignment':
        return empty | ({'action': 'assigned', 'ref': summary} if summary else {'action': 'unassigned'})
    if kind == 'priority':
        return empty | {'action': 'set', 'after': summary}
    if kind == 'flags':
        return empty | {'action': 'changed'}
    if kind == 'link':
        return empty | {'action': head, 'ref': rest}
    if kind == 'unlink':
        return empty | {'action': 'removed', 'ref': summary}
    if kind == 'referral':
        if head == 'sent':
            return empty | {'action': head, 'after': rest}
        if head == 'override_requested':
            return empty | {'action': head, 'reason': rest}
        if head == 'outcome':
            outcome, _sep, crime_reference = rest.partition(':')
            return empty | {'action': head, 'after': outcome, 'ref': crime_reference[:64] or None}
        return empty | {'action': head}
    if kind == 'meeting':
        return empty | {'action': head, 'ref': rest or None}
    if kind == 'hold':
        return empty | {'action': summary}
    if kind == 'retention':
        rule, _sep, reason = rest.partition(':')
        return empty | {'action': head, 'after': rule, 'reason': reason or None}
    return empty | {'action': summary[:32]}


def summary_of(kind: str, row: dict[str, Any]) -> str:
    """The columns as the old summary (for the downgrade)."""
    action, before, after, reason, ref = (row[name] or '' for name in COLUMNS)
    if kind == 'status':
        return f'{before}>{after}' + (f':{reason}' if reason else '')
    if kind == 'assignment':
        return ref
    if kind == 'priority':
        return after
    if kind == 'flags':
        return ''
    if kind == 'link':
        return f'{action}:{ref}'
    if kind == 'unlink':
        return ref
    if kind == 'referral':
        if action == 'sent':
            return f'sent:{after}'
        if action == 'override_requested':
            return f'override_requested:{reason}'
        if action == 'outcome':
            return f'outcome:{after}' + (f':{ref}' if ref else '')
        return action
    if kind == 'meeting':
        return f'{action}:{ref}' if ref else action
    if kind == 'retention':
        return f'{action}:{after}' + (f':{reason}' if reason else '')
    return action


def _rewrite(read: list[str], values: Any) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(events.c.id, events.c.kind, *(events.c[name] for name in read))).mappings().all()
    # Bound as "new_<column>": a parameter may not share its column's name in an UPDATE's SET.
    changed = [{'event_id': row['id'], **{f'new_{k}': v for k, v in values(row).items()}} for row in rows]
    if changed:
        names = [name.removeprefix('new_') for name in changed[0] if name != 'event_id']
        statement = (events.update().where(events.c.id == sa.bindparam('event_id'))
                     .values({name: sa.bindparam(f'new_{name}') for name in names}))
        for start in range(0, len(changed), 1000):
            connection.execute(statement, changed[start:start + 1000])


def upgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_kind_at')
        batch_op.drop_index('ix_case_events_kind_report_at')
        batch_op.add_column(sa.Column('action', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('before', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('after', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('ref', sa.String(length=64), nullable=True))
    _rewrite(['summary'], lambda row: parsed(row['kind'], row['summary'] or ''))
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column('summary')
        batch_op.create_index('ix_case_events_kind_report_at', ['kind', 'report_id', 'at', 'action', 'after'],
                              unique=False)
        batch_op.create_index('ix_case_events_kind_at', ['kind', 'at', 'report_id', 'action', 'after'], unique=False)


def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_kind_at')
        batch_op.drop_index('ix_case_events_kind_report_at')
        batch_op.add_column(sa.Column('summary', sa.String(length=200), nullable=True))
    _rewrite(list(COLUMNS), lambda row: {'summary': summary_of(row['kind'], row)[:200]})
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.alter_column('summary', existing_type=sa.String(length=200), nullable=False)
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
        batch_op.create_index('ix_case_events_kind_report_at', ['kind', 'report_id', 'at', 'summary'], unique=False)
        batch_op.create_index('ix_case_events_kind_at', ['kind', 'at', 'report_id', 'summary'], unique=False)
