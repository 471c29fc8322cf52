"""Insights: the optional "about you" answers, and indexes on when records were made

Revision ID: 0023_insights
Revises: 0005
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_insights"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "about_you",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("introduction_id", sa.Integer, sa.ForeignKey("introductions.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("asked_at", sa.DateTime, nullable=False, index=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("ethnicity", sa.String(48), nullable=True),
        sa.Column("gender", sa.String(24), nullable=True),
        sa.Column("disability", sa.String(8), nullable=True),
        sa.Column("first_language", sa.String(16), nullable=True),
        sa.Column("life_satisfaction", sa.Integer, nullable=True),
        sa.Column("worthwhile", sa.Integer, nullable=True),
        sa.Column("happiness", sa.Integer, nullable=True),
        sa.Column("anxiety", sa.Integer, nullable=True),
    )
    op.create_index("ix_introductions_created_at", "introductions", ["created_at"])
    op.create_index("ix_handoffs_created_at", "handoffs", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_created_at", table_name="handoffs")
    op.drop_index("ix_introductions_created_at", table_name="introductions")
    op.drop_table("about_you")
