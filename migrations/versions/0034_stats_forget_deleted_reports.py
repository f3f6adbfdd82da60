"""Statistics: a deleted report's kept months are forgotten by the database itself

The statistics keep each month's grouped rows (``stats_months``) and find new reports,
case events and links by their ids. A deletion leaves no new id, so every path deleting
reports (a retention run, an erasure, plain SQL) had to remember to call a hook, which
forgot every kept month: the next look grouped years of reports again (9 to 18 seconds at
a million reports). Triggers now forget only the months a deleted row counts in: a report's
month, the months of its case events, referrals and police match and of the reports linked
to it (each of those tables has its own trigger, whatever order a path deletes in). Nothing
a caller can forget, and the next look groups those few months.

A month is the Europe/London month. PostgreSQL converts exactly; SQLite has no time zones,
so both the UTC month and the month an hour later are forgotten (London is UTC or UTC+1):
at worst one month more than needed, grouped again.

Revision ID: 0034
Revises: 0032
"""
from alembic import op


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

# For each table the statistics read: the times its deleted row (OLD) dates a figure by, and the
# month of the report it belongs to while that report is still there. The report's own trigger
# runs before its row goes (its case events, links and referrals still there, whichever order a
# path deletes in); the others after their row goes.
_OF_REPORT = "SELECT received_at FROM reports WHERE id = OLD.report_id"
_TIMES = {
    'reports': (
        "SELECT OLD.received_at AS t"
        " UNION ALL SELECT at FROM case_events WHERE report_id = OLD.id"
        " UNION ALL SELECT received_at FROM reports WHERE id IN"
        " (SELECT other_id FROM case_links WHERE report_id = OLD.id"
        " UNION SELECT report_id FROM case_links WHERE other_id = OLD.id)"
        " UNION ALL SELECT matched_at FROM police_matches WHERE report_id = OLD.id"
        " UNION ALL SELECT created_at FROM referrals WHERE report_id = OLD.id"
        " UNION ALL SELECT sent_at FROM referrals WHERE report_id = OLD.id"
        " UNION ALL SELECT acknowledged_at FROM referrals WHERE report_id = OLD.id"
        " UNION ALL SELECT outcome_at FROM referrals WHERE report_id = OLD.id"
    ),
    'case_events': f"SELECT OLD.at AS t UNION ALL {_OF_REPORT}",
    'case_links': "SELECT received_at AS t FROM reports WHERE id IN (OLD.report_id, OLD.other_id)",
    'referrals': (f"SELECT OLD.created_at AS t UNION ALL SELECT OLD.sent_at UNION ALL SELECT OLD.acknowledged_at"
                  f" UNION ALL SELECT OLD.outcome_at UNION ALL {_OF_REPORT}"),
    'police_matches': f"SELECT OLD.matched_at AS t UNION ALL {_OF_REPORT}",
}


def _when(table: str) -> str:
    return 'BEFORE' if table == 'reports' else 'AFTER'


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, times in _TIMES.items():
        name = f"stats_forget_{table}"
        if postgresql:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "DELETE FROM stats_months WHERE month IN (SELECT to_char(t AT TIME ZONE 'Europe/London', 'YYYY-MM') "
                f"FROM ({times}) AS times WHERE t IS NOT NULL); "
                f"RETURN {'OLD' if table == 'reports' else 'NULL'}; END $$"
            )
            op.execute(f"CREATE TRIGGER {name} {_when(table)} DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            op.execute(
                f"CREATE TRIGGER {name} {_when(table)} DELETE ON {table} BEGIN "
                "DELETE FROM stats_months WHERE month IN ("
                f"SELECT strftime('%Y-%m', t) FROM ({times}) WHERE t IS NOT NULL "
                f"UNION SELECT strftime('%Y-%m', t, '+1 hour') FROM ({times}) WHERE t IS NOT NULL); END"
            )


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table in _TIMES:
        name = f"stats_forget_{table}"
        if postgresql:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
