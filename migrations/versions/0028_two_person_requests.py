"""The two-person rule for acts on a report, and new receipt codes waiting for first use.

Revision ID: 0028
Revises: 0025
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('two_person_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('act', sa.String(length=24), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.CheckConstraint("act IN ('new_receipt_code', 'lift_hold', 'erase_report')", name=op.f('ck_two_person_requests_act')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('approved', 'declined', 'withdrawn')", name=op.f('ck_two_person_requests_decision')),
    sa.CheckConstraint("decision = 'withdrawn' OR decided_by_id IS NULL OR requested_by_id IS NULL "
                       "OR decided_by_id != requested_by_id", name=op.f('ck_two_person_requests_second_person')),
    sa.CheckConstraint('(decision IS NULL) = (decided_at IS NULL)', name=op.f('ck_two_person_requests_decided_together')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_two_person_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_two_person_requests_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_two_person_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_two_person_requests'))
    )
    with op.batch_alter_table('two_person_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_two_person_requests_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_two_person_requests_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index('uq_two_person_requests_open', ['report_id', 'act'], unique=True,
                              sqlite_where=sa.text('decided_at IS NULL'), postgresql_where=sa.text('decided_at IS NULL'))
    op.create_table('pending_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('lookup', sa.String(length=16), nullable=False),
    sa.Column('salt', sa.LargeBinary(), nullable=False),
    sa.Column('kdf', sa.String(length=64), nullable=False),
    sa.Column('verifier', sa.LargeBinary(), nullable=False),
    sa.Column('key_wrap', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_pending_receipts_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_receipts')),
    sa.UniqueConstraint('lookup', name=op.f('uq_pending_receipts_lookup')),
    sa.UniqueConstraint('report_id', name=op.f('uq_pending_receipts_report_id'))
    )


def downgrade():
    op.drop_table('pending_receipts')
    with op.batch_alter_table('two_person_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_two_person_requests_open')
        batch_op.drop_index(batch_op.f('ix_two_person_requests_decided_at'))
        batch_op.drop_index(batch_op.f('ix_two_person_requests_report_id'))
    op.drop_table('two_person_requests')
