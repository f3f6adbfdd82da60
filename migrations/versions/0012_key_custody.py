"""Key custody: grant proofs, grant requests (two-person rule), who created or reset an account;
reports.submission_key becomes a hash of the draft id

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 10:40:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grant_verify_key', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('key_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proof', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reset_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_users_reset_by_id_users'), 'users', ['reset_by_id'], ['id'], ondelete='SET NULL')
    op.create_table('grant_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('group', 'police')", name=op.f('ck_grant_requests_purpose')),
    sa.CheckConstraint('approved_by_id IS NULL OR requested_by_id IS NULL OR approved_by_id != requested_by_id', name=op.f('ck_grant_requests_second_person')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_grant_requests_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_grant_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grant_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_requests'))
    )
    with op.batch_alter_table('grant_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_requests_user_id'), ['user_id'], unique=False)
    # receipt_reissued now means "the reporter holds a code nobody else has seen": true for
    # online reports (only the reporter saw it), still false for centre and phone ones.
    op.execute("UPDATE reports SET receipt_reissued = true WHERE channel = 'online'")
    # The draft id is in the reporter's cookie: the report keeps only its hash (as
    # reporting.reports.services.submission_digest computes it).
    reports = sa.table('reports', sa.column('id', sa.Integer), sa.column('submission_key', sa.String))
    connection = op.get_bind()
    for row_id, key in connection.execute(sa.select(reports.c.id, reports.c.submission_key)).all():
        digest = hashlib.sha256(b"reporting/submission/v1:" + key.encode()).hexdigest()
        connection.execute(reports.update().where(reports.c.id == row_id).values(submission_key=digest))


def downgrade():
    # reports.submission_key stays hashed: a hash cannot be turned back into the draft id,
    # and nothing needs the id (it only keeps one report per draft).
    with op.batch_alter_table('grant_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_requests_user_id'))
    op.drop_table('grant_requests')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_reset_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_created_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reset_by_id')
        batch_op.drop_column('created_by_id')
    with op.batch_alter_table('key_grants', schema=None) as batch_op:
        batch_op.drop_column('proof')
    with op.batch_alter_table('service_keys', schema=None) as batch_op:
        batch_op.drop_column('grant_verify_key')
