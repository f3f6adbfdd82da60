"""Files shared with the police, sealed to the police key

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 13:36:56.065329

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('extension', sa.String(length=8), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_referral_files_evidence_id_evidence'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_files_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_files'))
    )
    with op.batch_alter_table('referral_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_files_referral_id'), ['referral_id'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_files_referral_id'))

    op.drop_table('referral_files')
