"""Referrals and their messages; referral events on the case timeline

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:00:26.359963

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


OLD_KINDS = "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink')"
NEW_KINDS = "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral')"


def upgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
        batch_op.create_check_constraint('kind', NEW_KINDS)
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('shared_fields', sa.JSON(), nullable=False),
    sa.Column('override_reason', sa.String(length=24), nullable=True),
    sa.Column('override_explanation', sa.LargeBinary(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('police_key_id', sa.Integer(), nullable=False),
    sa.Column('package', sa.LargeBinary(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('crime_reference', sa.String(length=40), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('full', 'intelligence')", name=op.f('ck_referrals_kind')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('crime_recorded', 'non_crime_hate_incident', 'investigation_ongoing', 'charged_or_summonsed', 'out_of_court_disposal', 'no_further_action', 'other')", name=op.f('ck_referrals_outcome')),
    sa.CheckConstraint("override_reason IS NULL OR override_reason IN ('risk_to_life', 'child_at_risk', 'serious_crime', 'repeat_offender')", name=op.f('ck_referrals_override_reason')),
    sa.CheckConstraint("state IN ('awaiting_approval', 'sent', 'acknowledged', 'crime_recorded', 'closed')", name=op.f('ck_referrals_state')),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id != created_by_id', name=op.f('ck_referrals_second_reviewer')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_referrals_acknowledged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_referrals_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['police_key_id'], ['service_keys.id'], name=op.f('fk_referrals_police_key_id_service_keys')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_referrals_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_state'), ['state'], unique=False)

    op.create_table('referral_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint("direction IN ('to_group', 'to_police')", name=op.f('ck_referral_messages_direction')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_referral_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_messages_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_messages'))
    )
    with op.batch_alter_table('referral_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_messages_referral_id'), ['referral_id'], unique=False)



def downgrade():
    op.execute("DELETE FROM case_events WHERE kind = 'referral'")
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
        batch_op.create_check_constraint('kind', OLD_KINDS)
    with op.batch_alter_table('referral_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_messages_referral_id'))

    op.drop_table('referral_messages')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_state'))
        batch_op.drop_index(batch_op.f('ix_referrals_sent_at'))
        batch_op.drop_index(batch_op.f('ix_referrals_report_id'))

    op.drop_table('referrals')
