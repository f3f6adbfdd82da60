"""Statistics: reports keep in clear which of the strategy's least-likely-to-report groups they name,
indexed by month for the statistics

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 11:45:00

Existing reports stay NULL ("not known"): their finer reason is sealed and the statistics never
open it, so they are shown as reports from before the groups were recorded.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

def upgrade():
    # A plain ADD COLUMN (no table copy on SQLite: the reports table is the largest there is).
    op.add_column('reports', sa.Column('strategy_groups', sa.String(length=80), nullable=True))
    op.create_index('ix_reports_stats_groups', 'reports', ['received_at', 'strategy_groups'], unique=False)
    # Kept months are derived figures of the old shape: grouped again on the next look.
    op.execute("DELETE FROM stats_months")


def downgrade():
    op.drop_index('ix_reports_stats_groups', table_name='reports')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('strategy_groups')
