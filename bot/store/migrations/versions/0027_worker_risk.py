"""A worker's own risk level on a handoff, and review items for a risk level a worker changed

Revision ID: 0027_worker_risk
Revises: 0026_protect_phones
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0027_worker_risk"
down_revision = "0026_protect_phones"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("worker_risk_level", sa.String(16), nullable=True))
        batch.add_column(sa.Column("worker_risk_by", sa.String(255), nullable=True))
        batch.add_column(sa.Column("worker_risk_at", sa.DateTime, nullable=True))
    with op.batch_alter_table("review_items") as batch:
        batch.add_column(sa.Column("assistant_risk", sa.String(16), nullable=True))
        batch.add_column(sa.Column("worker_risk", sa.String(16), nullable=True))
        batch.add_column(sa.Column("worker_reason", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("worker_reason")
        batch.drop_column("worker_risk")
        batch.drop_column("assistant_risk")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("worker_risk_at")
        batch.drop_column("worker_risk_by")
        batch.drop_column("worker_risk_level")
