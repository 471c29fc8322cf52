"""community offers directory (Open Referral UK shape)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "dir_tag", "dir_service_taxonomy", "dir_service_at_location", "dir_regular_schedule", "dir_phone",
    "dir_language", "dir_eligibility", "dir_cost_option", "dir_contact", "dir_service", "dir_taxonomy",
    "dir_organization", "dir_location",
)


def upgrade() -> None:
    op.create_table("dir_location",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("oruk_id", sa.String(length=255), nullable=False),
    sa.Column("name", sa.Text(), nullable=True),
    sa.Column("address_1", sa.Text(), nullable=True),
    sa.Column("city", sa.Text(), nullable=True),
    sa.Column("postcode", sa.String(length=16), nullable=True),
    sa.Column("postcode_district", sa.String(length=8), nullable=True),
    sa.Column("latitude", sa.Float(), nullable=True),
    sa.Column("longitude", sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("oruk_id")
    )
    op.create_index(op.f("ix_dir_location_postcode_district"), "dir_location", ["postcode_district"])
    op.create_table("dir_organization",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("oruk_id", sa.String(length=255), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("url", sa.Text(), nullable=True),
    sa.Column("email", sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("oruk_id")
    )
    op.create_table("dir_taxonomy",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("oruk_id", sa.String(length=255), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("vocabulary", sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("oruk_id")
    )
    op.create_table("dir_service",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("oruk_id", sa.String(length=255), nullable=False),
    sa.Column("organization_id", sa.Integer(), nullable=True),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("summary", sa.Text(), nullable=True),
    sa.Column("description_raw", sa.Text(), nullable=True),
    sa.Column("url", sa.Text(), nullable=True),
    sa.Column("email", sa.Text(), nullable=True),
    sa.Column("status", sa.String(length=32), nullable=False),
    sa.Column("fees", sa.Text(), nullable=True),
    sa.Column("last_verified", sa.Date(), nullable=True),
    sa.Column("source", sa.Text(), nullable=True),
    sa.Column("source_url", sa.Text(), nullable=True),
    sa.Column("is_sample", sa.Boolean(), nullable=False),
    sa.Column("is_national", sa.Boolean(), nullable=False),
    sa.Column("mode_phone", sa.Boolean(), nullable=False),
    sa.Column("mode_online", sa.Boolean(), nullable=False),
    sa.Column("mode_in_person", sa.Boolean(), nullable=False),
    sa.Column("open_24_7", sa.Boolean(), nullable=False),
    sa.Column("content_hash", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["organization_id"], ["dir_organization.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("oruk_id")
    )
    op.create_index(op.f("ix_dir_service_organization_id"), "dir_service", ["organization_id"])
    op.create_table("dir_contact",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.Text(), nullable=True),
    sa.Column("title", sa.Text(), nullable=True),
    sa.Column("email", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_contact_service_id"), "dir_contact", ["service_id"])
    op.create_table("dir_cost_option",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("amount", sa.Float(), nullable=True),
    sa.Column("amount_description", sa.Text(), nullable=True),
    sa.Column("option", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_cost_option_service_id"), "dir_cost_option", ["service_id"])
    op.create_table("dir_eligibility",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("eligibility", sa.Text(), nullable=True),
    sa.Column("minimum_age", sa.Integer(), nullable=True),
    sa.Column("maximum_age", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_eligibility_service_id"), "dir_eligibility", ["service_id"])
    op.create_table("dir_language",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("language", sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_language_service_id"), "dir_language", ["service_id"])
    op.create_table("dir_phone",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("number", sa.String(length=32), nullable=False),
    sa.Column("raw", sa.Text(), nullable=True),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_phone_service_id"), "dir_phone", ["service_id"])
    op.create_table("dir_regular_schedule",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("weekday", sa.Integer(), nullable=False),
    sa.Column("byday", sa.String(length=4), nullable=False),
    sa.Column("opens_at", sa.String(length=5), nullable=False),
    sa.Column("closes_at", sa.String(length=5), nullable=False),
    sa.Column("valid_from", sa.Date(), nullable=True),
    sa.Column("valid_to", sa.Date(), nullable=True),
    sa.Column("description", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_regular_schedule_service_id"), "dir_regular_schedule", ["service_id"])
    op.create_table("dir_service_at_location",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("oruk_id", sa.String(length=255), nullable=True),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("location_id", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["location_id"], ["dir_location.id"], ),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_service_at_location_location_id"),
                    "dir_service_at_location", ["location_id"])
    op.create_index(op.f("ix_dir_service_at_location_service_id"), "dir_service_at_location", ["service_id"])
    op.create_table("dir_service_taxonomy",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("taxonomy_id", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["taxonomy_id"], ["dir_taxonomy.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_dir_service_taxonomy_service_id"), "dir_service_taxonomy", ["service_id"])
    op.create_index(op.f("ix_dir_service_taxonomy_taxonomy_id"), "dir_service_taxonomy", ["taxonomy_id"])
    op.create_table("dir_tag",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("code", sa.String(length=64), nullable=False),
    sa.Column("source", sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("service_id", "kind", "code", name="uq_dir_tag")
    )
    op.create_index(op.f("ix_dir_tag_code"), "dir_tag", ["code"])
    op.create_index(op.f("ix_dir_tag_service_id"), "dir_tag", ["service_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
