"""The Redis lock store race between two Rasa servers (Rasa issue 9213), against real Redis.

Each store below has its own Redis client, as two Rasa server processes would. The first
test makes the race happen on purpose with Rasa's own ``RedisLockStore``: both servers read
the lock before either writes, so both get the same ticket and both "hold" the conversation.
The others show ``AtomicRedisLockStore`` hands out every ticket once, under the same
interleaving and under many concurrent issuers, and never loses a waiting ticket.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.core.lock_store import RedisLockStore

from bot.engines.lock_store import AtomicRedisLockStore, lock_store_for, redis_arguments
from tests.support.engines import REDIS, reachable

URL = f"redis://{REDIS[0]}:{REDIS[1]}/1"


@pytest.fixture(autouse=True)
def _redis() -> None:
    if not reachable(REDIS):
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")


def conversation() -> str:
    return f"lwfd-test-{secrets.token_hex(6)}"


class _Interleaved:
    """Makes two stores read the lock before either writes it back (a barrier in get_lock)."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=10)
        self.armed = True

    def wrap(self, store: RedisLockStore) -> RedisLockStore:
        original = store.get_lock

        def get_lock(conversation_id: str):
            lock = original(conversation_id)
            if self.armed:
                self.barrier.wait()
            return lock

        store.get_lock = get_lock  # type: ignore[method-assign]
        return store


def test_rasas_redis_lock_store_gives_two_servers_the_same_ticket() -> None:
    """The known race is real here: with this interleaving both servers hold ticket 0."""
    cid = conversation()
    gate = _Interleaved()
    server_a = gate.wrap(RedisLockStore(**redis_arguments(URL)))
    server_b = gate.wrap(RedisLockStore(**redis_arguments(URL)))
    with ThreadPoolExecutor(2) as pool:
        tickets = list(pool.map(lambda store: store.issue_ticket(cid), [server_a, server_b]))
    gate.armed = False
    lock = server_a.get_lock(cid)
    assert tickets[0] == tickets[1]  # both servers think they are first in line
    assert not lock.is_locked(tickets[0]) and not lock.is_locked(tickets[1])
    server_a.delete_lock(cid)


def test_atomic_store_gives_each_server_its_own_ticket_under_the_same_interleaving() -> None:
    cid = conversation()
    barrier = threading.Barrier(2, timeout=10)
    passed: list[bool] = []
    stores = [AtomicRedisLockStore(**redis_arguments(URL)) for _ in range(2)]
    for store in stores:
        original = store._transact

        def transact(conversation_id, change, original=original):
            def slow_change(lock):
                if not barrier.broken and barrier.n_waiting < 2 and not passed:
                    barrier.wait()  # both have read the lock; only one write can win
                    passed.append(True)
                return change(lock)
            return original(conversation_id, slow_change)

        store._transact = transact  # type: ignore[method-assign]
    with ThreadPoolExecutor(2) as pool:
        tickets = list(pool.map(lambda store: store.issue_ticket(cid), stores))
    assert sorted(tickets) == [0, 1]
    lock = AtomicRedisLockStore(**redis_arguments(URL)).get_lock(cid)
    first, second = sorted(tickets)
    assert not lock.is_locked(first) and lock.is_locked(second)
    stores[0].delete_lock(cid)


def test_atomic_store_under_many_concurrent_servers_loses_no_ticket() -> None:
    """Eight clients issue 200 tickets at once, then finish them: all distinct, none lost."""
    cid = conversation()
    stores = [lock_store_for(URL) for _ in range(8)]
    assert all(isinstance(store, AtomicRedisLockStore) for store in stores)
    with ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 8].issue_ticket(cid), range(200)))
    assert sorted(tickets) == list(range(200))
    lock = stores[0].get_lock(cid)
    assert len(lock.tickets) == 200
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda t: stores[t % 8].cleanup(cid, t), tickets))
    assert stores[0].get_lock(cid) is None  # the last one out removed the lock


async def test_two_servers_take_turns_on_one_conversation() -> None:
    """Rasa's ``lock()`` with two atomic stores: the second waits until the first is done."""
    import asyncio

    cid = conversation()
    a, b = lock_store_for(URL), lock_store_for(URL)
    order: list[str] = []

    async def turn(store, name: str) -> None:
        async with store.lock(cid, wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.3)
            order.append(f"{name} out")

    await asyncio.gather(turn(a, "a"), turn(b, "b"))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
