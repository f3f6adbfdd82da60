"""Reports: an index on (centre_id, received_at) instead of centre_id alone

The statistics' centres table (issue 31 item 7) asks, for each centre and quarter, whether a
report came through it then. With the centre alone indexed that read every report of the
centre (or every report of the quarter) and made them distinct; with the time beside it each
answer is one probe. The foreign key's lookups use the index's first column, so the index on
centre_id alone goes: no more index updates per submitted report than before.

Plain DROP INDEX and CREATE INDEX, no batch copy: a copied reports table would lose the
statistics' delete trigger (0034).

Revision ID: 0041
Revises: 0040
"""
from alembic import op


revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_reports_centre_received', 'reports', ['centre_id', 'received_at'], unique=False)
    op.drop_index('ix_reports_centre_id', table_name='reports')


def downgrade():
    op.create_index('ix_reports_centre_id', 'reports', ['centre_id'], unique=False)
    op.drop_index('ix_reports_centre_received', table_name='reports')
