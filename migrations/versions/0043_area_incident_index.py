"""Reports: an index on (area, incident_date) for a case's possible duplicates

A case's possible duplicates are the cases of its area within a few days of its incident
date: with this index that is one range on SQLite and PostgreSQL alike. The statement went
through a subquery of the window by date alone, which PostgreSQL planned, on some days'
statistics, at 27 ms a case page at 100,000 reports instead of 1 ms. The index on area alone
stays: a case without an incident date takes its window by received time, and SQLite looks
those ids up in it by (area, rowid), which a composite index cannot give. One more index
update per report sent.

Plain CREATE INDEX, no batch copy: a copied reports table would lose the statistics' delete
trigger (0034).

Revision ID: 0043
Revises: 0042
"""
from alembic import op


revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_reports_area_incident', 'reports', ['area', 'incident_date'], unique=False)


def downgrade():
    op.drop_index('ix_reports_area_incident', table_name='reports')
