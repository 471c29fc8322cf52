"""Offering two or three community offers that fit, and reading the person's choice."""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of
from bot.conversation.signposting import SMS_CHANNELS, find_offers, offers_message
from bot.hours import now

logger = logging.getLogger(__name__)


def next_offers(tracker: Tracker) -> list[dict]:
    """Offers not shown yet, for the needs and strengths the person has told us."""
    given = list(tracker.get_slot("offers_given") or [])
    round_number = 1 + max((int(o.get("round", 1)) for o in given), default=0)
    return find_offers(
        list(tracker.get_slot("needs") or []), list(tracker.get_slot("strengths") or []), now(),
        channel=channel_of(tracker), exclude_ids=[o["id"] for o in given], round_number=round_number,
    )


class ActionAskOfferChoice(Action):
    """Shows the offers (numbered; real buttons on the web) and records what was shown."""

    def name(self) -> str:
        return "action_ask_offer_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            offers = await asyncio.to_thread(next_offers, tracker)
        except Exception:  # the directory being unreachable must not stop the introduction
            logger.exception("Could not search the directory")
            offers = []
        if not offers:
            dispatcher.utter_message(text="I couldn't find an offer that fits right now; the Hub team will "
                                          "look with you. Say \"none\" to carry on.")
            return []
        given = list(tracker.get_slot("offers_given") or [])
        sms = channel_of(tracker) in SMS_CHANNELS
        text = offers_message(offers, first_round=not given, sms=sms)
        buttons = []
        if not sms:
            buttons = [{"title": f"{n}. {o['name']}", "payload": str(n)} for n, o in enumerate(offers, start=1)]
            buttons += [{"title": "Show me others", "payload": "more"},
                        {"title": "None of these", "payload": "none"}]
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("offers_given", given + offers)]
