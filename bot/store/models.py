"""Introductions and handoffs: what the service keeps about a person, with their consent."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, Text

from bot.store.db import Base
from bot.store.protected import EncryptedText


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Introduction(Base):
    """One self-introduction (or introduction by someone else), written by the action server.

    ``sender_id`` is the Rasa conversation id; a person who comes back keeps it, so a newer
    row is written for a new introduction and the latest row is the current one.
    """

    __tablename__ = "introductions"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(64), nullable=False, default="rest")
    consent = Column(Boolean, nullable=False, default=False)
    consent_at = Column(DateTime, nullable=True)
    # The version of the consent question said yes to (bot.privacy.consent_wording_version).
    consent_wording = Column(String(32), nullable=True)
    introduced_by = Column(String(32), nullable=False, default="self")  # self | someone_else
    introducer_relationship = Column(Text, nullable=True)
    person_agrees = Column(Boolean, nullable=True)
    introducer_contact = Column(EncryptedText, nullable=True)  # encrypted at rest
    person_contact = Column(EncryptedText, nullable=True)  # encrypted at rest
    story = Column(Text, nullable=True)
    needs = Column(JSON, nullable=False, default=list)
    what_matters = Column(Text, nullable=True)
    strengths = Column(JSON, nullable=False, default=list)
    strengths_text = Column(Text, nullable=True)
    connections = Column(Text, nullable=True)
    offers_given = Column(JSON, nullable=False, default=list)
    offer_chosen = Column(Text, nullable=True)
    summary_confirmed = Column(Boolean, nullable=False, default=False)
    status = Column(String(32), nullable=False, default="in_progress")  # in_progress | complete
    # For the insights: when the person's first message of this introduction arrived (naive UTC),
    # how many messages they sent, and how many of those the assistant was unsure about. Only
    # times and counts, written with the rest of the row (so only with consent); never words.
    first_message_at = Column(DateTime, nullable=True)
    messages = Column(Integer, nullable=True)
    unsure_messages = Column(Integer, nullable=True)
    counted_until = Column(DateTime, nullable=True)  # the latest message counted (counts add up across sessions)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Handoff(Base):
    """A request for a Hub worker: the queue the console shows, urgent first."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(64), nullable=False, default="rest")
    reason = Column(String(32), nullable=False)  # asked | risk | introduction
    urgent = Column(Boolean, nullable=False, default=False)
    risk_level = Column(String(16), nullable=False, default="none")
    summary = Column(JSON, nullable=False, default=dict)
    contact_preference = Column(EncryptedText, nullable=True)  # encrypted at rest
    promise = Column(Text, nullable=True)  # what the person was told about when contact happens
    status = Column(String(32), nullable=False, default="waiting")  # waiting | claimed | closed | handed_back
    claimed_by = Column(String(255), nullable=True)
    outcome = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    claimed_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    # A worker's own judgement of the risk, when it differs from the assistant's ("risk_level").
    worker_risk_level = Column(String(16), nullable=True)  # none | possible | high
    worker_risk_by = Column(String(255), nullable=True)
    worker_risk_at = Column(DateTime, nullable=True)
