"""Context for a rise: the Group's initiatives, and each area's population

Revision ID: 0035
Revises: 0034
"""
from alembic import op
import sqlalchemy as sa


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

KINDS = "kind IN ('campaign', 'new_centre', 'awareness_week', 'training', 'other')"


def upgrade():
    op.create_table('initiatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('area', sa.String(length=48), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(KINDS, name=op.f('ck_initiatives_kind')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_initiatives_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_initiatives_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives'))
    )
    op.create_index(op.f('ix_initiatives_starts_on'), 'initiatives', ['starts_on'], unique=False)
    op.create_table('area_populations',
    sa.Column('area', sa.String(length=48), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('population > 0 AND population <= 100000000', name=op.f('ck_area_populations_population')),
    sa.CheckConstraint('year >= 1900 AND year <= 2100', name=op.f('ck_area_populations_year')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_area_populations_updated_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('area', name=op.f('pk_area_populations'))
    )


def downgrade():
    op.drop_table('area_populations')
    op.drop_index(op.f('ix_initiatives_starts_on'), table_name='initiatives')
    op.drop_table('initiatives')
