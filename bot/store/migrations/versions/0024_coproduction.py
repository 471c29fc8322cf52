"""Co-production: review inbox (redacted messages), proposals, collector cursor

Revision ID: 0024_coproduction
Revises: 0023_insights
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_coproduction"
down_revision = "0023_insights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("turn_key", sa.String(64), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("guess_intent", sa.String(64), nullable=True),
        sa.Column("guess_confidence", sa.Float, nullable=True),
        sa.Column("guess_needs", sa.JSON, nullable=False),
        sa.Column("guess_strengths", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("label_intent", sa.String(64), nullable=True),
        sa.Column("label_needs", sa.JSON, nullable=False),
        sa.Column("label_strengths", sa.JSON, nullable=False),
        sa.Column("labelled_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("labelled_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "coproduction_proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target_file", sa.String(255), nullable=False),
        sa.Column("target", sa.String(128), nullable=False),
        sa.Column("target_line", sa.Integer, nullable=True),
        sa.Column("old_text", sa.Text, nullable=True),
        sa.Column("new_text", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("review_item_id", sa.Integer, nullable=True),
        sa.Column("proposed_by", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("commit", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "review_cursor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_event_id", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_cursor")
    op.drop_table("coproduction_proposals")
    op.drop_table("review_items")
