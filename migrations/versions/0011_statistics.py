"""Statistics: the police quarterly extract and the force's matches; months of grouped figures; an index on the status history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:40:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('police_extracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('police_key_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_police_extracts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['police_key_id'], ['service_keys.id'], name=op.f('fk_police_extracts_police_key_id_service_keys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_extracts'))
    )
    with op.batch_alter_table('police_extracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_extracts_first_month'), ['first_month'], unique=False)

    op.create_table('police_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('crime_reference', sa.String(length=40), nullable=False),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('matched_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['matched_by_id'], ['users.id'], name=op.f('fk_police_matches_matched_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_police_matches_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_matches')),
    sa.UniqueConstraint('report_id', name='report')
    )
    op.create_table('stats_months',
    sa.Column('filter_key', sa.String(length=200), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('filter_key', 'month', name=op.f('pk_stats_months'))
    )
    with op.batch_alter_table('stats_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_months_month'), ['month'], unique=False)

    op.create_table('stats_marks',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stats_marks'))
    )
    # What the statistics group by, read from indexes rather than rows that carry sealed content.
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_kind_report_at', ['kind', 'report_id', 'at', 'summary'], unique=False)
        batch_op.create_index('ix_case_events_kind_at', ['kind', 'at', 'report_id', 'summary'], unique=False)
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_acknowledged_at', ['acknowledged_at'], unique=False)
        batch_op.create_index('ix_referrals_outcome_at', ['outcome_at'], unique=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_stats_where', ['received_at', 'area', 'channel', 'centre_id'], unique=False)
        batch_op.create_index('ix_reports_stats_who', ['received_at', 'reporter_type', 'police_consent',
                                                      'support_wanted', 'status', 'closure_reason'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_stats_who')
        batch_op.drop_index('ix_reports_stats_where')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_outcome_at')
        batch_op.drop_index('ix_referrals_acknowledged_at')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_kind_at')
        batch_op.drop_index('ix_case_events_kind_report_at')
    op.drop_table('stats_marks')
    with op.batch_alter_table('stats_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_months_month'))
    op.drop_table('stats_months')
    op.drop_table('police_matches')
    with op.batch_alter_table('police_extracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_extracts_first_month'))

    op.drop_table('police_extracts')
