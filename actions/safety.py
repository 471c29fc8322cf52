"""After the crisis contacts (sent by a rule, from domain.yml): flag it urgent for the Hub.

The person has already had the crisis numbers before this runs, so if this action or the
database fails, they have still been helped; this adds the Hub's honest next step.
"""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of, current_slots
from bot.handoff import current_promise, request_handoff
from bot.safety.severity import risk_record

logger = logging.getLogger(__name__)


class ActionCrisisFollowup(Action):
    """Queues an urgent handoff and says when a person from the Hub will be in touch."""

    def name(self) -> str:
        return "action_crisis_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message or {}
        risk = risk_record(message.get("risk"), message.get("text") or "")
        channel = channel_of(tracker)
        slots = current_slots(tracker, {"risk_flag": "high"})
        events: list[EventType] = [SlotSet("risk_flag", "high"), SlotSet("risk_level", "high")]
        held_by_worker = bool(tracker.get_slot("hub_worker"))
        try:
            promise = await asyncio.to_thread(current_promise, channel)
            await asyncio.to_thread(request_handoff, tracker.sender_id, channel, "risk", slots,
                                    promise=promise, risk=risk)
        except Exception:
            logger.exception("Could not flag the conversation as urgent for the Hub")
            if not held_by_worker:
                dispatcher.utter_message(response="utter_crisis_reminder")
            return events
        if held_by_worker:
            return events  # utter_crisis_worker_told has said it; the queue now shows it urgent
        if promise.live:
            dispatcher.utter_message(response="utter_crisis_urgent_live")
        else:
            dispatcher.utter_message(response="utter_crisis_urgent_later", promise=promise.text)
        return events
