"""Asking how and when the person would like the Hub to get in touch, honestly for the hour."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.hours import HubHours, now


class ActionAskContactPreference(Action):
    """Asks for a contact preference, saying when the Hub is open."""

    def name(self) -> str:
        return "action_ask_contact_preference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        hours = await asyncio.to_thread(HubHours.load)
        at = now()
        them = tracker.get_slot("introducer") == "someone_else"
        who = "you or them" if them else "you"
        if hours.is_open(at):
            opening = "The Hub team is working now."
        else:
            opening = f"The Hub is closed now; the team will be back {hours.describe_next_contact(at)}."
        dispatcher.utter_message(
            text=f"{opening} How and when would you like them to contact {who}? "
                 "For example a call in the afternoon, a text, or here in this chat.",
        )
        return []
