"""Answer lists: a version that every change to ``choices`` moves, set by triggers

Each request that checked or showed answers read every active option (a few dozen rows) to
have the lists as they are now. A process now keeps the lists with the version it read them
at, and a request reads only the version (with the draft, on the journey). Triggers move it
on any insert, update or delete, from the admin pages, a command or plain SQL alike, to a
value never used before: a PostgreSQL sequence from a random start (a sequence is not rolled
back), or a random 64-bit number on SQLite; so a change rolled back cannot leave a version
that a later change takes again.

Revision ID: 0025
Revises: 0024
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

_SQLITE_EVENTS = ('insert', 'update', 'delete')


def upgrade():
    op.create_table(
        'choice_lists_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # From a random point, so a database migrated again (or another one) does not count
        # through the versions an earlier one used.
        op.execute(f"CREATE SEQUENCE choice_lists_version_seq START WITH {secrets.randbelow(2 ** 62) + 1}")
        op.execute("INSERT INTO choice_lists_version (id, version) VALUES (1, nextval('choice_lists_version_seq'))")
        op.execute(
            "CREATE FUNCTION choice_lists_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE choice_lists_version SET version = nextval('choice_lists_version_seq'); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER choices_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON choices "
            "FOR EACH STATEMENT EXECUTE FUNCTION choice_lists_changed()"
        )
    else:
        op.execute("INSERT INTO choice_lists_version (id, version) VALUES (1, random())")
        for event in _SQLITE_EVENTS:
            op.execute(
                f"CREATE TRIGGER choices_changed_{event} AFTER {event.upper()} ON choices "
                "BEGIN UPDATE choice_lists_version SET version = random(); END"
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER choices_changed ON choices")
        op.execute("DROP FUNCTION choice_lists_changed()")
        op.execute("DROP SEQUENCE choice_lists_version_seq")
    else:
        for event in _SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER choices_changed_{event}")
    op.drop_table('choice_lists_version')
