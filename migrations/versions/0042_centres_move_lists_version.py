"""Answer lists: a change to the reporting centres moves their version too

The queue's filter form offers the centres beside the answer lists, and was kept with the
lists' version and the centres as read on every queue page (a statement each page). The
triggers of 0025 now fire on ``centres`` too, so the one version (``choice_lists_version``)
stands for every list a form offers: a new, renamed, closed or deleted centre, from the admin
pages, a command or plain SQL alike, shows at the next request of every process.

Revision ID: 0042
Revises: 0041
"""
from alembic import op


revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

_SQLITE_EVENTS = ('insert', 'update', 'delete')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # The function of 0025 (a new value from its sequence), on a second table.
        op.execute(
            "CREATE TRIGGER centres_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON centres "
            "FOR EACH STATEMENT EXECUTE FUNCTION choice_lists_changed()"
        )
    else:
        for event in _SQLITE_EVENTS:
            op.execute(
                f"CREATE TRIGGER centres_changed_{event} AFTER {event.upper()} ON centres "
                "BEGIN UPDATE choice_lists_version SET version = random(); END"
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER centres_changed ON centres")
    else:
        for event in _SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER centres_changed_{event}")
