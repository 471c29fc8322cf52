"""A person asks for a person: queue them for the Hub and tell them honestly what happens."""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of, current_slots, promise_for
from bot.handoff import request_handoff

logger = logging.getLogger(__name__)


class ActionHandoff(Action):
    """Writes a handoff for the Hub queue with everything said so far."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        channel = channel_of(tracker)
        slots = current_slots(tracker)
        try:
            promise = await asyncio.to_thread(promise_for, channel, slots)
            await asyncio.to_thread(request_handoff, tracker.sender_id, channel, "asked", slots, promise=promise)
        except Exception:
            logger.exception("Could not queue the person for the Hub")
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        dispatcher.utter_message(text=promise.text)  # rendered from domain.yml (bot/handoff.py)
        if tracker.active_loop.get("name"):
            dispatcher.utter_message(response="utter_handoff_while_waiting")
        return [SlotSet("handoff_requested", True)]
