"""Tables for co-production: messages kept for review (redacted) and proposed changes.

Nothing here holds personal data: a message is redacted before a ReviewItem is written, and
no conversation id is kept (only a one-way key so the same turn is not collected twice).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Integer, String, Text

from bot.store.db import Base
from bot.store.models import utcnow


class ReviewItem(Base):
    """A message the assistant was unsure about, redacted, with what the assistant guessed."""

    __tablename__ = "review_items"

    id = Column(Integer, primary_key=True)
    turn_key = Column(String(64), nullable=False, unique=True)  # sha256 of conversation id + time
    text = Column(Text, nullable=False)  # already redacted
    reason = Column(String(32), nullable=False)  # a key of bot.coproduction.review.REASONS
    guess_intent = Column(String(64), nullable=True)
    guess_confidence = Column(Float, nullable=True)
    guess_needs = Column(JSON, nullable=False, default=list)
    guess_strengths = Column(JSON, nullable=False, default=list)
    # For "worker_risk": the level the assistant gave this message, and the level the worker chose.
    assistant_risk = Column(String(16), nullable=True)
    worker_risk = Column(String(16), nullable=True)
    worker_reason = Column(Text, nullable=True)  # why the worker changed it, redacted like the text
    status = Column(String(16), nullable=False, default="new")  # new | labelled | set_aside
    label_intent = Column(String(64), nullable=True)
    label_needs = Column(JSON, nullable=False, default=list)
    label_strengths = Column(JSON, nullable=False, default=list)
    labelled_by = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    labelled_at = Column(DateTime, nullable=True)


class Proposal(Base):
    """A change a group member proposes: a new example, or new wording for a reply."""

    __tablename__ = "coproduction_proposals"

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)  # example | reply
    target_file = Column(String(255), nullable=False)  # relative to the data repository
    target = Column(String(128), nullable=False)  # the intent, or the reply name
    target_line = Column(Integer, nullable=True)  # for a reply: the line of its text
    old_text = Column(Text, nullable=True)
    new_text = Column(Text, nullable=False)
    reason = Column(Text, nullable=False)
    review_item_id = Column(Integer, nullable=True)
    proposed_by = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False, default="proposed")  # proposed | approved | refused | rolled_back
    decided_by = Column(String(64), nullable=True)
    commit = Column(String(40), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    decided_at = Column(DateTime, nullable=True)


class ReviewCursor(Base):
    """How far through Rasa's event broker table the collector has read."""

    __tablename__ = "review_cursor"

    id = Column(Integer, primary_key=True)
    last_event_id = Column(Integer, nullable=False, default=0)
