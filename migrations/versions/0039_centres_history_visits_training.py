"""Reporting centres kept alive (issue 31 items 6-7): opened and closed dates, a contact for
reminders, the Group's visits and the centre staff's hate crime awareness training.

Existing centres: opened on the day they were added (their created date); none closed, except
a retired centre, closed on the day of this migration (its reports stay in the statistics).

Revision ID: 0039
Revises: 0038
"""
from alembic import op
import sqlalchemy as sa


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=False, server_default=''))
        batch_op.create_check_constraint(
            'closed_after_opened', 'closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on')
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.alter_column('contact_email', server_default=None)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE centres SET opened_on = CAST(created_at AT TIME ZONE 'UTC' AS DATE)")
        op.execute("UPDATE centres SET closed_on = CURRENT_DATE WHERE active = false")
    else:
        op.execute("UPDATE centres SET opened_on = date(created_at)")
        op.execute("UPDATE centres SET closed_on = date('now') WHERE active = 0")
    op.execute("UPDATE centres SET opened_on = closed_on WHERE closed_on < opened_on")
    op.create_table('centre_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=True),
    sa.Column('poster_displayed', sa.Boolean(), nullable=False),
    sa.Column('leaflets_stocked', sa.Boolean(), nullable=False),
    sa.Column('staff_able', sa.Integer(), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('staff_able >= 0', name=op.f('ck_centre_visits_staff_able_not_negative')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_centre_visits_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['users.id'], name=op.f('fk_centre_visits_visitor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_visits'))
    )
    with op.batch_alter_table('centre_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_visits_centre_id'), ['centre_id'], unique=False)
    op.create_table('centre_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sa.String(length=120), nullable=False),
    sa.Column('person_role', sa.String(length=120), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('refresher_due', sa.Date(), nullable=False),
    sa.Column('reminded_for', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('refresher_due > trained_on', name=op.f('ck_centre_training_refresher_after_training')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_centre_training_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_centre_training_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_training'))
    )
    with op.batch_alter_table('centre_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_training_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_training_refresher_due'), ['refresher_due'], unique=False)


def downgrade():
    with op.batch_alter_table('centre_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_training_refresher_due'))
        batch_op.drop_index(batch_op.f('ix_centre_training_centre_id'))
    op.drop_table('centre_training')
    with op.batch_alter_table('centre_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_visits_centre_id'))
    op.drop_table('centre_visits')
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_centres_closed_after_opened'), type_='check')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('opened_on')
