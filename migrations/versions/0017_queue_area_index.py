"""Queue: an index that answers a queue filtered by area from the index alone

The queue's count by status and its page order, filtered by area (the commonest filter),
read area, status, priority and received time: with this index they never read the
report rows, which carry a few KB of sealed columns each.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 11:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_reports_area_status_priority_received', 'reports',
                    ['area', 'status', 'priority', 'received_at'], unique=False)


def downgrade():
    op.drop_index('ix_reports_area_status_priority_received', table_name='reports')
