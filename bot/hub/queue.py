"""The queue of people waiting for a Hub worker: urgent first, then longest wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.store.models import Handoff, utcnow

REASONS = {"asked": "Asked for a person", "risk": "Risk seen", "introduction": "Introduction wants contact"}
CHANNELS = {"twilio": "SMS", "twilio_sms": "SMS", "sms": "SMS", "socketio": "Web chat",
            "webchat": "Web chat", "rest": "Web (REST)"}
SMS_CHANNELS = frozenset({"twilio", "twilio_sms", "sms"})
OUTCOMES = {
    "signposted": "Signposted",
    "booked_call": "Booked for a call",
    "hub_appointment": "Hub appointment",
    "crisis_team": "Crisis team",
    "no_contact": "No contact possible",
}


def wait_words(since: datetime, now: datetime | None = None) -> str:
    """How long someone has waited, as a person would say it ("12 minutes", "2 hours 5 minutes")."""
    seconds = max(0, int(((now or utcnow()) - since).total_seconds()))
    if seconds < 60:
        return "less than a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        text = f"{hours} hour{'s' if hours != 1 else ''}"
        return text + (f" {minutes} minute{'s' if minutes != 1 else ''}" if minutes else "")
    days = hours // 24
    return f"{days} days"


@dataclass(frozen=True)
class QueueRow:
    id: int
    channel: str
    reason: str
    urgent: bool
    risk_level: str
    status: str
    claimed_by: str | None
    waited: str
    needs: list[str]


def _row(h: Handoff, now: datetime) -> QueueRow:
    needs = list((h.summary or {}).get("needs") or [])
    return QueueRow(h.id, CHANNELS.get(h.channel, h.channel), REASONS.get(h.reason, h.reason),
                    bool(h.urgent), h.risk_level or "none", h.status, h.claimed_by,
                    wait_words(h.created_at, now), needs)


def waiting(session: Session, now: datetime | None = None) -> list[QueueRow]:
    """People no worker has claimed: urgent (or high risk) first, then who waited longest."""
    now = now or utcnow()
    urgent_first = case((Handoff.urgent.is_(True), 0), (Handoff.risk_level == "high", 0), else_=1)
    rows = session.execute(select(Handoff).where(Handoff.status == "waiting")
                           .order_by(urgent_first, Handoff.created_at, Handoff.id)).scalars()
    return [_row(h, now) for h in rows]


def with_workers(session: Session, now: datetime | None = None) -> list[QueueRow]:
    """People a worker has claimed and not yet handed back or closed."""
    now = now or utcnow()
    rows = session.execute(select(Handoff).where(Handoff.status == "claimed")
                           .order_by(Handoff.claimed_at, Handoff.id)).scalars()
    return [_row(h, now) for h in rows]


def finished(session: Session, limit: int = 200) -> list[Handoff]:
    """Closed and handed-back handoffs, newest first (leads only)."""
    return list(session.execute(select(Handoff).where(Handoff.status.in_(("closed", "handed_back")))
                                .order_by(Handoff.updated_at.desc()).limit(limit)).scalars())


def fingerprint(session: Session) -> tuple:
    """Changes whenever any handoff is added or changed: the queue feed's trigger."""
    return tuple(session.execute(select(func.count(Handoff.id), func.max(Handoff.id),
                                        func.max(Handoff.updated_at))).one())
