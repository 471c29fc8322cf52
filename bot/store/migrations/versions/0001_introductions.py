"""introductions and handoffs

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("consent_at", sa.DateTime, nullable=True),
        sa.Column("introduced_by", sa.String(32), nullable=False),
        sa.Column("introducer_relationship", sa.Text, nullable=True),
        sa.Column("person_agrees", sa.Boolean, nullable=True),
        sa.Column("introducer_contact", sa.Text, nullable=True),
        sa.Column("person_contact", sa.Text, nullable=True),
        sa.Column("story", sa.Text, nullable=True),
        sa.Column("needs", sa.JSON, nullable=False),
        sa.Column("what_matters", sa.Text, nullable=True),
        sa.Column("strengths", sa.JSON, nullable=False),
        sa.Column("strengths_text", sa.Text, nullable=True),
        sa.Column("connections", sa.Text, nullable=True),
        sa.Column("offers_given", sa.JSON, nullable=False),
        sa.Column("offer_chosen", sa.Text, nullable=True),
        sa.Column("summary_confirmed", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("contact_preference", sa.Text, nullable=True),
        sa.Column("promise", sa.Text, nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("claimed_by", sa.String(255), nullable=True),
        sa.Column("outcome", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("claimed_at", sa.DateTime, nullable=True),
        sa.Column("closed_at", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("handoffs")
    op.drop_table("introductions")
