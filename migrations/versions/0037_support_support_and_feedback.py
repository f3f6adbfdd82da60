"""Support per case (offered, accepted, completed) and the reporter's "How did we do?"

Issue 30 item 8. ``case_support`` keeps, in clear codes for the statistics, whether a case's
person was offered support (and on which day), accepted it and completed it; changes go on
the case's timeline as ``support`` events. ``reporter_feedback`` keeps one answer a report to
"How did we do?" at /status: the score (1 to 5) in clear, any words sealed to the report's key.

SQLite rebuilds ``case_events`` to change its check constraint, which drops the trigger
0034 put on it: it is made again, exactly as 0034 made it (and the rebuild renames with the
legacy rule, as 0034's trigger on ``reports`` names ``case_events``).

Revision ID: 0037
Revises: 0036
"""
from alembic import op
import sqlalchemy as sa


revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

OLD_KINDS = ("kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting', "
             "'hold', 'retention')")
NEW_KINDS = ("kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting', "
             "'hold', 'retention', 'support')")

# 0034's trigger on case_events (SQLite form), made again after the table is rebuilt.
_OF_REPORT = "SELECT received_at FROM reports WHERE id = OLD.report_id"
_CASE_EVENT_TIMES = f"SELECT OLD.at AS t UNION ALL {_OF_REPORT}"
_SQLITE_TRIGGER = (
    "CREATE TRIGGER stats_forget_case_events AFTER DELETE ON case_events BEGIN "
    "DELETE FROM stats_months WHERE month IN ("
    f"SELECT strftime('%Y-%m', t) FROM ({_CASE_EVENT_TIMES}) WHERE t IS NOT NULL "
    f"UNION SELECT strftime('%Y-%m', t, '+1 hour') FROM ({_CASE_EVENT_TIMES}) WHERE t IS NOT NULL); END"
)


def _swap_kinds(kinds: str) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        # 0034's trigger on reports names case_events, which is missing for a moment while the
        # table is rebuilt: the legacy rename does not check other tables' triggers.
        op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
        batch_op.create_check_constraint('kind', kinds)
    if sqlite:
        op.execute("PRAGMA legacy_alter_table = OFF")
        found = op.get_bind().execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'stats_forget_case_events'")).first()
        if found is None:
            op.execute(_SQLITE_TRIGGER)


def upgrade():
    _swap_kinds(NEW_KINDS)
    op.create_table('case_support',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('offered', sa.String(length=8), nullable=False),
    sa.Column('offered_on', sa.Date(), nullable=True),
    sa.Column('accepted', sa.String(length=8), nullable=True),
    sa.Column('completed', sa.String(length=8), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("offered IN ('yes', 'no')", name=op.f('ck_case_support_offered')),
    sa.CheckConstraint("accepted IS NULL OR accepted IN ('yes', 'no', 'not_yet')", name=op.f('ck_case_support_accepted')),
    sa.CheckConstraint("completed IS NULL OR completed IN ('yes', 'stopped', 'not_yet')",
                       name=op.f('ck_case_support_completed')),
    sa.CheckConstraint("offered = 'yes' OR (offered_on IS NULL AND accepted IS NULL AND completed IS NULL)",
                       name=op.f('ck_case_support_only_if_offered')),
    sa.CheckConstraint("offered = 'no' OR (offered_on IS NOT NULL AND accepted IS NOT NULL)",
                       name=op.f('ck_case_support_offer_recorded')),
    sa.CheckConstraint("completed IS NULL OR accepted = 'yes'", name=op.f('ck_case_support_only_if_accepted')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_case_support_report_id_reports'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_case_support'))
    )
    op.create_table('reporter_feedback',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('comment', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_reporter_feedback_score')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_reporter_feedback_report_id_reports'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_reporter_feedback'))
    )
    with op.batch_alter_table('reporter_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporter_feedback_answered_on'), ['answered_on'], unique=False)
    # As 0034 for the other tables the statistics read: a deleted answer (its report deleted, say)
    # forgets the month it was answered in.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION stats_forget_reporter_feedback() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "DELETE FROM stats_months WHERE month = to_char(OLD.answered_on, 'YYYY-MM'); RETURN NULL; END $$")
        op.execute("CREATE TRIGGER stats_forget_reporter_feedback AFTER DELETE ON reporter_feedback "
                   "FOR EACH ROW EXECUTE FUNCTION stats_forget_reporter_feedback()")
    else:
        op.execute("CREATE TRIGGER stats_forget_reporter_feedback AFTER DELETE ON reporter_feedback BEGIN "
                   "DELETE FROM stats_months WHERE month = strftime('%Y-%m', OLD.answered_on); END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER stats_forget_reporter_feedback ON reporter_feedback")
        op.execute("DROP FUNCTION stats_forget_reporter_feedback()")
    else:
        op.execute("DROP TRIGGER stats_forget_reporter_feedback")
    with op.batch_alter_table('reporter_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporter_feedback_answered_on'))
    op.drop_table('reporter_feedback')
    op.drop_table('case_support')
    op.execute("DELETE FROM case_events WHERE kind = 'support'")
    _swap_kinds(OLD_KINDS)
