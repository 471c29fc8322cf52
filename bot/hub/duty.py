"""Who is on duty: the handoff action asks this before promising a live worker."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.hub.models import StaffUser


def workers_on_duty(session: Session) -> int:
    """How many workers or leads have said they are on duty (0 means: promise contact later)."""
    return int(session.execute(
        select(func.count()).select_from(StaffUser)
        .where(StaffUser.on_duty.is_(True), StaffUser.role.in_(("worker", "lead")))
    ).scalar_one())


def set_on_duty(session: Session, user_id: int, on_duty: bool) -> None:
    """Record that a worker came on or went off duty."""
    user = session.get(StaffUser, user_id)
    if user is not None:
        user.on_duty = on_duty
