"""Queue: the strands kept beside the clear fields, in the indexes the queue counts from

The queue's strand filter tested each case's report_strands rows: about 6,000 probes for
one filtered page at 100,000 reports. ``reports.strand_set`` holds the same codes as
",race,religion," and the two indexes the queue counts from carry it, so a filtered
count is read from the index alone.

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

reports = sa.table('reports', sa.column('id', sa.Integer), sa.column('strand_set', sa.String))
report_strands = sa.table('report_strands', sa.column('report_id', sa.Integer), sa.column('strand', sa.String))


def upgrade():
    op.add_column('reports', sa.Column('strand_set', sa.String(length=255), nullable=True))
    codes = (
        sa.select(sa.func.aggregate_strings(report_strands.c.strand, ','))
        .where(report_strands.c.report_id == reports.c.id)
        .scalar_subquery()
    )
    op.execute(reports.update().values(strand_set=sa.func.coalesce(sa.literal(',') + codes + sa.literal(','), '')))
    op.drop_index('ix_reports_status_received', table_name='reports')
    op.create_index('ix_reports_status_received', 'reports', ['status', 'received_at', 'strand_set'], unique=False)
    op.drop_index('ix_reports_area_status_priority_received', table_name='reports')
    op.create_index('ix_reports_area_status_priority_received', 'reports',
                    ['area', 'status', 'priority', 'received_at', 'strand_set'], unique=False)


def downgrade():
    op.drop_index('ix_reports_area_status_priority_received', table_name='reports')
    op.create_index('ix_reports_area_status_priority_received', 'reports',
                    ['area', 'status', 'priority', 'received_at'], unique=False)
    op.drop_index('ix_reports_status_received', table_name='reports')
    op.create_index('ix_reports_status_received', 'reports', ['status', 'received_at'], unique=False)
    # A plain DROP COLUMN (SQLite 3.35 and later have it): nothing to rebuild.
    op.drop_column('reports', 'strand_set')
