"""Reports, drafts, choices and service keys.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 12:31:02.556526

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('choices',
    sa.Column('list_name', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('grouping', sa.String(length=48), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('list_name', 'code', name=op.f('pk_choices'))
    )
    op.create_table('service_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=48), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('algorithm', sa.String(length=32), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('recovery_wrap', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('recovery', 'group', 'police')", name=op.f('ck_service_keys_purpose')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_service_keys_kid'))
    )
    with op.batch_alter_table('service_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_keys_purpose'), ['purpose'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reporter_type', sa.String(length=16), nullable=False),
    sa.Column('incident_date', sa.Date(), nullable=True),
    sa.Column('incident_date_approximate', sa.Boolean(), nullable=False),
    sa.Column('area', sa.String(length=48), nullable=False),
    sa.Column('police_consent', sa.String(length=16), nullable=False),
    sa.Column('support_wanted', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('retain_until', sa.Date(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('key_algorithm', sa.String(length=32), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('group_key_id', sa.Integer(), nullable=False),
    sa.Column('key_wrap_group', sa.LargeBinary(), nullable=False),
    sa.Column('key_wrap_receipt', sa.LargeBinary(), nullable=False),
    sa.Column('receipt_lookup', sa.String(length=16), nullable=False),
    sa.Column('receipt_salt', sa.LargeBinary(), nullable=False),
    sa.Column('receipt_kdf', sa.String(length=64), nullable=False),
    sa.Column('receipt_verifier', sa.LargeBinary(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'centre', 'phone')", name=op.f('ck_reports_channel')),
    sa.CheckConstraint("police_consent IN ('with_details', 'without_details', 'no')", name=op.f('ck_reports_police_consent')),
    sa.CheckConstraint("priority IN ('low', 'normal', 'high', 'urgent')", name=op.f('ck_reports_priority')),
    sa.CheckConstraint("reporter_type IN ('victim', 'witness', 'on_behalf')", name=op.f('ck_reports_reporter_type')),
    sa.CheckConstraint("status IN ('new', 'in_triage', 'awaiting_information', 'under_review', 'referred', 'resolved', 'closed')", name=op.f('ck_reports_status')),
    sa.ForeignKeyConstraint(['group_key_id'], ['service_keys.id'], name=op.f('fk_reports_group_key_id_service_keys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('receipt_lookup', name=op.f('uq_reports_receipt_lookup')),
    sa.UniqueConstraint('reference', name=op.f('uq_reports_reference')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_reports_submission_key'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_group_key_id'), ['group_key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_incident_date'), ['incident_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_priority'), ['priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_retain_until'), ['retain_until'], unique=False)
        batch_op.create_index('ix_reports_status_received', ['status', 'received_at'], unique=False)

    op.create_table('drafts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answers', sa.LargeBinary(), nullable=False),
    sa.Column('receipt', sa.LargeBinary(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_drafts_report_id_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_expires_at'), ['expires_at'], unique=False)

    op.create_table('report_incident_types',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('incident_type', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_incident_types_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'incident_type', name=op.f('pk_report_incident_types'))
    )
    with op.batch_alter_table('report_incident_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_incident_types_incident_type'), ['incident_type'], unique=False)

    op.create_table('report_strands',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('strand', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_strands_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'strand', name=op.f('pk_report_strands'))
    )
    with op.batch_alter_table('report_strands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_strands_strand'), ['strand'], unique=False)



def downgrade():
    with op.batch_alter_table('report_strands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_strands_strand'))

    op.drop_table('report_strands')
    with op.batch_alter_table('report_incident_types', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_incident_types_incident_type'))

    op.drop_table('report_incident_types')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_expires_at'))

    op.drop_table('drafts')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_status_received')
        batch_op.drop_index(batch_op.f('ix_reports_retain_until'))
        batch_op.drop_index(batch_op.f('ix_reports_received_at'))
        batch_op.drop_index(batch_op.f('ix_reports_priority'))
        batch_op.drop_index(batch_op.f('ix_reports_incident_date'))
        batch_op.drop_index(batch_op.f('ix_reports_group_key_id'))
        batch_op.drop_index(batch_op.f('ix_reports_area'))

    op.drop_table('reports')
    with op.batch_alter_table('service_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_keys_purpose'))

    op.drop_table('service_keys')
    op.drop_table('choices')
