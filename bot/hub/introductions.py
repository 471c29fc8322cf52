"""Every introduction a person consented to, for the console's list: found by date, channel
and need, shown with the same card as a handoff, and a way for a worker to start contact.

Introductions that end without asking for a person never reach the queue, yet the person was
told "what you told me is kept for the Hub team": this is where the Hub sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.hub.queue import CHANNELS, first_name
from bot.store.models import Handoff, Introduction, utcnow
from bot.taxonomy import need_label

LIST_LIMIT = 200
# The channel names a search can ask for, in words, and the stored names each one means.
CHANNEL_CHOICES = {"webchat": ("Web chat", ("socketio", "webchat")), "sms": ("SMS", ("twilio", "twilio_sms", "sms")),
                   "rest": ("Web (REST)", ("rest",))}


@dataclass(frozen=True)
class Search:
    """What the worker asked for; every part is optional."""

    since: date | None = None
    until: date | None = None
    channel: str = ""
    need: str = ""

    @classmethod
    def from_args(cls, args: Any) -> tuple[Search, list[str]]:
        """Read the search form; returns the search and any problems, in words."""
        problems: list[str] = []

        def day(name: str, label: str) -> date | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                problems.append(f"{label} must be a date, like 2026-12-07.")
                return None
        since, until = day("since", "From"), day("until", "To")
        channel = (args.get("channel") or "").strip()
        if channel and channel not in CHANNEL_CHOICES:
            problems.append("Choose a channel from the list.")
            channel = ""
        return cls(since, until, channel, (args.get("need") or "").strip()), problems


@dataclass(frozen=True)
class IntroductionRow:
    id: int
    created_at: datetime
    name: str
    channel: str
    needs: list[str]
    introduced_by_someone_else: bool
    complete: bool
    handoff_id: int | None  # their newest conversation with the Hub, if any
    handoff_status: str | None


def facts(intro: Introduction) -> dict[str, Any]:
    """The introduction in the shape of a handoff's summary, so it shows on the same card."""
    agrees = intro.person_agrees
    return {
        "introduced_by": intro.introduced_by,
        "relationship": intro.introducer_relationship,
        "person_agrees": None if agrees is None else ("yes" if agrees else "no"),
        "introducer_contact": intro.introducer_contact,
        "person_contact": intro.person_contact,
        "story": intro.story,
        "needs": list(intro.needs or []),
        "what_matters": intro.what_matters,
        "strengths": list(intro.strengths or []),
        "strengths_text": intro.strengths_text,
        "connections": intro.connections,
        "offers_given": list(intro.offers_given or []),
        "offer_chosen": intro.offer_chosen,
        "contact_preference": None,  # not kept on the introduction: read from the tracker's slot
        "consent": bool(intro.consent),
    }


def latest_handoff(session: Session, sender_id: str) -> Handoff | None:
    """The person's newest conversation with the Hub, if any."""
    return session.execute(select(Handoff).where(Handoff.sender_id == sender_id)
                           .order_by(Handoff.id.desc())).scalars().first()


def as_handoff(intro: Introduction, slots: dict[str, Any] | None = None) -> Handoff:
    """A handoff-shaped view of the introduction (never saved) for the summary card.

    ``slots`` are the conversation's latest slot values (from the tracker), for what the
    introduction row does not keep, such as how and when to contact them.
    """
    summary = facts(intro)
    # The row keeps yes/no only; the slot keeps "unsure" and "skipped" ("Not sure") as said.
    if (slots or {}).get("person_agrees") not in (None, ""):
        summary["person_agrees"] = slots["person_agrees"]
    preference = (slots or {}).get("contact_preference")
    if preference and preference != "skipped":
        summary["contact_preference"] = str(preference)
    return Handoff(id=0, sender_id=intro.sender_id, channel=intro.channel, reason="introduction",
                   urgent=False, risk_level="none", summary=summary,
                   contact_preference=summary["contact_preference"], promise=None, status="introduction")


def _latest_handoffs(session: Session, sender_ids: list[str]) -> dict[str, Handoff]:
    if not sender_ids:
        return {}
    rows = session.execute(select(Handoff).where(Handoff.sender_id.in_(sender_ids))
                           .order_by(Handoff.id)).scalars()
    return {h.sender_id: h for h in rows}


def search(session: Session, wanted: Search, limit: int = LIST_LIMIT) -> list[IntroductionRow]:
    """Consented introductions matching the search, newest first."""
    query = select(Introduction).where(Introduction.consent.is_(True))
    if wanted.since:
        query = query.where(Introduction.created_at >= datetime.combine(wanted.since, datetime.min.time()))
    if wanted.until:
        query = query.where(Introduction.created_at < datetime.combine(wanted.until + timedelta(days=1),
                                                                      datetime.min.time()))
    if wanted.channel:
        query = query.where(Introduction.channel.in_(CHANNEL_CHOICES[wanted.channel][1]))
    rows = list(session.execute(query.order_by(Introduction.created_at.desc(), Introduction.id.desc())
                                .limit(limit * 5 if wanted.need else limit)).scalars())
    if wanted.need:  # needs are a JSON list: filtered here so SQLite and PostgreSQL agree
        rows = [r for r in rows if wanted.need in (r.needs or [])][:limit]
    handoffs = _latest_handoffs(session, [r.sender_id for r in rows])
    result = []
    for r in rows:
        h = handoffs.get(r.sender_id)
        result.append(IntroductionRow(
            r.id, r.created_at, first_name(facts(r)), CHANNELS.get(r.channel, r.channel),
            [need_label(n) for n in r.needs or []], r.introduced_by == "someone_else",
            r.status == "complete",
            h.id if h else None, h.status if h else None))
    return result


def get(session: Session, introduction_id: int) -> Introduction | None:
    intro = session.get(Introduction, introduction_id)
    return intro if intro is not None and intro.consent else None


def start_contact(session: Session, intro: Introduction, username: str,
                  slots: dict[str, Any] | None = None) -> tuple[int, bool]:
    """Open a conversation for this person, claimed by the worker who starts contact.

    Returns (handoff id, created). A person who already has an open conversation keeps it
    (nobody gets two), and the worker is sent to that one instead.
    """
    existing = session.execute(select(Handoff).where(Handoff.sender_id == intro.sender_id,
                                                     Handoff.status.in_(("waiting", "claimed")))
                               .order_by(Handoff.id.desc())).scalars().first()
    if existing is not None:
        return int(existing.id), False
    now = utcnow()
    summary = dict(as_handoff(intro, slots).summary)
    row = Handoff(sender_id=intro.sender_id, channel=intro.channel, reason="introduction", urgent=False,
                  risk_level="none", summary=summary, contact_preference=summary["contact_preference"],
                  promise=None, status="claimed", claimed_by=username, claimed_at=now,
                  created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return int(row.id), True


def back_to_waiting(session: Session, handoff_id: int) -> None:
    """The assistant could not be paused: leave the new conversation in the queue instead."""
    row = session.get(Handoff, handoff_id)
    if row is not None and row.status == "claimed":
        row.status, row.claimed_by, row.claimed_at, row.updated_at = "waiting", None, None, utcnow()
