"""The Group's meetings, partner agencies, their actions; the agency role and the partners' key

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-01 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'reviewer', 'centre_staff', 'police', 'analyst')"
ROLES_AFTER = "role IN ('admin', 'reviewer', 'centre_staff', 'police', 'analyst', 'agency')"
KEYS_BEFORE = "purpose IN ('recovery', 'group', 'police')"
KEYS_AFTER = "purpose IN ('recovery', 'group', 'police', 'partners')"
GRANTS_BEFORE = "purpose IN ('group', 'police')"
GRANTS_AFTER = "purpose IN ('group', 'police', 'partners')"
EVENTS_BEFORE = "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral')"
EVENTS_AFTER = "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting')"
AGENCY_KINDS = ("kind IN ('police', 'community_safety', 'housing', 'school', 'health', 'fire', "
                "'victim_support', 'voluntary')")
ACTION_STATUS = "status IN ('open', 'done', 'cannot_do')"


def _swap_check(table, name, sql):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(name, sql)


def upgrade():
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(AGENCY_KINDS, name=op.f('ck_agencies_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    op.create_index(op.f('ix_meetings_held_on'), 'meetings', ['held_on'], unique=False)
    op.create_table('meeting_agencies',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_meeting_agencies_agency_id_agencies')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_agencies_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'agency_id', name=op.f('pk_meeting_agencies'))
    )
    op.create_index(op.f('ix_meeting_agencies_agency_id'), 'meeting_agencies', ['agency_id'], unique=False)
    op.create_table('meeting_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('summary_partners', sa.LargeBinary(), nullable=True),
    sa.Column('summary_group', sa.LargeBinary(), nullable=True),
    sa.Column('decision', sa.LargeBinary(), nullable=True),
    sa.Column('heard_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_meeting_items_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_items')),
    sa.UniqueConstraint('meeting_id', 'report_id', name='case')
    )
    op.create_index(op.f('ix_meeting_items_meeting_id'), 'meeting_items', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_meeting_items_report_id'), 'meeting_items', ['report_id'], unique=False)
    op.create_index(op.f('ix_meeting_items_heard_at'), 'meeting_items', ['heard_at'], unique=False)
    op.create_table('meeting_flags',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('flagged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['flagged_by_id'], ['users.id'], name=op.f('fk_meeting_flags_flagged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_meeting_flags_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_meeting_flags'))
    )
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('text_partners', sa.LargeBinary(), nullable=False),
    sa.Column('text_group', sa.LargeBinary(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(ACTION_STATUS, name=op.f('ck_actions_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_actions_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_actions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_actions_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_actions_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    for column in ('agency_id', 'report_id', 'meeting_id', 'due_on', 'status'):
        op.create_index(op.f(f'ix_actions_{column}'), 'actions', [column], unique=False)
    op.create_table('action_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint(ACTION_STATUS, name=op.f('ck_action_updates_status')),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_updates_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_action_updates_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_updates'))
    )
    op.create_index(op.f('ix_action_updates_action_id'), 'action_updates', ['action_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_AFTER)
        batch_op.create_check_constraint('agency_user_agency', "role != 'agency' OR agency_id IS NOT NULL")
    _swap_check('service_keys', 'purpose', KEYS_AFTER)
    _swap_check('grant_requests', 'purpose', GRANTS_AFTER)
    _swap_check('case_events', 'kind', EVENTS_AFTER)


def downgrade():
    _swap_check('case_events', 'kind', EVENTS_BEFORE)
    op.execute("DELETE FROM grant_requests WHERE purpose = 'partners'")
    _swap_check('grant_requests', 'purpose', GRANTS_BEFORE)
    op.execute("DELETE FROM key_grants WHERE service_key_id IN (SELECT id FROM service_keys WHERE purpose = 'partners')")
    op.execute("DELETE FROM service_keys WHERE purpose = 'partners'")
    _swap_check('service_keys', 'purpose', KEYS_BEFORE)
    op.execute("DELETE FROM users WHERE role = 'agency'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_agency_user_agency'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_users_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_column('agency_id')
    op.drop_table('action_updates')
    op.drop_table('actions')
    op.drop_table('meeting_flags')
    op.drop_table('meeting_items')
    op.drop_table('meeting_agencies')
    op.drop_table('meetings')
    op.drop_table('agencies')
