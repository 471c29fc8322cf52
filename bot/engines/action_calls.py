"""Rasa's calls to the action server, tried again when the request never reached it.

Under a burst (50 people at once on two cores) a few of Rasa's requests to the action server
failed with "Can not write request body" (the connection closed before the request was
sent), and those turns got no reply at all: Rasa gives up on a custom action at the first
error. A request that could not be sent, or a connection that was refused, never ran the
action, so trying again cannot run it twice. ``install()`` wraps Rasa's
``EndpointConfig.request`` to try such requests up to ``ATTEMPTS`` times, briefly apart. It
is installed when Rasa loads ``bot.engines`` (named in endpoints.yml). Errors after the
request was sent (a timeout, a 500) are not retried: the action may have run.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)

ATTEMPTS = 3
PAUSES = (0.2, 0.6)


def never_sent(error: BaseException) -> bool:
    """True when the action server cannot have received the request."""
    import aiohttp

    if isinstance(error, aiohttp.ClientConnectorError):  # refused or unreachable
        return True
    return isinstance(error, aiohttp.ClientOSError) and "Can not write request body" in str(error)


def install() -> None:
    """Wrap ``EndpointConfig.request`` once (safe to call again)."""
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.request
    if getattr(original, "lwfd_retries", False):
        return

    @functools.wraps(original)
    async def request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(ATTEMPTS):
            try:
                return await original(self, *args, **kwargs)
            except Exception as error:
                if attempt == ATTEMPTS - 1 or not never_sent(error):
                    raise
                logger.warning("Request to %s not sent (%s); trying again", self.url, type(error).__name__)
                await asyncio.sleep(PAUSES[attempt])
        return None  # pragma: no cover - the loop returns or raises

    request.lwfd_retries = True  # type: ignore[attr-defined]
    EndpointConfig.request = request  # type: ignore[method-assign]
