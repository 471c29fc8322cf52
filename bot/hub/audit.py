"""The audit log: every view of, or change to, a person's record, with who and when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.hub.models import AuditEntry
from bot.store.models import utcnow


def record(session: Session, username: str, action: str, *, sender_id: str | None = None,
           handoff_id: int | None = None, detail: str | None = None) -> None:
    """Add one audit entry (in the caller's transaction)."""
    session.add(AuditEntry(at=utcnow(), username=username, action=action, sender_id=sender_id,
                           handoff_id=handoff_id, detail=detail))


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    """Newest entries first, for the lead's audit page."""
    return list(session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars())
