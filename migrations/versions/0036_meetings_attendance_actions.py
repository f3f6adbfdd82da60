"""Meetings as Groups hold them: apologies, people attending, escalated actions, decisions for agencies

An invited agency now attends or sends apologies (never both); the people there (the Group's
staff and people at agencies) are recorded one a row, attended or apologies. An action keeps
when it was escalated to the agency's lead contact (so never twice), and the Group's decision
as that agency may read it (sealed to the agency's own key, with the Group's copy). An agency
may name a lead contact for escalations.

Revision ID: 0036
Revises: 0035
"""
from alembic import op
import sqlalchemy as sa


revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_contact_email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('meeting_agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('apologies', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_meeting_agencies_attended_or_apologies'), 'NOT (attended AND apologies)')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_partners', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('decision_group', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('meeting_people',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.String(length=16), nullable=False),
    sa.CheckConstraint("attendance IN ('attended', 'apologies')", name=op.f('ck_meeting_people_attendance')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_people_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_people_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_people'))
    )
    op.create_index(op.f('ix_meeting_people_user_id'), 'meeting_people', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_meeting_people_user_id'), table_name='meeting_people')
    op.drop_table('meeting_people')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('decision_group')
        batch_op.drop_column('decision_partners')
    with op.batch_alter_table('meeting_agencies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_agencies_attended_or_apologies'), type_='check')
        batch_op.drop_column('apologies')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('lead_contact_email')
