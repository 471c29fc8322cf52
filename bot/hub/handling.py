"""What a worker does to a handoff, as small database steps the views call.

Claiming is one conditional UPDATE (``... WHERE status = 'waiting'``), so when two workers
press "claim" together the database lets exactly one of them win.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.hub.models import HubNote
from bot.store.models import Handoff, utcnow


def claim(session: Session, handoff_id: int, username: str) -> bool:
    """Take a waiting handoff; False when someone else got there first (or it is not waiting)."""
    now = utcnow()
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "waiting")
        .values(status="claimed", claimed_by=username, claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def unclaim(session: Session, handoff_id: int, username: str) -> None:
    """Undo a claim whose pause could not reach the assistant, so the person stays in the queue."""
    session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "claimed", Handoff.claimed_by == username)
        .values(status="waiting", claimed_by=None, claimed_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def finish(session: Session, handoff_id: int, status: str, outcome: str | None = None) -> None:
    """Mark a handoff handed back or closed."""
    now = utcnow()
    values: dict = {"status": status, "updated_at": now}
    if status == "closed":
        values.update(outcome=outcome, closed_at=now)
    session.execute(update(Handoff).where(Handoff.id == handoff_id).values(**values)
                    .execution_options(synchronize_session=False))


def add_note(session: Session, handoff: Handoff, author: str, text: str) -> None:
    session.add(HubNote(handoff_id=handoff.id, sender_id=handoff.sender_id, author=author,
                        text=text, created_at=utcnow()))


def notes_for(session: Session, sender_id: str) -> list[HubNote]:
    """Every note about this person, from any of their handoffs (oldest first)."""
    return list(session.execute(select(HubNote).where(HubNote.sender_id == sender_id)
                                .order_by(HubNote.id)).scalars())


def get(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)


def earlier_handoffs(session: Session, handoff: Handoff) -> list[Handoff]:
    """This person's other handoffs, so a worker sees they have been in touch before."""
    return list(session.execute(select(Handoff).where(Handoff.sender_id == handoff.sender_id,
                                                      Handoff.id != handoff.id)
                                .order_by(Handoff.id.desc())).scalars())
