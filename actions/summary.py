"""Reading the summary back so the person can check and correct it."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of, current_slots
from bot.conversation.summary import read_back


class ActionAskSummaryConfirmed(Action):
    """Asks 'is that right?' with the summary, as the last question of the introduction."""

    def name(self) -> str:
        return "action_ask_summary_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_summary",
                                 summary=read_back(current_slots(tracker), channel=channel_of(tracker)))
        return []
