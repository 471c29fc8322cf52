"""Retention that runs by itself: the Hub console purges on a timer (``LWFD_PURGE_INTERVAL_SECONDS``).

``bot purge`` only helps if someone runs it; a person who declined consent is told their chat
is deleted after a day, so the console (which every deployment runs) does it: at start and then
every interval it erases conversations quiet for longer than ``LWFD_RETENTION_DAYS`` (180) and
those of people who declined consent quiet for a day (``bot.personal_data.purge_older_than``:
open handoffs, STOP requests and declined conversations where high risk was seen are kept).

Several consoles may run: one purge at a time, by a PostgreSQL advisory lock on the app database
(a lock file next to a SQLite one); a console that finds it taken skips that round. Log lines
hold counts only, never text, phone numbers or conversation ids.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.config import Settings
from bot.store.db import get_engine

logger = logging.getLogger(__name__)

PURGE_LOCK_KEY = 5_021_029  # the PostgreSQL advisory lock held while one console purges
DECLINED_AFTER = timedelta(hours=24)  # utter_consent_declined says the chat is deleted after a day
_local = threading.Lock()  # other databases: one purge at a time in this process
_locks: dict[int, threading.Lock] = {}


@dataclass(frozen=True)
class PurgeCounts:
    """What one round erased (counts only: safe to log)."""

    conversations: int
    tracker_events: int
    broker_events: int


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///"):].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


@contextmanager
def purge_lock(url: str) -> Iterator[bool]:
    """Yields True when this process may purge now, False while another holds the lock (skip)."""
    with single_runner(url, PURGE_LOCK_KEY, "purge-lock", _local) as mine:
        yield mine


@contextmanager
def single_runner(url: str, key: int, suffix: str, local: threading.Lock | None = None) -> Iterator[bool]:
    """Yields True when this process may do the timed job ``key`` now, False while another
    console is doing it: a PostgreSQL advisory lock, or a lock file next to a SQLite database."""
    if url.startswith("postgresql"):
        with get_engine(url).connect() as conn:
            mine = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            conn.commit()
            try:
                yield mine
            finally:
                if mine:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    path = _sqlite_path(url)
    if path is None:
        lock = local or _locks.setdefault(key, threading.Lock())
        mine = lock.acquire(blocking=False)
        try:
            yield mine
        finally:
            if mine:
                lock.release()
        return
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.{suffix}", "a+b") as handle:  # flock: released if the process dies
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def purge_once(current: Settings) -> PurgeCounts | None:
    """One retention round; None when another console was purging."""
    from bot.personal_data import purge_older_than

    with purge_lock(current.database_url) as mine:
        if not mine:
            logger.info("Retention purge: another console is purging; this round skipped")
            return None
        # With RabbitMQ there is no SQL broker table (the Hub's copy is hub_feed_events, an app table).
        broker = None if current.uses_rabbitmq else get_engine(current.events_database_url)
        reports = purge_older_than(timedelta(days=current.retention_days), app_url=current.database_url,
                                   tracker_engine=get_engine(current.tracker_database_url),
                                   broker_engine=broker, declined_age=DECLINED_AFTER)
    counts = PurgeCounts(len(reports), sum(r.tracker_events for r in reports),
                         sum(r.broker_events for r in reports))
    logger.info("Retention purge: erased %d conversation(s) (%d tracker events, %d broker events)",
                counts.conversations, counts.tracker_events, counts.broker_events)
    return counts


async def purge_every(current: Settings, interval: float) -> None:
    """Purge now and then every ``interval`` seconds, for as long as the console runs."""
    while True:
        try:
            await asyncio.to_thread(purge_once, current)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a database away: try again next round; the type says enough
            logger.warning("Retention purge failed (%s); next try in %.0f s", type(error).__name__, interval)
        await asyncio.sleep(interval)
