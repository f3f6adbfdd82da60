"""Reports keep in clear two coded answers: whether it had happened before (repeat
victimisation as the reporter's answer) and the kind of place (with the area, a repeat
location), indexed by month for the statistics

Revision ID: 0038
Revises: 0037

Existing reports stay NULL ("not answered"): the questions were not asked then, and the
statistics never open a sealed answer to fill them in. Each column carries its check
constraint in its own definition, so SQLite adds it with a plain ADD COLUMN (no copy of the
largest table there is) and drops it the same way.
"""
from alembic import op


revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

HAPPENED_BEFORE = ('no', 'once', 'several', 'ongoing')
PLACE_KINDS = ('home', 'street', 'transport', 'education', 'work', 'business', 'somewhere_else')


def _one_of(column: str, codes: tuple[str, ...]) -> str:
    return f"{column} IS NULL OR {column} IN ({', '.join(repr(code) for code in codes)})"


def upgrade():
    for column, size, codes in (('happened_before', 16, HAPPENED_BEFORE), ('place_kind', 24, PLACE_KINDS)):
        op.execute(f"ALTER TABLE reports ADD COLUMN {column} VARCHAR({size}) "
                   f"CONSTRAINT ck_reports_{column} CHECK ({_one_of(column, codes)})")
    op.create_index('ix_reports_stats_repeats', 'reports',
                    ['received_at', 'area', 'place_kind', 'happened_before'], unique=False)


def downgrade():
    op.drop_index('ix_reports_stats_repeats', table_name='reports')
    for column in ('place_kind', 'happened_before'):
        op.execute(f"ALTER TABLE reports DROP COLUMN {column}")
