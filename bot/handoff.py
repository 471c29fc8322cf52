"""Handing a person to a Hub worker: the record the console queues, and an honest promise.

The promise is worked out from the Hub's opening hours and whether anyone is on duty, so
the assistant never says "a worker will join" at 2 a.m. or "within the hour" on Christmas Day.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.conversation.summary import summary_facts
from bot.safety.severity import merge_history, severity
from bot.store.db import session_scope
from bot.store.models import Handoff

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Promise:
    """What the person is told about when a person will be in touch."""

    live: bool  # a worker on duty can join this chat now
    text: str


def make_promise(*, hub_open: bool, workers_on_duty: int, next_contact: str, channel: str) -> Promise:
    """The honest sentence about what happens next, for this hour and this channel."""
    by = "by text" if channel == "twilio" else "in this chat or by the contact details you gave"
    if hub_open and workers_on_duty > 0:
        return Promise(True, "A Hub worker will join this chat as soon as they can. You can keep writing here.")
    if hub_open:
        return Promise(False, f"The Hub team is busy right now. Someone will contact you {next_contact}, {by}.")
    return Promise(False, f"The Hub is closed now. A Hub worker will contact you {next_contact}, {by}.")


def open_handoff(sender_id: str, url: str | None = None) -> Handoff | None:
    """The person's handoff still waiting or claimed, if any (one at a time per person)."""
    with session_scope(url) as session:
        return session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.status.in_(("waiting", "claimed")))
            .order_by(Handoff.id.desc())
        ).scalars().first()


def request_handoff(sender_id: str, channel: str, reason: str, slots: Mapping[str, Any], *,
                    promise: Promise, risk: Mapping[str, Any] | None = None,
                    url: str | None = None) -> int:
    """Create (or update) the person's handoff so the Hub queue shows it; returns its id.

    A person who already waits is not queued twice: the open handoff is updated, and made
    urgent if risk is seen now.
    """
    facts = summary_facts(slots)
    risk = dict(risk or {})
    level = risk.get("level") or facts["risk_level"] or "none"
    urgent = level == "high" or facts["risk_level"] == "high"
    summary = dict(facts)
    with session_scope(url) as session:
        row = session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.status.in_(("waiting", "claimed")))
            .order_by(Handoff.id.desc())
        ).scalars().first()
        if row is None:
            row = Handoff(sender_id=sender_id, channel=channel or "rest", reason=reason, status="waiting")
            session.add(row)
        elif reason == "risk":
            row.reason = "risk"
        # The channel is fixed when the handoff is made: the worker's replies go there, whatever
        # channel a later message claims to come from.
        row.channel = row.channel or channel or "rest"
        row.urgent = bool(row.urgent) or urgent
        if level == "high" or (row.risk_level or "none") == "none":
            row.risk_level = level if level != "none" else (row.risk_level or "none")
        earlier = (row.summary or {}).get("risk") if row.summary else None
        if risk:
            summary["risk"] = merge_history(earlier, {
                "level": level, "categories": list(risk.get("categories") or []),
                "reasons": list(risk.get("reasons") or []), "words": risk.get("words", ""),
                "severity": risk.get("severity", severity(risk))})
        elif earlier:
            summary["risk"] = earlier  # a later, calmer request never wipes what was said
        row.summary = summary
        row.contact_preference = facts["contact_preference"]
        row.promise = promise.text
        session.flush()
        logger.info("Handoff %s requested (reason=%s, urgent=%s)", row.id, reason, row.urgent)
        return int(row.id)


def current_promise(channel: str, at: datetime | None = None) -> Promise:
    """The promise for now, asking the Hub's hours and who is on duty."""
    from bot.hours import HubHours, now
    from bot.hub.duty import workers_on_duty

    at = at or now()
    hours = HubHours.load()
    hub_open = hours.is_open(at)
    on_duty = 0
    if hub_open:
        try:
            with session_scope() as session:
                on_duty = workers_on_duty(session)
        except Exception:  # an unknown duty rota must never promise a live worker
            logger.exception("Could not read who is on duty; promising contact later instead")
            on_duty = 0
    return make_promise(hub_open=hub_open, workers_on_duty=on_duty,
                        next_contact=hours.describe_next_contact(at), channel=channel)
