"""Answer lists: the strand of a report whose reporter was not sure why is "Not sure"

The queue named it "Not known" where the case page, the referral and its PDF said "Not
sure" (the reporter's own answer): one thing, one word. Only the seeded label changes; a
label an administrator already changed stays theirs. The lists' version moves with it
(the trigger of 0025), so every process reads the new word at once.

Revision ID: 0032
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0026'
branch_labels = None
depends_on = None


def _relabel(old: str, new: str) -> None:
    op.execute(
        sa.text("UPDATE choices SET label = :new WHERE list_name = 'strand' AND code = 'unknown' AND label = :old")
        .bindparams(old=old, new=new)
    )


def upgrade():
    _relabel('Not known', 'Not sure')


def downgrade():
    _relabel('Not sure', 'Not known')
