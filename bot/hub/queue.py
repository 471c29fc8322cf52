"""The queue of people waiting for a Hub worker: most serious risk first, then by the time promised.

Each row says who (first name, or "someone"), their channel, how long they have waited
against what they were promised, their needs, and for urgent rows the person's own words
behind the most serious risk (``bot/hub/triage.py`` ranks it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.hub import triage
from bot.store.models import Handoff, utcnow
from bot.taxonomy import need_label

logger = logging.getLogger(__name__)
RisksFor = Callable[[str], list[Mapping[str, Any]]]
LIVE_PROMISE = "A Hub worker will join"

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
    name: str = "Someone"
    promise: str = ""  # what they were promised, in short
    overdue: bool = False
    tier: int = triage.NONE
    tier_label: str = ""
    risk_words: list[str] = field(default_factory=list)  # the person's own words, strongest first
    due: datetime | None = None

    @property
    def strongest_words(self) -> str | None:
        return self.risk_words[0] if self.risk_words else None

    @property
    def has_risk(self) -> bool:
        return self.tier < triage.NONE

    @property
    def shows_as_urgent(self) -> bool:
        return self.urgent or self.tier <= triage.HIGH


def first_name(summary: Mapping[str, Any]) -> str:
    """The person's first name if they gave one, else "Someone" (never a guess from other text)."""
    for key in ("first_name", "name", "person_name"):
        value = str(summary.get(key) or "").strip()
        if value and value != "skipped":
            return value.split()[0][:40]
    return "Someone"


def promised_by(h: Handoff) -> datetime:
    """When contact was promised (UTC, naive): at once for a live promise or urgent risk,
    otherwise the first time the Hub is open that keeps the person's wish ("after 10"), or
    its next realistic contact time after they asked."""
    if h.urgent or (h.promise or "").startswith(LIVE_PROMISE) or not h.promise:
        return h.created_at
    try:
        from bot.conversation.contact import read_wish, timing
        from bot.hours import HubHours

        hours = HubHours.load()
        asked_at = h.created_at.replace(tzinfo=timezone.utc)
        wish = h.contact_preference if h.contact_preference not in (None, "", "skipped") else None
        # The person was promised their own time ("after 10 a.m. tomorrow"): the queue keeps it.
        kept = timing(read_wish(wish), hours, asked_at).moment if wish else None
        when = kept or hours.next_contact(asked_at)
        return when.astimezone(timezone.utc).replace(tzinfo=None)
    except Exception:  # hours unreadable: treat the promise as due now, never later
        logger.exception("Could not work out the promised contact time")
        return h.created_at


def promise_words(h: Handoff, due: datetime, now: datetime) -> tuple[str, bool]:
    """The promise in a few words and whether it has passed ("overdue")."""
    if due <= h.created_at:
        return "Promised: as soon as possible", False
    if now >= due:
        return f"Promised contact from {due:%a %H:%M} UTC: overdue by {wait_words(due, now)}", True
    return f"Promised contact from {due:%a %d %b %H:%M} UTC", False


def _row(h: Handoff, now: datetime, risks_for: RisksFor | None = None) -> QueueRow:
    summary = dict(h.summary or {})
    risks: list[Mapping[str, Any]] = []
    if isinstance(summary.get("risk"), Mapping):
        risks.append(summary["risk"])
    if risks_for is not None:
        try:
            risks.extend(risks_for(h.sender_id))
        except Exception:  # the events table unreadable: the stored risk still ranks the row
            logger.exception("Could not read the risks seen in a conversation")
    verdict = triage.assess(risks, urgent=bool(h.urgent), level=h.risk_level or "none")
    due = promised_by(h)
    promise, overdue = promise_words(h, due, now)
    needs = [need_label(c) for c in summary.get("needs") or []]
    level = h.risk_level or "none"
    if verdict.level == "high" or level == "high":
        level = "high"
    elif verdict.level == "possible" and level == "none":
        level = "possible"
    urgent = bool(h.urgent)
    if h.worker_risk_level:  # a worker judged it: their level ranks the row
        verdict = triage.with_worker_level(verdict, h.worker_risk_level)
        level, urgent = verdict.level, verdict.level == "high"
    return QueueRow(h.id, CHANNELS.get(h.channel, h.channel), REASONS.get(h.reason, h.reason),
                    urgent, level, h.status, h.claimed_by,
                    wait_words(h.created_at, now), needs, name=first_name(summary), promise=promise,
                    overdue=overdue, tier=verdict.tier, tier_label=verdict.label,
                    risk_words=verdict.words, due=due)


def waiting(session: Session, now: datetime | None = None, risks_for: RisksFor | None = None) -> list[QueueRow]:
    """People no worker has claimed: the most serious risk first, then the earliest promise."""
    now = now or utcnow()
    rows = session.execute(select(Handoff).where(Handoff.status == "waiting")
                           .order_by(Handoff.created_at, Handoff.id)).scalars()
    result = [_row(h, now, risks_for) for h in rows]
    return sorted(result, key=lambda r: (r.tier, r.due or now, r.id))


def with_workers(session: Session, now: datetime | None = None, risks_for: RisksFor | None = None) -> list[QueueRow]:
    """People a worker has claimed and not yet handed back or closed."""
    now = now or utcnow()
    rows = session.execute(select(Handoff).where(Handoff.status == "claimed")
                           .order_by(Handoff.claimed_at, Handoff.id)).scalars()
    return [_row(h, now, risks_for) for h in rows]


def finished(session: Session, limit: int = 200) -> list[Handoff]:
    """Closed and handed-back handoffs, newest first (leads only)."""
    return list(session.execute(select(Handoff).where(Handoff.status.in_(("closed", "handed_back")))
                                .order_by(Handoff.updated_at.desc()).limit(limit)).scalars())


def fingerprint(session: Session) -> tuple:
    """Changes whenever any handoff is added or changed: the queue feed's trigger."""
    return tuple(session.execute(select(func.count(Handoff.id), func.max(Handoff.id),
                                        func.max(Handoff.updated_at))).one())
