"""Hub feed: Rasa's events as consumed from RabbitMQ

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

The shape of Rasa's SQL event broker table (id, sender_id, data), so the Hub's live
transcript reads either the same way (not named ``events``: Rasa's tracker store uses that);
``digest`` makes a redelivered message harmless.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_feed_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=True, index=True),
        sa.Column("data", sa.Text, nullable=True),
        sa.Column("digest", sa.String(64), nullable=True, unique=True),
    )


def downgrade() -> None:
    op.drop_table("hub_feed_events")
