"""Introductions keep the time of the person's first message and how many messages were unsure

For the insights: time from first message to a human contact, and the assistant's unsure rate.
Rows written before have NULL here and are left out of those two figures.

Revision ID: 0028_first_message
Revises: 0027_worker_risk
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0028_first_message"
down_revision = "0027_worker_risk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("introductions") as batch:
        batch.add_column(sa.Column("first_message_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("messages", sa.Integer, nullable=True))
        batch.add_column(sa.Column("unsure_messages", sa.Integer, nullable=True))
        batch.add_column(sa.Column("counted_until", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("introductions") as batch:
        batch.drop_column("counted_until")
        batch.drop_column("unsure_messages")
        batch.drop_column("messages")
        batch.drop_column("first_message_at")
