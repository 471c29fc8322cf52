"""Crisis help while a Hub worker holds the conversation.

When a worker claims a conversation the Hub appends Rasa's ``pause`` event, and Rasa 3.6
then predicts nothing at all (``MessageProcessor._should_handle_message``). NLU still runs,
so risk is still seen, but nobody can assume a worker is watching that second. This module
extends the processor's prediction loop in one narrow way: while paused, a message the
safety component marks ``risk_high``, or a request for ``help``, gets the crisis response
from domain.yml at once. Everything else stays with the worker.

Rasa 3.6 has no hook for this, so we wrap ``MessageProcessor._run_prediction_loop``;
``tests/safety/test_while_paused.py`` fails if a Rasa upgrade changes what we wrap.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.privacy import reference

logger = logging.getLogger(__name__)

# Intent -> the responses sent while paused (all defined in domain.yml, none need the
# action server).
WHILE_PAUSED: dict[str, tuple[str, ...]] = {
    "risk_high": ("utter_crisis", "utter_crisis_worker_told"),
    "get_help_now": ("utter_help_contacts",),
}

_installed = False


def actions_while_paused(tracker: Any) -> tuple[str, ...]:
    """The responses to send for the latest message of a paused conversation (maybe none)."""
    if not tracker.is_paused() or tracker.latest_message is None:
        return ()
    return WHILE_PAUSED.get(tracker.latest_message.intent.get("name") or "", ())


def install() -> None:
    """Wrap Rasa's prediction loop once per process (safe to call many times)."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import ACTION_LISTEN_NAME
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor._run_prediction_loop

    async def _run_prediction_loop(self, output_channel, tracker) -> None:  # type: ignore[no-untyped-def]
        names = actions_while_paused(tracker)
        if not names:
            return await original(self, output_channel, tracker)
        logger.warning("Crisis response sent while a worker holds conversation %s", reference(tracker.sender_id))
        for name in (*names, ACTION_LISTEN_NAME):
            action = self._get_action(name)
            prediction = PolicyPrediction.for_action_name(self.domain, name)
            await self._run_action(action, tracker, output_channel, self.nlg, prediction)
        return None

    MessageProcessor._run_prediction_loop = _run_prediction_loop
    _installed = True
