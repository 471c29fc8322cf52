"""Conversation locks: in memory for one server, Redis (race-free) for several.

Rasa 3.6's ``RedisLockStore`` issues a ticket by reading the lock, adding a ticket and writing
it back. Two Rasa servers doing that at the same moment both read the same lock, both take
the same ticket number, and the second write wins: both then process the same conversation at
once, and tracker events can be lost or interleaved (Rasa issue 9213; the fix was merged and
reverted, pull request 11428). ``AtomicRedisLockStore`` does every read-modify-write of a lock
inside a Redis transaction (WATCH/MULTI/EXEC, retried on conflict), so a ticket number is
handed out once, and no ticket is lost when two servers clean up at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

LOCK_LIFETIME = 60.0  # seconds a ticket lives (Rasa's default; a turn that takes longer loses it)


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose lock updates are Redis transactions."""

    def _transact(self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]) -> Any:
        """Apply ``change`` to the stored lock atomically; returns what ``change`` left on the lock.

        ``change`` gets the current lock (or None) and returns the lock to store (None: delete).
        """
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return new
                except redis.WatchError:
                    continue  # another server changed the lock between our read and write: again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A ticket number no other server can also be given."""
        issued: list[int] = []

        def add(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued[:] = [lock.issue_ticket(lock_lifetime)]
            return lock

        try:
            self._transact(conversation_id, add)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets without losing ones another server just added."""
        def expire(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._transact(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove our ticket only."""
        def remove(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._transact(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove our ticket, and the lock if nobody else waits, in one step."""
        def remove(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._transact(conversation_id, remove)


def redis_arguments(url: str) -> dict[str, Any]:
    """``redis://[:password@]host:port/db`` as RedisLockStore's keyword arguments."""
    parsed = urlparse(url)
    db = (parsed.path or "/0").lstrip("/") or "0"
    return {"host": parsed.hostname or "localhost", "port": parsed.port or 6379, "db": int(db),
            "username": parsed.username or None, "password": parsed.password or None,
            "use_ssl": parsed.scheme == "rediss"}


def lock_store_for(url: str) -> LockStore:
    """``memory://`` (one server) or ``redis://...`` (any number of servers)."""
    if not url or url.startswith("memory:"):
        return InMemoryLockStore()
    if url.startswith(("redis://", "rediss://")):
        return AtomicRedisLockStore(**redis_arguments(url))
    raise ValueError("LWFD_REDIS_URL must start with redis:// or rediss://")


class LockStoreFromUrl(LockStore):
    """What ``endpoints.yml`` names: builds the real lock store from its ``url``.

    Rasa creates a custom lock store as ``cls(endpoint_config=...)``; returning another class's
    instance from ``__new__`` hands Rasa the chosen store itself.
    """

    def __new__(cls, endpoint_config: EndpointConfig | None = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = (endpoint_config.url if endpoint_config else "") or "memory://"
        store = lock_store_for(url)
        logger.info("Lock store: %s", type(store).__name__)
        return store
