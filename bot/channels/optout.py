"""Who has texted STOP: the one place every sender asks before an SMS goes out.

The assistant's replies, the Hub console and any later reminder all check here, so STOP stops
everything from this service to that number until the person texts START. Each change is also
kept as an :class:`~bot.channels.models.SmsOptEvent`, the consent history.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.ids import SEPARATOR, SMS
from bot.channels.models import SmsOptEvent, SmsOptOut
from bot.store.db import session_scope
from bot.store.models import utcnow

SMS_PREFIX = SMS + SEPARATOR


class OptedOutError(RuntimeError):
    """Raised instead of sending an SMS to a number that has texted STOP."""

    def __init__(self, phone: str) -> None:
        self.phone = phone
        super().__init__(
            "This person has texted STOP, so no more text messages can be sent to this number "
            "until they text START. Contact them another way if they asked for that."
        )


def normalise_phone(phone: str) -> str:
    """The number as Twilio sends it (E.164, e.g. +447700900123), without stray spaces.

    An SMS conversation id (``sms:+447700900123``) gives its number, so a caller that passes
    the id never hashes the prefix and misses a STOP.
    """
    phone = "".join(str(phone).split())
    if phone.startswith(SMS_PREFIX):
        return phone[len(SMS_PREFIX):]
    return phone


@contextmanager
def _session(session: Session | None, url: str | None) -> Iterator[Session]:
    if session is not None:
        yield session
    else:
        with session_scope(url) as own:
            yield own


def is_opted_out(phone: str, session: Session | None = None, url: str | None = None) -> bool:
    """True when ``phone`` has texted STOP (or Twilio told us it is unsubscribed) and not START."""
    with _session(session, url) as s:
        row = s.execute(select(SmsOptOut).where(SmsOptOut.phone == normalise_phone(phone))).scalar()
        return bool(row and row.opted_out)


def _record(phone: str, opted_out: bool, keyword: str | None, source: str,
            session: Session | None, url: str | None) -> None:
    phone = normalise_phone(phone)
    now = utcnow()
    with _session(session, url) as s:
        row = s.execute(select(SmsOptOut).where(SmsOptOut.phone == phone)).scalar()
        if row is None:
            row = SmsOptOut(phone=phone)
            s.add(row)
        row.opted_out = opted_out
        row.keyword = keyword
        row.updated_at = now
        if opted_out:
            row.opted_out_at = now
        else:
            row.opted_in_at = now
        s.add(SmsOptEvent(phone=phone, action="opt_out" if opted_out else "opt_in", keyword=keyword,
                          source=source, created_at=now))
        s.flush()


def record_opt_out(phone: str, keyword: str | None = "STOP", *, source: str = "sms",
                   session: Session | None = None, url: str | None = None) -> None:
    """Record that ``phone`` wants no more messages (STOP and its synonyms)."""
    _record(phone, True, keyword, source, session, url)


def record_opt_in(phone: str, keyword: str | None = "START", *, source: str = "sms",
                  session: Session | None = None, url: str | None = None) -> None:
    """Record that ``phone`` wants messages again (START, UNSTOP)."""
    _record(phone, False, keyword, source, session, url)
