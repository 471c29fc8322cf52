"""Keeping the introduction record in the app database, only with the person's consent.

Written after every answer, so nothing is lost if the person stops half way or a process
restarts; the latest row for a sender is their current introduction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from bot.conversation.summary import summary_facts
from bot.conversation.turns import Turns
from bot.privacy import consent_wording_version
from bot.store.db import session_scope
from bot.store.models import Introduction

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def save_introduction(sender_id: str, channel: str, slots: Mapping[str, Any], *,
                      introduction_id: int | None = None, complete: bool = False,
                      url: str | None = None, turns: Turns | None = None) -> int | None:
    """Create or update the person's introduction; returns its id, or None without consent.

    ``turns`` (the person's messages: times and whether the assistant was unsure) feed the
    insights; messages after the last one counted are added, so saving after every answer, or
    in a later session, never counts a message twice.
    """
    if slots.get("consent") != "yes":
        return None
    facts = summary_facts(slots)
    with session_scope(url) as session:
        row = session.get(Introduction, int(introduction_id)) if introduction_id else None
        if row is None or row.sender_id != sender_id:
            row = Introduction(sender_id=sender_id, channel=channel or "rest", consent=True, consent_at=_now(),
                               consent_wording=consent_wording_version())
            session.add(row)
        row.channel = channel or row.channel
        row.introduced_by = facts["introduced_by"]
        row.introducer_relationship = facts["relationship"]
        agrees = facts["person_agrees"]
        row.person_agrees = True if agrees == "yes" else False if agrees == "no" else None
        row.introducer_contact = facts["introducer_contact"]
        row.person_contact = facts["person_contact"]
        row.story = facts["story"]
        row.needs = facts["needs"]
        row.what_matters = facts["what_matters"]
        row.strengths = facts["strengths"]
        row.strengths_text = facts["strengths_text"]
        row.connections = facts["connections"]
        row.offers_given = facts["offers_given"]
        row.offer_chosen = facts["offer_chosen"]
        row.summary_confirmed = slots.get("summary_confirmed") == "yes"
        if complete:
            row.status = "complete"
        if turns is not None:
            count_turns(row, turns)
        row.updated_at = _now()
        session.flush()
        logger.info("Introduction %s saved (complete=%s)", row.id, complete)
        return int(row.id)


def count_turns(row: Introduction, turns: Turns) -> None:
    """Add the messages not counted yet to the row; keep the earliest first message."""
    if turns.first_at is not None and (row.first_message_at is None or turns.first_at < row.first_message_at):
        row.first_message_at = turns.first_at
    new = [(at, unsure) for at, unsure in turns.said if row.counted_until is None or at > row.counted_until]
    row.messages = (row.messages or 0) + len(new)
    row.unsure_messages = (row.unsure_messages or 0) + sum(unsure for _, unsure in new)
    if new:
        row.counted_until = max(at for at, _ in new)


def latest_introduction(sender_id: str, url: str | None = None) -> Introduction | None:
    """The person's most recent introduction, if any (to recognise someone coming back)."""
    with session_scope(url) as session:
        return session.execute(
            select(Introduction).where(Introduction.sender_id == sender_id).order_by(Introduction.id.desc())
        ).scalars().first()


CARER_SUFFIX = ":carer"


def save_carer_introduction(sender_id: str, channel: str, slots: Mapping[str, Any], *,
                            url: str | None = None) -> int | None:
    """A carer's own introduction, kept apart from the person they introduced.

    Written under the carer's sender id with ``:carer`` added, so the introduction of the
    person they care for stays the latest row for the conversation; needs ``caring``, their
    own words if they said more than yes, and how to reach them.
    """
    if slots.get("consent") != "yes":
        return None
    facts = summary_facts(slots)
    words = str(slots.get("carer_support") or "").strip()
    own_words = words if len(words.split()) > 3 else None
    with session_scope(url) as session:
        row = Introduction(sender_id=sender_id + CARER_SUFFIX, channel=channel or "rest", consent=True,
                           consent_at=_now(), introduced_by="self",
                           introducer_relationship=facts["relationship"],
                           introducer_contact=facts["introducer_contact"], story=own_words,
                           needs=["caring"], strengths=[], offers_given=[], status="complete")
        session.add(row)
        session.flush()
        logger.info("Carer's own introduction %s saved", row.id)
        return int(row.id)
