"""What a worker does to a handoff, as small database steps the views call.

Claiming is one conditional UPDATE (``... WHERE status = 'waiting'``), so when two workers
press "claim" together the database lets exactly one of them win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.hub.models import AuditEntry, HubNote, StaffUser
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


REOPEN_HOURS = 12  # "the rest of the shift": as long as a console login lasts


def closer_of(session: Session, handoff: Handoff) -> str | None:
    """Who closed or handed back this conversation last (from the audit log)."""
    return session.execute(select(AuditEntry.username)
                           .where(AuditEntry.handoff_id == handoff.id,
                                  AuditEntry.action.in_(("closed", "handed_back")))
                           .order_by(AuditEntry.id.desc()).limit(1)).scalar()


def may_reopen(session: Session, handoff: Handoff, username: str, now: datetime | None = None) -> bool:
    """The worker who closed (or handed back) a conversation may take it back for the rest of
    their shift, in case they closed the wrong one or the person writes again."""
    if handoff.status not in ("closed", "handed_back"):
        return False
    finished_at = handoff.closed_at or handoff.updated_at
    if finished_at is None or (now or utcnow()) - finished_at > timedelta(hours=REOPEN_HOURS):
        return False
    return closer_of(session, handoff) == username


def reopen(session: Session, handoff_id: int, username: str) -> bool:
    """Make a finished conversation the closer's again (one conditional UPDATE)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or not may_reopen(session, handoff, username):
        return False
    if open_for_person(session, handoff.sender_id) is not None:
        return False  # they are in the queue again: that newer conversation is the one to open
    now = utcnow()
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status.in_(("closed", "handed_back")))
        .values(status="claimed", claimed_by=username, outcome=None, closed_at=None,
                claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def undo_reopen(session: Session, handoff_id: int, status: str, outcome: str | None) -> None:
    """Put a conversation back as it was when the assistant could not be paused for a reopen."""
    now = utcnow()
    session.execute(update(Handoff).where(Handoff.id == handoff_id)
                    .values(status=status, outcome=outcome, closed_at=now if status == "closed" else None,
                            updated_at=now)
                    .execution_options(synchronize_session=False))


def pass_to(session: Session, handoff_id: int, from_username: str, to_username: str) -> str | None:
    """Duty hand-over: give a claimed conversation to another worker or lead on duty.

    Returns the colleague's display name (the person is told they joined), or None when refused.
    """
    target = session.execute(select(StaffUser).where(StaffUser.username == to_username,
                                                     StaffUser.on_duty.is_(True),
                                                     StaffUser.role.in_(("worker", "lead")))).scalars().first()
    if target is None or to_username == from_username:
        return None
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "claimed", Handoff.claimed_by == from_username)
        .values(claimed_by=to_username, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return (target.display_name or target.username) if result.rowcount == 1 else None


def colleagues_on_duty(session: Session, username: str) -> list[tuple[str, str]]:
    """(username, name) of the other workers and leads on duty, to hand a conversation to."""
    rows = session.execute(select(StaffUser).where(StaffUser.on_duty.is_(True),
                                                   StaffUser.role.in_(("worker", "lead")),
                                                   StaffUser.username != username)
                           .order_by(StaffUser.username)).scalars()
    return [(u.username, u.display_name or u.username) for u in rows]


def open_for_person(session: Session, sender_id: str) -> Handoff | None:
    """The person's conversation still waiting or with a worker, if any."""
    return session.execute(select(Handoff).where(Handoff.sender_id == sender_id,
                                                 Handoff.status.in_(("waiting", "claimed")))
                           .order_by(Handoff.id.desc())).scalars().first()


def display_name(session: Session, username: str | None) -> str | None:
    """A staff member's display name (what the person knows them by), or None if unknown."""
    if not username:
        return None
    user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalars().first()
    return (user.display_name or user.username) if user is not None else None


WORKER_RISK_LEVELS = ("none", "possible", "high")


def set_worker_risk(session: Session, handoff_id: int, username: str, level: str) -> bool:
    """Record a worker's own judgement of the risk; the assistant's level is kept beside it."""
    if level not in WORKER_RISK_LEVELS:
        return False
    now = utcnow()
    result = session.execute(update(Handoff).where(Handoff.id == handoff_id)
                             .values(worker_risk_level=level, worker_risk_by=username, worker_risk_at=now,
                                     updated_at=now)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1
