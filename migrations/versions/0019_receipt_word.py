"""A receipt someone else saw opens only with the person's word: reports.receipt_needs_word
and the count of wrong tries, reports.receipt_word_failures

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-01 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Reports sent before keep their codes as they are: no word was chosen for them.
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_needs_word', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('receipt_word_failures', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('receipt_word_failures')
        batch_op.drop_column('receipt_needs_word')
