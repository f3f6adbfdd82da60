"""Police inbox: when the force first opened a referral, and an index the inbox reads alone

Issue 31 item 5: the police inbox filters referrals into new (nobody in the force has opened
it yet), not yet acknowledged, late, acknowledged and outcome given, with a count on each.
``opened_at`` records the first opening (the package's decryption, already audited as
"referral.open"); it is filled here from that audit entry, or from the acknowledgement for a
referral acknowledged without a recorded opening. The index (state, sent_at, opened_at, outcome_at)
replaces the one on state alone: the counts and each filter's page read it without the rows
(on SQLite a referral's sent_at lies after its sealed package, in overflow pages).

Plain ALTER TABLE and CREATE INDEX, no batch copy: a copied referrals table would lose the
statistics' delete trigger (0034).

Revision ID: 0040
Revises: 0039
"""
from alembic import op
import sqlalchemy as sa


revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('referrals', sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))
    # The audit target is "referral:<id>"; "||" joins text on SQLite and PostgreSQL alike.
    op.execute(
        "UPDATE referrals SET opened_at = (SELECT min(audit_events.at) FROM audit_events"
        " WHERE audit_events.action = 'referral.open'"
        " AND audit_events.target = 'referral:' || CAST(referrals.id AS VARCHAR(20)))"
        " WHERE opened_at IS NULL"
    )
    op.execute("UPDATE referrals SET opened_at = acknowledged_at WHERE opened_at IS NULL AND acknowledged_at IS NOT NULL")
    op.drop_index('ix_referrals_state', table_name='referrals')
    op.create_index('ix_referrals_state_sent_at', 'referrals', ['state', 'sent_at', 'opened_at', 'outcome_at'], unique=False)


def downgrade():
    op.drop_index('ix_referrals_state_sent_at', table_name='referrals')
    op.create_index('ix_referrals_state', 'referrals', ['state'], unique=False)
    op.drop_column('referrals', 'opened_at')  # SQLite 3.35 and later drop a column in place
