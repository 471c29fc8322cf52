"""Phone numbers kept only as keyed hashes, contact details encrypted (LWFD_DATA_KEY)

Rewrites rows written before: each phone number in the SMS tables becomes its lookup hash, and
each contact detail is encrypted, so an opt-out recorded earlier is still found.

Revision ID: 0026_protect_phones
Revises: 0025_consent_wording
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0026_protect_phones"
down_revision = "0025_consent_wording"
branch_labels = None
depends_on = None

PHONE_TABLES = ("sms_inbound", "sms_opt_out", "sms_opt_event", "sms_buttons")
ENCRYPTED = {"introductions": ("introducer_contact", "person_contact"), "handoffs": ("contact_preference",)}


def upgrade() -> None:
    from bot.store.protected import _is_lookup, decrypt, encrypt, lookup_hash

    conn = op.get_bind()
    for table in PHONE_TABLES:
        for row_id, phone in conn.execute(sa.text(f"SELECT id, phone FROM {table}")).all():
            if phone and not _is_lookup(phone):
                conn.execute(sa.text(f"UPDATE {table} SET phone = :p WHERE id = :i"),
                             {"p": lookup_hash(phone), "i": row_id})
    for table, columns in ENCRYPTED.items():
        for column in columns:
            for row_id, value in conn.execute(sa.text(f"SELECT id, {column} FROM {table}")).all():
                if value and decrypt(value) == value:  # not yet one of our tokens
                    conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :i"),
                                 {"v": encrypt(value), "i": row_id})


def downgrade() -> None:
    """Hashes cannot be undone; contact details are decrypted again."""
    from bot.store.protected import decrypt

    conn = op.get_bind()
    for table, columns in ENCRYPTED.items():
        for column in columns:
            for row_id, value in conn.execute(sa.text(f"SELECT id, {column} FROM {table}")).all():
                if value:
                    conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :i"),
                                 {"v": decrypt(value), "i": row_id})
