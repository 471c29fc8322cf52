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

from bot.conversation.contact import ContactWish, read_wish, timing
from bot.conversation.summary import summary_facts
from bot.conversation.words import render
from bot.safety.severity import merge_history, severity
from bot.store.db import session_scope
from bot.store.models import Handoff

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Promise:
    """What the person is told about when a person will be in touch."""

    live: bool  # a worker on duty can join this chat now
    text: str


def _how(channel: str, wish: ContactWish | None, gave_contact: bool) -> str:
    """How the Hub will get in touch, in words from domain.yml, never by details not given."""
    how = wish.how if wish else None
    if channel == "twilio":
        how = how if how in ("call", "through_me") else "text"
    elif how in ("text", "call") and not gave_contact:
        how = "chat_no_number"  # they asked for a call or text but gave no number
    elif how in (None, "chat") or (how == "email" and not gave_contact):
        how = "chat"
    return render(f"utter_how_{how}", channel=channel)


def make_promise(*, hub_open: bool, workers_on_duty: int, next_contact: str, channel: str,
                 wish: ContactWish | None = None, fits: bool = True,
                 gave_contact: bool = False) -> Promise:
    """The honest sentence about what happens next, for this hour, channel and wish.

    ``next_contact`` is when the Hub can first keep the person's wish ("after 6 p.m. on
    Monday"); ``fits`` is False when the time they asked for is outside the Hub's hours.
    The words are responses in domain.yml (``utter_promise_*``, ``utter_how_*``).
    """
    if hub_open and workers_on_duty > 0:
        return Promise(True, render("utter_promise_live", channel=channel))
    how = _how(channel, wish, gave_contact)
    if not fits and wish and wish.said_time:
        return Promise(False, render("utter_promise_outside_hours", channel=channel, asked=wish.said_time,
                                     when=next_contact, how=how))
    name = "utter_promise_busy" if hub_open else "utter_promise_closed"
    return Promise(False, render(name, channel=channel, when=next_contact, how=how))


def _open_row(session: Any, sender_id: str) -> Handoff | None:
    return session.execute(
        select(Handoff)
        .where(Handoff.sender_id == sender_id, Handoff.status.in_(("waiting", "claimed")))
        .order_by(Handoff.id.desc())
    ).scalars().first()


def open_handoff(sender_id: str, url: str | None = None) -> Handoff | None:
    """The person's handoff still waiting or claimed, if any (one at a time per person)."""
    with session_scope(url) as session:
        return _open_row(session, sender_id)


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
        row = _open_row(session, sender_id)
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


def flag_risk_seen(sender_id: str, channel: str, risk: Mapping[str, Any], *, promise: Promise,
                   slots: Mapping[str, Any] | None = None, url: str | None = None) -> int:
    """Queue the person urgent for risk the assistant saw but could not pass on (the Hub's risk
    watch). Unlike ``request_handoff`` it keeps whatever an open handoff already holds and only
    adds the risk, plus the facts of ``slots`` (the conversation as the watch rebuilt it from
    the broker's events) for keys the summary lacks, so the worker need not ask the person to
    tell their story again. What the action wrote is never overwritten by the watch's rebuild.

    The facts are ``summary_facts``, as ``request_handoff`` stores them (with the ``consent``
    flag), so the watch keeps no more than the action would have.
    """
    record = dict(risk)
    try:
        facts = summary_facts(slots) if slots is not None else {}
    except (TypeError, ValueError, AttributeError):  # an odd slot value must not stop the urgent flag
        logger.warning("The risk watch could not read the conversation's slots; queued with the risk only")
        facts = {}
    with session_scope(url) as session:
        row = _open_row(session, sender_id)
        if row is None:
            row = Handoff(sender_id=sender_id, channel=channel or "rest", reason="risk", status="waiting",
                          summary={}, promise=promise.text)
            session.add(row)
        row.reason = "risk"
        row.urgent = True
        row.risk_level = "high"
        summary = dict(row.summary or {})
        for key, value in facts.items():
            summary.setdefault(key, value)  # an open handoff keeps what it has
        summary["risk"] = merge_history(summary.get("risk"), record)
        summary["risk_level"] = "high"
        row.summary = summary
        row.contact_preference = row.contact_preference or summary.get("contact_preference")
        session.flush()
        logger.warning("Handoff %s queued urgent by the Hub's risk watch", row.id)
        return int(row.id)


def current_promise(channel: str, at: datetime | None = None, *, wish_text: str | None = None,
                    gave_contact: bool = False) -> Promise:
    """The promise for now, asking the Hub's hours, who is on duty, and what the person asked."""
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
    wish = read_wish(wish_text) if wish_text else None
    when = timing(wish, hours, at) if wish else None
    return make_promise(hub_open=hub_open, workers_on_duty=on_duty,
                        next_contact=when.when if when else hours.describe_next_contact(at),
                        channel=channel, wish=wish, fits=when.fits if when else True,
                        gave_contact=gave_contact)
