"""Rasa's event broker from one URL: RabbitMQ (``amqp://``) or the SQL events table.

With RabbitMQ, Rasa publishes every event (persistent messages, publisher confirms) to its
fanout exchange, bound to the durable queue the Hub console consumes (``bot/hub/consumer.py``).
Events Rasa could not publish while RabbitMQ was unreachable are kept in memory and sent when
the connection comes back (Rasa's ``PikaEventBroker`` does this).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote, urlparse

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

def pika_arguments(url: str, queue: str, exchange: str = "rasa-exchange") -> dict[str, Any]:
    """``amqp://user:pass@host:port/vhost`` as PikaEventBroker's keyword arguments."""
    parsed = urlparse(url)
    return {"host": url, "username": unquote(parsed.username or "guest"),
            "password": unquote(parsed.password or "guest"), "port": parsed.port or 5672,
            "queues": [queue], "exchange_name": exchange}


class EventBrokerFromUrl(EventBroker):
    """What ``endpoints.yml`` names: picks Rasa's Pika or SQL broker from ``url``."""

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig, event_loop: Any = None) -> EventBroker | None:
        url = broker_config.url or ""
        if url.startswith(("amqp://", "amqps://")):
            from rasa.core.brokers.pika import PikaEventBroker

            queue = str(broker_config.kwargs.get("queue") or "lwfd_hub_feed")
            exchange = str(broker_config.kwargs.get("exchange") or "rasa-exchange")
            broker = PikaEventBroker(**pika_arguments(url, queue, exchange), event_loop=event_loop)
            await broker.connect()
            logger.info("Event broker: RabbitMQ, queue %s", queue)
            return broker
        if url:
            from rasa.core.brokers.sql import SQLEventBroker

            from bot.store.db import hiding_parameters

            logger.info("Event broker: SQL events table")
            broker = SQLEventBroker(host=url)
            hiding_parameters(broker.engine)  # Rasa's engine would log the event's JSON on a failed insert
            return broker
        return None
