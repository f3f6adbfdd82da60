"""Referrals: an index on (report_id, state, sent_at) instead of report_id alone

The queue reads "Referral not acknowledged" beside each line of its page as an EXISTS on the
report's referrals (reporting/referrals/casefile.py). With report_id alone indexed, SQLite read
each referral's row for its state and sent time, which lie after its sealed package in overflow
pages: the queue page's statements took a millisecond more than the separate statement they
replaced. With the two beside the report in the index, each line's answer is the index alone.
The foreign key's lookups use the first column, so the index on report_id alone goes.

Plain CREATE INDEX and DROP INDEX, no batch copy: a copied referrals table would lose the
statistics' delete trigger (0034).

Revision ID: 0044
Revises: 0043
"""
from alembic import op


revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_referrals_report_state_sent', 'referrals', ['report_id', 'state', 'sent_at'], unique=False)
    op.drop_index('ix_referrals_report_id', table_name='referrals')


def downgrade():
    op.create_index('ix_referrals_report_id', 'referrals', ['report_id'], unique=False)
    op.drop_index('ix_referrals_report_state_sent', table_name='referrals')
