"""Rasa's SQL tracker store, riding out a brief database outage instead of forgetting.

When Rasa's tracker store fails, Rasa falls back to an in-memory tracker: the turn starts
from an empty conversation and what the person said is saved only in that process's memory,
so it is lost from the record (and the other replicas never see it). A PostgreSQL restart or
failover takes a few seconds, so this store retries a failed read or write for up to
``LWFD_TRACKER_RETRY_SECONDS`` (default 8) before giving up and letting Rasa fall back. The
turn waits; nothing is lost. The wait is kept short because the crisis reply must never wait
long: after it, Rasa's fallback still answers (``bot/safety/policy.py`` needs no database).

Events are published to the broker once per save, not once per attempt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.config import settings
from bot.store.db import hiding_parameters

logger = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT = (OperationalError, InterfaceError)


def transient(error: BaseException) -> bool:
    """A lost or refused connection, worth trying again; not a bug in a query."""
    if isinstance(error, TRANSIENT):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class RetryingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose reads and writes retry through a brief outage."""

    def __init__(self, *args: Any, retry_seconds: float | None = None, **kwargs: Any) -> None:
        self.retry_seconds = settings().tracker_retry_seconds if retry_seconds is None else float(retry_seconds)
        super().__init__(*args, **kwargs)
        # Rasa creates its engine without hide_parameters: a failed save would show the events'
        # JSON (the person's words) in the error Rasa logs.
        hiding_parameters(self.engine)
        from bot.engines.action_failures import install as install_honest_failures

        install_honest_failures()  # only Rasa servers make a tracker store (see bot/engines/__init__.py)

    async def _retrying(self, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        pause = 0.25
        while True:
            try:
                return await attempt()
            except Exception as error:
                if not transient(error) or time.monotonic() + pause > deadline:
                    raise
                logger.warning("Tracker store unreachable during %s (%s); trying again", what,
                               type(error).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._retrying("retrieve", lambda: super(RetryingSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._retrying(
            "retrieve", lambda: super(RetryingSQLTrackerStore, self).retrieve_full_tracker(conversation_id))

    async def keys(self) -> Any:
        return await self._retrying("keys", lambda: super(RetryingSQLTrackerStore, self).keys())

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publish the new events once, then write them, retrying the write."""
        await self._retrying("save", lambda: self.stream_events(tracker))
        await self._retrying("save", lambda: self._write(tracker))

    async def _write(self, tracker: DialogueStateTracker) -> None:
        # SQLTrackerStore.save streams first; with no broker that returns at once, and the rest
        # of save never awaits, so no other turn can run while the broker is set aside.
        broker, self.event_broker = self.event_broker, None
        try:
            await super().save(tracker)
        finally:
            self.event_broker = broker
