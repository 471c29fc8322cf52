"""The end of the introduction: save it as complete and tell the person what happens next."""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of, current_slots, promise_for
from bot.config import settings
from bot.conversation import answers
from bot.conversation.flow import SKIPPED
from bot.conversation.records import save_introduction
from bot.conversation.turns import introduction_turns
from bot.handoff import request_handoff

logger = logging.getLogger(__name__)


class ActionIntroductionComplete(Action):
    """Marks the introduction complete and, if they want contact, queues it for the Hub."""

    def name(self) -> str:
        return "action_introduction_complete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        slots = current_slots(tracker)
        events: list[EventType] = [SlotSet("introduction_done", True)]
        if slots.get("consent") != "yes":
            dispatcher.utter_message(response="utter_intro_done_no_consent")
            return events
        channel = channel_of(tracker)
        try:
            intro_id = await asyncio.to_thread(
                save_introduction, tracker.sender_id, channel, slots, complete=True,
                introduction_id=int(slots["introduction_id"]) if slots.get("introduction_id") else None,
                turns=introduction_turns(tracker.events, settings().review_confidence_below),
            )
            if intro_id is not None:
                events.append(SlotSet("introduction_id", float(intro_id)))
        except Exception:
            logger.exception("Could not save the finished introduction")
            dispatcher.utter_message(response="utter_handoff_failed")
            return events
        preference = str(slots.get("contact_preference") or "")
        if preference and preference != SKIPPED and answers.wants_no_contact(preference):
            dispatcher.utter_message(response="utter_intro_done_no_contact")
            return _then_about_you(events)
        try:
            promise = await asyncio.to_thread(promise_for, channel, slots)
            await asyncio.to_thread(request_handoff, tracker.sender_id, channel, "introduction", slots,
                                    promise=promise)
        except Exception:
            logger.exception("Could not queue the introduction for the Hub")
            dispatcher.utter_message(response="utter_handoff_failed")
            return events
        dispatcher.utter_message(response="utter_intro_passed", promise=promise.text)
        return _then_about_you(events)


def _then_about_you(events: list[EventType]) -> list[EventType]:
    """The optional "about you" questions follow, when switched on (insights, issue 23)."""
    if settings().ask_about_you and any(e.get("name") == "introduction_id" for e in events):
        events.append(FollowupAction("action_offer_about_you"))
    return events
