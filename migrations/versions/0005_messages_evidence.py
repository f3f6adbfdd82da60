"""Messages, receipt sessions, evidence; new-information and reissued-receipt flags

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:56:35.523149

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=False),
    sa.Column('cleaned', sa.LargeBinary(), nullable=False),
    sa.Column('details', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint("kind IN ('image', 'pdf', 'text')", name=op.f('ck_evidence_kind')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_evidence_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_report_id'), ['report_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('read_by_reporter_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('to_reporter', 'from_reporter', 'addition')", name=op.f('ck_messages_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_messages_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_report_id'), ['report_id'], unique=False)

    op.create_table('receipt_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('keys', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_receipt_sessions_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_sessions'))
    )
    with op.batch_alter_table('receipt_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_sessions_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_information', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('receipt_reissued', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('receipt_reissued')
        batch_op.drop_column('new_information')

    with op.batch_alter_table('receipt_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_sessions_report_id'))
        batch_op.drop_index(batch_op.f('ix_receipt_sessions_expires_at'))

    op.drop_table('receipt_sessions')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_report_id'))

    op.drop_table('messages')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_report_id'))

    op.drop_table('evidence')
