"""Support services the Partnership signposts people to

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('helps_with', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('web_address', sa.String(length=300), nullable=False),
    sa.Column('hours', sa.String(length=300), nullable=False),
    sa.Column('example', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_services')),
    sa.UniqueConstraint('slug', name=op.f('uq_support_services_slug'))
    )


def downgrade():
    op.drop_table('support_services')
