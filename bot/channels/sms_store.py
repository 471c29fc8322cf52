"""Database state for the SMS channel: who is handling which MessageSid, and the last buttons.

Twilio retries a webhook when our answer is slow or fails. Claiming the MessageSid with a unique
row (and taking over a row only by a conditional UPDATE) means exactly one replica handles each
message, a finished one is never handled twice, and a failed or abandoned one is handled again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.models import SmsButtons, SmsInbound
from bot.channels.optout import normalise_phone
from bot.store.db import session_scope
from bot.store.models import utcnow

Claim = Literal["claimed", "done", "busy"]

LEASE = timedelta(minutes=5)  # a "processing" row older than this belongs to a replica that died


def claim_message(message_sid: str, phone: str, *, url: str | None = None, lease: timedelta = LEASE) -> Claim:
    """Try to become the one handler of ``message_sid``.

    ``claimed``: go ahead. ``done``: already handled, answer Twilio and do nothing.
    ``busy``: another replica is handling it right now.
    """
    now = utcnow()
    try:
        with session_scope(url) as session:
            session.add(SmsInbound(message_sid=message_sid, phone=normalise_phone(phone), state="processing",
                                   attempts=1, created_at=now, updated_at=now))
        return "claimed"
    except IntegrityError:
        pass
    with session_scope(url) as session:
        taken = session.execute(
            update(SmsInbound)
            .where(SmsInbound.message_sid == message_sid,
                   or_(SmsInbound.state == "failed",
                       and_(SmsInbound.state == "processing", SmsInbound.updated_at < now - lease)))
            .values(state="processing", attempts=SmsInbound.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return "claimed"
        state = session.execute(select(SmsInbound.state)
                                .where(SmsInbound.message_sid == message_sid)).scalar()
        return "done" if state == "done" else "busy"


def _set_state(message_sid: str, state: str, outcome: str | None, url: str | None) -> None:
    with session_scope(url) as session:
        session.execute(update(SmsInbound).where(SmsInbound.message_sid == message_sid)
                        .values(state=state, outcome=outcome, updated_at=utcnow())
                        .execution_options(synchronize_session=False))


def finish_message(message_sid: str, outcome: str, *, url: str | None = None) -> None:
    """Mark ``message_sid`` handled: any later retry is answered without doing anything."""
    _set_state(message_sid, "done", outcome, url)


def fail_message(message_sid: str, *, url: str | None = None) -> None:
    """Mark ``message_sid`` failed, so Twilio's retry handles it again (nothing is lost)."""
    _set_state(message_sid, "failed", "error", url)


def message_state(message_sid: str, *, url: str | None = None) -> str | None:
    """The state of ``message_sid`` (``processing``, ``done``, ``failed``) or None if never seen."""
    with session_scope(url) as session:
        return session.execute(select(SmsInbound.state).where(SmsInbound.message_sid == message_sid)).scalar()


def save_buttons(phone: str, buttons: Sequence[Mapping[str, Any]], *, url: str | None = None) -> None:
    """Remember the numbered choices just sent to ``phone`` (replaces any earlier ones)."""
    phone = normalise_phone(phone)
    kept = [{"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")} for b in buttons]
    with session_scope(url) as session:
        row = session.execute(select(SmsButtons).where(SmsButtons.phone == phone)).scalar()
        if row is None:
            row = SmsButtons(phone=phone)
            session.add(row)
        row.buttons = kept
        row.updated_at = utcnow()


def last_buttons(phone: str, *, url: str | None = None) -> list[dict[str, str]]:
    """The numbered choices last sent to ``phone`` and not yet answered ([] if none)."""
    with session_scope(url) as session:
        row = session.execute(select(SmsButtons).where(SmsButtons.phone == normalise_phone(phone))).scalar()
        return list(row.buttons) if row else []


def clear_buttons(phone: str, *, older_than: datetime | None = None, url: str | None = None) -> None:
    """Forget the choices for ``phone`` once answered; keep any sent after ``older_than``."""
    condition = SmsButtons.phone == normalise_phone(phone)
    if older_than is not None:
        condition = and_(condition, SmsButtons.updated_at < older_than)
    with session_scope(url) as session:
        session.execute(delete(SmsButtons).where(condition).execution_options(synchronize_session=False))
