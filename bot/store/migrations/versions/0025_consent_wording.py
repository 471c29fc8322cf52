"""Consent: which wording the person said yes to

Revision ID: 0025_consent_wording
Revises: 0024_coproduction
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0025_consent_wording"
down_revision = "0024_coproduction"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("introductions") as batch:
        batch.add_column(sa.Column("consent_wording", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("introductions") as batch:
        batch.drop_column("consent_wording")
