"""Asking how and when the person would like the Hub to get in touch, honestly for the hour."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.hours import HubHours, now


class ActionAskContactPreference(Action):
    """Asks for a contact preference, saying when the Hub is open (words in domain.yml)."""

    def name(self) -> str:
        return "action_ask_contact_preference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        hours = await asyncio.to_thread(HubHours.load)
        at = now()
        if hours.is_open(at):
            dispatcher.utter_message(response="utter_ask_contact_preference_open")
        else:
            dispatcher.utter_message(response="utter_ask_contact_preference_closed",
                                     when=hours.describe_next_contact(at))
        return []
