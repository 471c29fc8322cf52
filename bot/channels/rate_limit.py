"""Per-sender and per-address rate limits for the citizen channels, that never block a crisis.

A flood (one sender, or one address trying many senders) is slowed with token buckets: each
sender may send ``LWFD_RATE_SENDER`` messages in a burst, refilled at that many per minute;
each address ``LWFD_RATE_ADDRESS``. A message over the limit is still read by the rule layer of
risk detection (``bot.safety.detector.assess``, no model or database needed): if it shows any
sign of risk it goes through as usual, so the crisis reply is never held back. Otherwise the
person gets ``utter_slow_down`` (which itself carries 999 and Samaritans) and nothing is
processed. Buckets live in this process (one replica); behind several replicas each counts its
own share, which still bounds a flood.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.channels.text_guard import response_text

logger = logging.getLogger(__name__)

SLOW_DOWN_RESPONSE = "utter_slow_down"
FALLBACK_SLOW_DOWN = ("You've sent a lot of messages very quickly. Please wait a minute. "
                      "If you need help now: call 999 in danger, or Samaritans on 116 123.")
MAX_KEYS = 50_000  # forget the oldest buckets beyond this, so a spray of ids cannot fill memory


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class TokenBuckets:
    """``capacity`` messages in a burst, refilled at ``capacity`` per ``period`` seconds."""

    capacity: int
    period: float = 60.0
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str, now: float | None = None) -> bool:
        """Spend one token for ``key``; False when none is left."""
        now = time.monotonic() if now is None else now
        rate = self.capacity / self.period
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(float(self.capacity), now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            self._buckets[key] = bucket  # re-inserted: the dict keeps least recently used first
            while len(self._buckets) > MAX_KEYS:
                self._buckets.pop(next(iter(self._buckets)))
            return allowed


def shows_risk(text: str) -> bool:
    """True when the rule layer sees any sign of risk (errors count as risk: let it through)."""
    try:
        from bot.safety.detector import assess

        return assess(text).level != "none"
    except Exception as error:
        logger.error("Rule layer failed while rate limiting: %s", type(error).__name__)
        return True


class RateLimiter:
    """Both limits together; :meth:`allow` decides for one message."""

    def __init__(self, per_sender: int, per_address: int, period: float = 60.0) -> None:
        self.senders = TokenBuckets(per_sender, period)
        self.addresses = TokenBuckets(per_address, period)
        self.per_sender = per_sender
        self.per_address = per_address

    @classmethod
    def for_citizens(cls) -> RateLimiter:
        """Limits from LWFD_RATE_SENDER / LWFD_RATE_ADDRESS (messages per minute; 20 and 60)."""
        return cls(int(os.environ.get("LWFD_RATE_SENDER") or 20),
                   int(os.environ.get("LWFD_RATE_ADDRESS") or 60))

    def allow(self, sender: str, address: str | None, text: str) -> bool:
        """True to process the message now. Never False for a message showing risk."""
        ok_sender = self.senders.take(f"s:{sender}")
        ok_address = self.addresses.take(f"a:{address}") if address else True
        if ok_sender and ok_address:
            return True
        if shows_risk(text):
            logger.info("Rate limit passed over for a message showing risk")
            return True
        logger.info("Rate limit reached (%s)", "sender" if not ok_sender else "address")
        return False

    @staticmethod
    def reply(agent: Any = None) -> str:
        return response_text(SLOW_DOWN_RESPONSE, agent, FALLBACK_SLOW_DOWN)


def client_address(request: Any) -> str | None:
    """The caller's address: the connection's peer, or the proxy's X-Forwarded-For when Sanic
    is told to trust it (``SANIC_PROXIES_COUNT`` / ``SANIC_REAL_IP_HEADER``). Behind a proxy
    without that setting every caller shares the proxy's address: set it (docs/security.md)."""
    if request is None:
        return None
    try:
        return str(request.remote_addr or request.ip or "") or None
    except Exception:
        return None
