"""Retention: legal holds, the deletion register, destroyed-content marks on reports.

Revision ID: 0022
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0020'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting')"
NEW_KINDS = ("kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting', "
             "'hold', 'retention')")


def upgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
        batch_op.create_check_constraint('kind', NEW_KINDS)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_destroyed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('content_destroyed_rule', sa.String(length=24), nullable=True))
    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_legal_holds_lifted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_legal_holds_placed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_legal_holds_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_holds_lifted_at'), ['lifted_at'], unique=False)
    op.create_table('deletion_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_register')),
    sa.UniqueConstraint('reference', name=op.f('uq_deletion_register_reference'))
    )
    with op.batch_alter_table('deletion_register', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deletion_register_destroyed_at'), ['destroyed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deletion_register', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deletion_register_destroyed_at'))
    op.drop_table('deletion_register')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_lifted_at'))
        batch_op.drop_index(batch_op.f('ix_legal_holds_report_id'))
    op.drop_table('legal_holds')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('content_destroyed_rule')
        batch_op.drop_column('content_destroyed_at')
    op.execute("DELETE FROM case_events WHERE kind IN ('hold', 'retention')")
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
        batch_op.create_check_constraint('kind', OLD_KINDS)
