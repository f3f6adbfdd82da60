"""Police extracts: the counts of reports withheld from the force (consent "no"), sealed beside the lines

A quarter's extract lists only reports whose police consent allows it; the others are given
as counts by month and area, suppressed like open data, in a second CSV sealed to the police
key. Extracts prepared before keep none (NULL).

Revision ID: 0026
Revises: 0029
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('police_extracts') as batch:
        batch.add_column(sa.Column('withheld_sealed', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('police_extracts') as batch:
        batch.drop_column('withheld_sealed')
