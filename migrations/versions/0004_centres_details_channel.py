"""Centres: address, hours, offers, languages; the centre_link channel.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_CHANNELS = "channel IN ('online', 'centre', 'phone')"
NEW_CHANNELS = "channel IN ('online', 'centre_link', 'centre', 'phone')"


def upgrade():
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("town", sa.String(length=48), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("postcode", sa.String(length=10), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("opening_hours", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("offers", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("how_to_get_help", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
        )
        batch_op.create_index(batch_op.f("ix_centres_town"), ["town"], unique=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reports_channel"), type_="check")
        batch_op.create_check_constraint("channel", NEW_CHANNELS)


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reports_channel"), type_="check")
        batch_op.create_check_constraint("channel", OLD_CHANNELS)
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_centres_town"))
        for column in ("created_at", "how_to_get_help", "languages", "offers", "phone", "opening_hours",
                       "postcode", "town", "address"):
            batch_op.drop_column(column)
