"""The Hub feed's RabbitMQ consumer against the real RabbitMQ and PostgreSQL (no Rasa).

Messages are published the way Rasa's PikaEventBroker publishes them (fanout exchange,
persistent). The consumer stores each one once, acknowledges only stored ones, and what it
could not store (the database cut at the proxy) stays queued until it can.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import replace

import aio_pika
import pytest

from bot.config import Settings
from bot.hub.consumer import consume, store_event
from bot.hub.feed import events_after, feed_events_table, feed_source
from tests.support.engines import Engines


@pytest.fixture(scope="module")
def feed_engines():
    made = Engines().create()
    yield made
    made.destroy()


def settings_for(engines: Engines, *, through_proxy: bool = False) -> Settings:
    env = engines.env()
    return replace(Settings(), database_url=engines.pg_url(engines.app_db, direct=not through_proxy),
                   event_broker_url=env["LWFD_EVENT_BROKER_URL"], event_queue=env["LWFD_EVENT_QUEUE"],
                   event_exchange=env["LWFD_EVENT_EXCHANGE"])


async def publish(settings: Settings, events: list[dict]) -> None:
    connection = await aio_pika.connect(settings.event_broker_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(settings.event_exchange, type=aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(settings.event_queue, durable=True)
        await queue.bind(exchange, "")
        for event in events:
            await exchange.publish(aio_pika.Message(json.dumps(event).encode(),
                                                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")


def feed_texts(settings: Settings, sender: str) -> list[str]:
    url, table = feed_source(settings)
    assert table is feed_events_table
    return [e.get("text") for _, e in events_after(url, sender, 0, table=table)]


async def run_consumer_until(settings: Settings, done, seconds: float = 30.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consume(settings, stop=stop))
    deadline = time.monotonic() + seconds
    try:
        while not await asyncio.to_thread(done) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_events_are_stored_once_in_order_and_acknowledged(feed_engines):
    settings = settings_for(feed_engines)
    sender = f"feed-{secrets.token_hex(4)}"
    events = [{"sender_id": sender, "event": "user", "text": f"message {i}", "timestamp": time.time() + i}
              for i in range(5)]
    await publish(settings, events)
    await run_consumer_until(settings, lambda: len(feed_texts(settings, sender)) == 5)
    assert feed_texts(settings, sender) == [f"message {i}" for i in range(5)]
    # A redelivered message (same body) is not stored twice.
    await publish(settings, events[:2])
    await run_consumer_until(settings, lambda: False, seconds=2)
    assert feed_texts(settings, sender) == [f"message {i}" for i in range(5)]
    assert not store_event(settings.database_url, json.dumps(events[0]).encode())


async def test_events_wait_in_the_queue_while_the_database_is_down(feed_engines):
    direct = settings_for(feed_engines)
    proxied = settings_for(feed_engines, through_proxy=True)
    sender = f"feed-down-{secrets.token_hex(4)}"
    feed_engines.pg.cut()
    try:
        await publish(proxied, [{"sender_id": sender, "event": "user", "text": "kept for later",
                                 "timestamp": time.time()}])
        await run_consumer_until(proxied, lambda: False, seconds=3)  # cannot store: nacked, requeued
    finally:
        feed_engines.pg.restore()
    assert feed_texts(direct, sender) == []
    await run_consumer_until(proxied, lambda: feed_texts(direct, sender) == ["kept for later"])
    assert feed_texts(direct, sender) == ["kept for later"]
