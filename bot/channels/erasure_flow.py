""""Delete my data" (or texting DELETE), on every channel, answered before the assistant.

The first message asks for a confirmation (``utter_delete_confirm``); "yes" within ten minutes
erases the person from the tracker store, the event broker and every app table
(``bot.personal_data.erase_person``) and says so (``utter_delete_done``). Anything else drops
the request and is handled as usual. Only whole-message commands count, like SMS keywords:
"please don't delete my data" is ordinary text.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, Literal

from bot.channels.text_guard import response_text

Step = Literal["ask", "erase"]
ASK = frozenset({"DELETE", "DELETEMYDATA", "DELETEMYDETAILS", "DELETEEVERYTHING", "ERASEMYDATA",
                 "DELETEME", "FORGETME"})
CONFIRM = frozenset({"YES", "YESDELETE", "DELETEYES", "YESPLEASE", "CONFIRM", "YESDELETEIT"})
CONFIRM_SECONDS = 600.0
MAX_PENDING = 10_000

FALLBACK_CONFIRM = ("This will delete everything you've told us here, for good. Reply YES to delete it, "
                    "or send anything else to keep it.")
FALLBACK_DONE = "Done: everything you told us here has been deleted."


def command(text: str) -> str:
    return re.sub(r"[\s.!?,;:'\"]+", "", text).upper()


class ErasureFlow:
    """Pending confirmations, per conversation, in this process."""

    def __init__(self, confirm_seconds: float = CONFIRM_SECONDS) -> None:
        self.confirm_seconds = confirm_seconds
        self._pending: dict[str, float] = {}

    def step(self, sender_id: str, text: str, now: float | None = None) -> Step | None:
        """``ask``: send the confirmation question; ``erase``: confirmed; None: not about erasure."""
        now = time.monotonic() if now is None else now
        word = command(text)
        asked_at = self._pending.pop(sender_id, None)
        if asked_at is not None and now - asked_at <= self.confirm_seconds and word in CONFIRM:
            return "erase"
        if word in ASK:
            if len(self._pending) >= MAX_PENDING:
                self._pending.pop(next(iter(self._pending)))
            self._pending[sender_id] = now
            return "ask"
        return None


def confirm_text(agent: Any = None) -> str:
    return response_text("utter_delete_confirm", agent, FALLBACK_CONFIRM)


def done_text(agent: Any = None) -> str:
    return response_text("utter_delete_done", agent, FALLBACK_DONE)


async def erase_for(agent: Any, sender_id: str, app_url: str | None = None) -> Any:
    """Erase ``sender_id`` using the running server's own tracker store and event broker."""
    from bot.personal_data import _engine_of, erase_person

    store = getattr(agent, "tracker_store", None)
    tracker_engine = _engine_of(store)
    broker_engine = _engine_of(getattr(store, "event_broker", None))
    return await asyncio.to_thread(erase_person, sender_id, app_url=app_url, tracker_engine=tracker_engine,
                                   broker_engine=broker_engine)
