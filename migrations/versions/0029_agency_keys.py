"""Each partner agency its own key; the summaries of a meeting sealed to each invited agency

service_keys and grant_requests gain the purpose 'agency' with the agency it belongs to;
meeting_item_copies holds a summary sealed to one invited agency's key.

A migration cannot decrypt: what was sealed to the old partners' key stays as it is. The
keys of the agencies are made when first needed (only the recovery key's public half is
needed), and `flask keys split-partners --recovery-key-stdin` re-seals the old words to
each agency's own key, grants each agency's people their agency's key and removes the old
partners' key grants (docs/operating.md, "Meetings, partner agencies and their keys").

Revision ID: 0029
Revises: 0030
"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0030'
branch_labels = None
depends_on = None

KEYS_BEFORE = "purpose IN ('recovery', 'group', 'police', 'partners')"
KEYS_AFTER = "purpose IN ('recovery', 'group', 'police', 'partners', 'agency')"
GRANTS_BEFORE = "purpose IN ('group', 'police', 'partners')"
GRANTS_AFTER = "purpose IN ('group', 'police', 'partners', 'agency')"
ONE_AGENCY = "(purpose = 'agency') = (agency_id IS NOT NULL)"


def _with_agency(table, sql):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f(f'fk_{table}_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])
        batch_op.create_index(batch_op.f(f'ix_{table}_agency_id'), ['agency_id'], unique=False)
        batch_op.drop_constraint(op.f(f'ck_{table}_purpose'), type_='check')
        batch_op.create_check_constraint('purpose', sql)
        batch_op.create_check_constraint('one_agency', ONE_AGENCY)


def _without_agency(table, sql):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_one_agency'), type_='check')
        batch_op.drop_constraint(op.f(f'ck_{table}_purpose'), type_='check')
        batch_op.create_check_constraint('purpose', sql)
        batch_op.drop_index(batch_op.f(f'ix_{table}_agency_id'))
        batch_op.drop_constraint(batch_op.f(f'fk_{table}_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_column('agency_id')


def upgrade():
    # A request for the shared partners' key can no longer be approved: each person at an
    # agency now needs their own agency's key, asked for again.
    op.execute("DELETE FROM grant_requests WHERE purpose = 'partners' AND approved_at IS NULL")
    _with_agency('service_keys', KEYS_AFTER)
    _with_agency('grant_requests', GRANTS_AFTER)
    op.create_table('meeting_item_copies',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_meeting_item_copies_agency_id_agencies')),
    sa.ForeignKeyConstraint(['item_id'], ['meeting_items.id'], name=op.f('fk_meeting_item_copies_item_id_meeting_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'agency_id', name=op.f('pk_meeting_item_copies'))
    )
    op.create_index(op.f('ix_meeting_item_copies_agency_id'), 'meeting_item_copies', ['agency_id'], unique=False)


def downgrade():
    # Words sealed to an agency's own key cannot be moved back to the partners' key here:
    # they go (the Group's copies, sealed to the group key, stay).
    op.drop_index(op.f('ix_meeting_item_copies_agency_id'), table_name='meeting_item_copies')
    op.drop_table('meeting_item_copies')
    op.execute("DELETE FROM grant_requests WHERE purpose = 'agency'")
    _without_agency('grant_requests', GRANTS_BEFORE)
    op.execute("DELETE FROM key_grants WHERE service_key_id IN (SELECT id FROM service_keys WHERE purpose = 'agency')")
    op.execute("DELETE FROM service_keys WHERE purpose = 'agency'")
    _without_agency('service_keys', KEYS_BEFORE)
