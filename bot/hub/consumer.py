"""The Hub's live feed from RabbitMQ: a consumer with a durable queue and acknowledgements.

With ``LWFD_EVENT_BROKER_URL=amqp://...`` every Rasa server publishes each event (persistent)
to Rasa's fanout exchange, bound to the durable queue ``LWFD_EVENT_QUEUE``. This consumer
stores each event in the app database's ``hub_feed_events`` table (the shape of Rasa's SQL
broker table, so ``bot/hub/feed.py`` reads it the same way), and acknowledges the message only once
the row is committed. If the database is down the message goes back on the queue; if the
consumer or RabbitMQ stops, the queue keeps what was not acknowledged and the feed catches up
when both are back. A redelivered message is recognised by its digest and stored once.
Several Hub consoles may consume the same queue: each message goes to one of them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.config import Settings, settings
from bot.hub.feed import feed_events_table
from bot.store.db import get_engine

logger = logging.getLogger(__name__)

PREFETCH = 100  # unacknowledged messages RabbitMQ may hand this consumer at once
RETRY_SECONDS = 2.0


def store_event(url: str, body: bytes) -> bool:
    """Store one broker message; False if it was stored before (a redelivery)."""
    digest = hashlib.sha256(body).hexdigest()
    try:
        event: dict[str, Any] = json.loads(body)
    except ValueError:
        logger.warning("Skipping a feed message that is not JSON")
        return False
    try:
        with get_engine(url).begin() as conn:
            conn.execute(insert(feed_events_table).values(
                sender_id=str(event.get("sender_id") or "")[:255], data=body.decode("utf-8"),
                digest=digest))
    except IntegrityError:
        return False
    return True


async def consume(current: Settings | None = None, *, stop: asyncio.Event | None = None) -> None:
    """Consume the feed queue until ``stop`` is set, reconnecting after any failure."""
    import aio_pika

    current = current or settings()
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            connection = await aio_pika.connect_robust(current.event_broker_url, timeout=10)
            async with connection:
                channel = await connection.channel()
                await channel.set_qos(prefetch_count=PREFETCH)
                exchange = await channel.declare_exchange(current.event_exchange, type=aio_pika.ExchangeType.FANOUT)
                queue = await channel.declare_queue(current.event_queue, durable=True)
                await queue.bind(exchange, "")
                logger.info("Hub feed: consuming RabbitMQ queue %s", current.event_queue)
                await _drain(queue, current.database_url, stop)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # RabbitMQ away: try again shortly, nothing is acknowledged
            logger.warning("Hub feed: RabbitMQ consumer stopped (%s); retrying", type(error).__name__)
            await asyncio.sleep(RETRY_SECONDS)


async def _drain(queue: Any, url: str, stop: asyncio.Event) -> None:
    async with queue.iterator() as messages:
        async for message in messages:
            try:
                await asyncio.to_thread(store_event, url, message.body)
            except Exception as error:  # the database is down: RabbitMQ keeps it for later
                logger.warning("Hub feed: could not store an event (%s); it stays queued",
                               type(error).__name__)
                await message.nack(requeue=True)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            await message.ack()
            if stop.is_set():
                return


def main() -> None:
    """``python -m bot.hub.consumer``: run the feed consumer on its own (no console)."""
    from bot.store.db import migrate

    logging.basicConfig(level=logging.INFO)
    current = settings()
    if not current.uses_rabbitmq:
        raise SystemExit("LWFD_EVENT_BROKER_URL is not an amqp:// URL; nothing to consume.")
    migrate(current.database_url)
    asyncio.run(consume(current))


if __name__ == "__main__":
    main()
