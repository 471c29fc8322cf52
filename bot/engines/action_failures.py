"""An honest reply when a step of the conversation could not run.

When the action server does not answer (down, restarting, an error), Rasa 3.6 logs the failed
custom action, drops its events and listens: the person gets no reply at all and cannot tell
whether they were heard. ``install()`` wraps ``RemoteAction.run`` so that, once per turn, the
person is told so in the words of ``utter_not_taken_in`` (domain.yml), and then the failure
goes on exactly as before (Rasa still logs it and keeps what the person said).

Never after a risk message: the crisis reply and the safety question are responses Rasa sends
itself, and asking a person in crisis to "send it again" would be wrong. The Hub still learns
of the risk from the event stream. Never for ``action_session_start`` either: it runs before
the new message is read, and the turn goes on to answer it.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from typing import Any

logger = logging.getLogger(__name__)

RESPONSE = "utter_not_taken_in"
SESSION_START = "action_session_start"
RISK_INTENTS = frozenset({"risk_high", "risk_possible"})
CRISIS_RESPONSES = frozenset({"utter_crisis", "utter_ask_safe_now", "utter_safety_check"})
_REMEMBERED = 2000  # turns already answered, per process (a bounded memory, oldest forgotten)


class _Turns:
    """Which turns have had the honest reply already, so a turn gets it once."""

    def __init__(self, size: int = _REMEMBERED) -> None:
        self._seen: OrderedDict[tuple[str, float], None] = OrderedDict()
        self._size = size

    def first_time(self, key: tuple[str, float]) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


_turns = _Turns()


def should_apologise(tracker: Any) -> tuple[str, float] | None:
    """The turn's key when the person should be told, or None (a risk turn, or told already)."""
    from rasa.shared.core.events import BotUttered, UserUttered

    latest = tracker.latest_message
    intent = (latest.intent or {}).get("name") if latest is not None else None
    if intent in RISK_INTENTS:
        return None
    since_user = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        since_user.append(event)
    said = {(e.metadata or {}).get("utter_action") for e in since_user if isinstance(e, BotUttered)}
    if said & CRISIS_RESPONSES:
        return None
    last_user = tracker.get_last_event_for(UserUttered)
    return (tracker.sender_id, last_user.timestamp if last_user is not None else 0.0)


async def tell_the_person(output_channel: Any, nlg: Any, tracker: Any) -> bool:
    """Send ``utter_not_taken_in`` once for this turn; True if it was sent."""
    key = should_apologise(tracker)
    if key is None or not _turns.first_time(key):
        return False
    try:
        message = await nlg.generate(RESPONSE, tracker, output_channel.name())
        if message:
            await output_channel.send_response(tracker.sender_id, message)
            return True
    except Exception:  # the apology must never turn one failure into two
        logger.exception("Could not send the reply for a step that failed")
    return False


def install() -> None:
    """Wrap ``RemoteAction.run`` once (safe to call again)."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    original = RemoteAction.run
    if getattr(original, "lwfd_honest", False):
        return

    @functools.wraps(original)
    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form declining a message: part of the conversation, not a failure
        except Exception:
            if self.name() != SESSION_START and await tell_the_person(output_channel, nlg, tracker):
                logger.warning("Step %s could not run; the person was told to send it again", self.name())
            raise

    run.lwfd_honest = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
