"""The Hub console started with the RabbitMQ event broker (the real one on 127.0.0.1:5672).

It must start, serve, and consume the feed queue itself (``bot/hub/app.py``): Sanic 21.12 calls
``after_server_start`` listeners with ``(app, loop)``, and a listener taking only ``app`` stopped
the console at start. This run's queue and exchange have their own names and are removed after.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import aio_pika
import pytest
import requests
from sqlalchemy import select

from bot.hub.feed import create_events_table, feed_events_table
from bot.store.db import get_engine, migrate
from tests.hub.support import HubProcess
from tests.support.engines import RABBITMQ, reachable

AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"


async def _publish(exchange_name: str, queue_name: str, bodies: list[bytes]) -> None:
    connection = await aio_pika.connect(AMQP)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(exchange_name, type=aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.bind(exchange, "")
        for body in bodies:
            await exchange.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")


async def _remove(exchange_name: str, queue_name: str) -> None:
    connection = await aio_pika.connect(AMQP)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue_name)
        await channel.exchange_delete(exchange_name)


@pytest.fixture
def names() -> Iterator[tuple[str, str]]:
    if not reachable(RABBITMQ):
        pytest.fail("RabbitMQ is not running on 127.0.0.1:5672")
    suffix = secrets.token_hex(4)
    made = (f"lwfd-test-exchange-{suffix}", f"lwfd-test-feed-{suffix}")
    yield made
    asyncio.run(_remove(*made))


def test_the_console_starts_serves_and_consumes_with_rabbitmq(tmp_path: Path, names: tuple[str, str]):
    exchange, queue = names
    app_db = f"sqlite:///{tmp_path / 'app.db'}"
    events_db = f"sqlite:///{tmp_path / 'events.db'}"
    migrate(app_db)
    create_events_table(events_db)
    sender = f"web-{secrets.token_hex(4)}"
    # Published before the console starts: the durable queue keeps them for it.
    asyncio.run(_publish(exchange, queue, [json.dumps({"sender_id": sender, "event": "user", "text": f"m{i}",
                                                       "timestamp": time.time() + i}).encode() for i in range(3)]))
    process = HubProcess(tmp_path, "http://127.0.0.1:9", "stand-in-token", app_db, events_db,
                         extra_env={"LWFD_HUB_SAFETY_CHECK_SECONDS": "0", "LWFD_EVENT_BROKER_URL": AMQP,
                                    "LWFD_EVENT_QUEUE": queue, "LWFD_EVENT_EXCHANGE": exchange}).start()
    try:
        assert requests.get(process.url + "/healthz", timeout=5).ok
        assert requests.get(process.url + "/login", timeout=5).status_code == 200

        def stored() -> list[str]:
            with get_engine(app_db).connect() as conn:
                rows = conn.execute(select(feed_events_table.c.data).where(feed_events_table.c.sender_id == sender)
                                    .order_by(feed_events_table.c.id)).scalars().all()
            return [json.loads(row)["text"] for row in rows]

        deadline = time.monotonic() + 30
        while len(stored()) < 3 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert stored() == ["m0", "m1", "m2"]
        # And one published while it runs.
        asyncio.run(_publish(exchange, queue, [json.dumps({"sender_id": sender, "event": "user", "text": "m3",
                                                           "timestamp": time.time() + 9}).encode()]))
        deadline = time.monotonic() + 30
        while len(stored()) < 4 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert stored() == ["m0", "m1", "m2", "m3"]
        assert process._process is not None and process._process.poll() is None
    finally:
        process.stop()
    log = (tmp_path / "hub.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    assert "Retention purge: erased 0 conversation(s)" in log and "Retention purge failed" not in log
    assert "guest:guest" not in log  # the broker's password is not logged
