"""SMS channel tables: webhook de-duplication, opt-outs and the last buttons sent.

All of this lives in the app database, not in process memory, because several Rasa server
replicas share the webhook: any replica must see that a MessageSid was handled, that a number
texted STOP, and which numbered choices a person was last offered. Tables are prefixed ``sms_``.
No message text is stored here: the conversation itself lives in Rasa's tracker store.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String

from bot.store.db import Base
from bot.store.models import utcnow
from bot.store.protected import PhoneLookup


class SmsInbound(Base):
    """One incoming Twilio message, keyed by MessageSid, so a retried webhook is answered once.

    ``state`` is ``processing`` while a replica works on it, ``done`` once handled, ``failed``
    when handling raised; a retry may take over a ``failed`` row or a ``processing`` row whose
    lease ran out (the replica died), so nothing is lost.
    """

    __tablename__ = "sms_inbound"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)
    phone = Column(PhoneLookup, nullable=False, index=True)  # a keyed hash, never the number
    state = Column(String(16), nullable=False, default="processing")  # processing | done | failed
    outcome = Column(String(32), nullable=True)  # assistant | stop | start | help | empty | opted_out ...
    attempts = Column(Integer, nullable=False, default=1)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class SmsOptOut(Base):
    """A number's current opt-out state (STOP sets it, START clears it)."""

    __tablename__ = "sms_opt_out"

    id = Column(Integer, primary_key=True)
    phone = Column(PhoneLookup, nullable=False, unique=True)  # a keyed hash, never the number
    opted_out = Column(Boolean, nullable=False, default=True)
    keyword = Column(String(32), nullable=True)  # the word that last changed it
    opted_out_at = Column(DateTime, nullable=True)
    opted_in_at = Column(DateTime, nullable=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class SmsOptEvent(Base):
    """Every opt-out and opt-in, kept as a history (the consent record)."""

    __tablename__ = "sms_opt_event"

    id = Column(Integer, primary_key=True)
    phone = Column(PhoneLookup, nullable=False, index=True)  # a keyed hash, never the number
    action = Column(String(16), nullable=False)  # opt_out | opt_in
    keyword = Column(String(32), nullable=True)
    source = Column(String(32), nullable=False, default="sms")  # sms | twilio_21610 | staff
    created_at = Column(DateTime, nullable=False, default=utcnow)


class SmsButtons(Base):
    """The numbered choices last sent to a number, so "2" maps back on any replica."""

    __tablename__ = "sms_buttons"

    id = Column(Integer, primary_key=True)
    phone = Column(PhoneLookup, nullable=False, unique=True)  # a keyed hash, never the number
    buttons = Column(JSON, nullable=False, default=list)  # [{"title": ..., "payload": ...}]
    updated_at = Column(DateTime, nullable=False, default=utcnow)
