"""Is the assistant's risk detection fully on? The answer shown at the top of the queue.

If the model was trained with a different sentence encoder, or its meaning layer cannot load,
the Rasa server keeps answering on the word lists and the classifier alone and logs an error
nobody on shift reads. Workers should know, because more risk will reach them unflagged. The
console asks Rasa to read one invented, ordinary sentence through ``/model/parse`` (nothing
is stored in any conversation) and looks at the ``risk`` field the detector adds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from bot.hub.rasa_client import RasaClient, RasaError, RasaUnavailable

logger = logging.getLogger(__name__)

# Invented, ordinary, and never stored: /model/parse touches no conversation.
PROBE_TEXT = "Hello, I would like to find a walking group near me."


@dataclass(frozen=True)
class SafetyCheck:
    """What the check found: ``state`` is on, rules_only, missing or unreachable."""

    state: str
    message: str

    @property
    def ok(self) -> bool:
        return self.state == "on"


ON = SafetyCheck("on", "Risk detection is fully on.")


def as_event(result: SafetyCheck) -> dict[str, Any]:
    """What a page's live feed sends as its ``safety`` event (hub.js shows or hides the banner)."""
    return {"ok": result.ok, "state": result.state, "message": result.message}


def read_parse(result: dict[str, Any] | None) -> SafetyCheck:
    """Turn Rasa's parse of the probe sentence into a state a worker can act on."""
    risk = (result or {}).get("risk")
    if not isinstance(risk, dict) or "level" not in risk:
        return SafetyCheck("missing", (
            "The assistant is running without its risk detector, so it will not spot risk in "
            "what people write. Tell the duty lead and the on-call technical contact now."))
    if not risk.get("meaning"):
        return SafetyCheck("rules_only", (
            "The assistant's risk detection is working without the part that reads for "
            "meaning (on its word lists and intent classifier only). It will miss more risk "
            "than usual: read new messages with extra care and tell the duty lead so the model "
            "is retrained."))
    return ON


async def check(client: RasaClient) -> SafetyCheck:
    """Ask the Rasa server now."""
    try:
        return read_parse(await client.parse(PROBE_TEXT))
    except RasaUnavailable:
        return SafetyCheck("unreachable", (
            "The console cannot reach the assistant's server, so it cannot tell whether risk "
            "detection is on. If people are writing in, they may get no answer: tell the duty "
            "lead and the on-call technical contact now."))
    except RasaError:
        return _not_properly()
    except Exception:  # noqa: BLE001 - a timeout or a garbled reply must not break the pages
        logger.exception("safety check: unexpected error asking the assistant's server")
        return _not_properly()


def _not_properly() -> SafetyCheck:
    return SafetyCheck("unreachable", (
        "The assistant's server did not answer the console's safety check properly, so the "
        "console cannot tell whether risk detection is on. Tell the duty lead."))


class SafetyMonitor:
    """The latest check, asked again at most every ``every`` seconds so pages stay quick."""

    def __init__(self, client: RasaClient, every: float) -> None:
        self._client = client
        self._every = every
        self._last: tuple[float, SafetyCheck] | None = None
        self._lock = asyncio.Lock()  # several open queue pages ask Rasa once, not once each
        self._refresh: asyncio.Task | None = None

    async def current(self) -> SafetyCheck:
        """The answer, asking Rasa first if the last one is old (for a page being rendered)."""
        async with self._lock:
            if not self._fresh():
                self._last = (time.monotonic(), await check(self._client))
            return self._last[1]

    def _fresh(self) -> bool:
        return self._last is not None and time.monotonic() - self._last[0] < self._every

    async def latest(self, wait: float = 2.0) -> SafetyCheck | None:
        """The answer for a live feed: fresh if Rasa answers within ``wait`` seconds, else the last.

        A live feed must never stall on a slow Rasa, because new lines and high-risk alerts
        go through the same loop; the check carries on behind and the next pass sees it.
        ``None`` if there has never been an answer.
        """
        if self._fresh():
            return self._last[1]
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.get_running_loop().create_task(self.current())
        try:
            return await asyncio.wait_for(asyncio.shield(self._refresh), wait)
        except asyncio.TimeoutError:
            return self._last[1] if self._last else None
