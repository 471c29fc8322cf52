"""Tables the Hub console owns: staff, their sessions, notes and the audit log."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from bot.store.db import Base
from bot.store.models import utcnow

ROLES = ("worker", "lead", "coproduction")


class StaffUser(Base):
    """A person who logs in to the console; ``role`` decides what they may see."""

    __tablename__ = "hub_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(128), nullable=True)
    password_hash = Column(Text, nullable=False)
    role = Column(String(32), nullable=False)  # worker | lead | coproduction
    on_duty = Column(Boolean, nullable=False, default=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    """A logged-in browser. Only a hash of the cookie is kept, so a database leak is no login."""

    __tablename__ = "hub_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("hub_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class HubNote(Base):
    """An internal note about a person's conversation; never sent to the person."""

    __tablename__ = "hub_notes"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    sender_id = Column(String(255), nullable=False, index=True)
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who looked at or did what to a person's record, and when (never deleted by the app)."""

    __tablename__ = "hub_audit"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    username = Column(String(64), nullable=False)
    action = Column(String(64), nullable=False)
    sender_id = Column(String(255), nullable=True, index=True)
    handoff_id = Column(Integer, nullable=True)
    detail = Column(Text, nullable=True)
