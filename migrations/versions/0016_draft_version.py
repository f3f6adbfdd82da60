"""Drafts carry a version: a save and a send racing from two tabs cannot lose an answer

Every ORM update of a draft checks and bumps ``version`` (SQLAlchemy's version
counter), so a write made from a stale copy fails instead of silently replacing
what another tab saved or sent.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('version')
