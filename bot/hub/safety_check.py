"""Is the assistant's risk detection fully on? The answer shown at the top of the queue.

If the model was trained with a different sentence encoder, or its meaning layer cannot load,
the Rasa server keeps answering on the word lists and the classifier alone and logs an error
nobody on shift reads. Workers should know, because more risk will reach them unflagged. The
console asks Rasa to read one invented, ordinary sentence through ``/model/parse`` (nothing
is stored in any conversation) and looks at the ``risk`` field the detector adds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from bot.hub.rasa_client import RasaClient, RasaError, RasaUnavailable

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

    async def current(self) -> SafetyCheck:
        async with self._lock:
            now = time.monotonic()
            if self._last is None or now - self._last[0] >= self._every:
                self._last = (now, await check(self._client))
            return self._last[1]
