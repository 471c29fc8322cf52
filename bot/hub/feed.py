"""Follow Rasa's events (the SQL broker's ``events`` table, or with RabbitMQ the
``hub_feed_events`` table ``bot/hub/consumer.py`` fills) and the handoffs table.

Rasa's SQL event broker appends every event of every turn as a row with a growing id, so a
reader that remembers the last id it saw gets each new event exactly once, from any process.
The queries are tiny and run in a worker thread so the console's event loop never blocks.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.config import Settings
from bot.store.db import get_engine, session_scope

logger = logging.getLogger(__name__)
T = TypeVar("T")

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
RECHECK_SECONDS = 2.0  # a live stream re-checks the login (and the conversation) this often

# The same shape as rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent (Rasa creates it).
_metadata = MetaData()
events_table = Table(
    "events", _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


# The same rows consumed from RabbitMQ into the app database (migration 0005, bot/hub/consumer.py).
feed_events_table = Table(
    "hub_feed_events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
    Column("digest", String(64), unique=True),
)


def feed_source(settings: Settings) -> tuple[str, Table]:
    """The database and table holding Rasa's events for the live feed."""
    if settings.uses_rabbitmq:
        return settings.database_url, feed_events_table
    return settings.events_database_url, events_table


def create_events_table(url: str) -> None:
    """Create the broker's table as Rasa would (tests and the benchmark, before Rasa runs)."""
    _metadata.create_all(get_engine(url))


async def in_thread(fn: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, fn)


def last_event_id(url: str, table: Table = events_table) -> int:
    """The newest broker event id now (0 when Rasa has not written any yet)."""
    try:
        with get_engine(url).connect() as conn:
            return int(conn.execute(select(func.max(table.c.id))).scalar() or 0)
    except (OperationalError, ProgrammingError):  # Rasa has not created the table yet
        return 0


def events_after(url: str, sender_id: str, after_id: int, limit: int = 500,
                 table: Table = events_table) -> list[tuple[int, dict[str, Any]]]:
    """This person's broker events newer than ``after_id``, oldest first."""
    try:
        with get_engine(url).connect() as conn:
            rows = conn.execute(
                select(table.c.id, table.c.data)
                .where(table.c.id > after_id, table.c.sender_id == sender_id)
                .order_by(table.c.id).limit(limit)
            ).all()
    except (OperationalError, ProgrammingError):
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    for row_id, data in rows:
        try:
            out.append((int(row_id), json.loads(data)))
        except (TypeError, ValueError):
            logger.warning("Skipping unreadable broker event %s", row_id)
    return out


async def changes(read: Callable[[], T], *, poll: float = POLL_SECONDS,
                  heartbeat: float = HEARTBEAT_SECONDS) -> AsyncIterator[T | None]:
    """Yield ``read()`` each time its value changes (first value included); None as a heartbeat."""
    previous: object = object()
    idle = 0.0
    while True:
        value = await in_thread(read)
        if value != previous:
            previous = value
            idle = 0.0
            yield value
        else:
            idle += poll
            if idle >= heartbeat:
                idle = 0.0
                yield None
        await asyncio.sleep(poll)


def read_in_session(url: str, fn: Callable[[Any], T]) -> Callable[[], T]:
    """A no-argument reader running ``fn(session)`` in its own short session."""
    def read() -> T:
        with session_scope(url) as session:
            return fn(session)
    return read


def risks_seen(url: str, sender_id: str, limit: int = 200, table: Table = events_table) -> list[dict[str, Any]]:
    """The safety component's verdict on each of this person's messages that showed risk, oldest first.

    Read from the broker's events (the one record of every turn), so the Hub sees every risk
    reason in the conversation, not only the one that queued it.
    """
    try:
        with get_engine(url).connect() as conn:
            rows = conn.execute(
                select(table.c.data)
                .where(table.c.sender_id == sender_id,
                       table.c.data.like('%"event": "user"%'),
                       table.c.data.like('%"risk"%'))
                .order_by(table.c.id).limit(limit)
            ).scalars().all()
    except (OperationalError, ProgrammingError):
        return []
    found: list[dict[str, Any]] = []
    for data in rows:
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            continue
        risk = (event.get("parse_data") or {}).get("risk") if isinstance(event, dict) else None
        if isinstance(risk, dict) and risk.get("level") in ("high", "possible"):
            found.append(risk)
    return found


def session_still_valid(url: str, token: str | None) -> bool:
    """True while the session cookie a live stream was opened with is still logged in."""
    from bot.hub.auth import identify

    with session_scope(url) as session:
        return identify(session, token) is not None


class Recheck:
    """Says when a live stream should look again at its session and conversation."""

    def __init__(self, every: float = RECHECK_SECONDS) -> None:
        self.every = every
        self._last = asyncio.get_running_loop().time()

    def due(self) -> bool:
        now = asyncio.get_running_loop().time()
        if now - self._last >= self.every:
            self._last = now
            return True
        return False
