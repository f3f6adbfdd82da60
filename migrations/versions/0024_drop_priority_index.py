"""Reports: the index on priority alone goes (ix_reports_priority_received leads with it)

No statement of the service is planned on it: every lookup by priority is answered by
ix_reports_priority_received, which begins with the same column. Each report sent wrote
it for nothing (seventeen index entries a report became sixteen).

Revision ID: 0024
Revises: 0023
"""
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_reports_priority', table_name='reports')


def downgrade():
    op.create_index('ix_reports_priority', 'reports', ['priority'], unique=False)
