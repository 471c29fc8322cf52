"""Start again, stop, and welcoming back a person who has been here before."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.conversation.flow import INTRODUCTION_SLOTS


def reset_introduction() -> list[EventType]:
    """Clears the introduction but never the risk flag: the Hub must still see it."""
    events = [SlotSet(name, None) for name in INTRODUCTION_SLOTS]
    events += [SlotSet("needs", []), SlotSet("strengths", []), SlotSet("offers_given", []),
               SlotSet("introduction_done", False), SlotSet("requested_slot", None)]
    return events


class ActionStartAgain(Action):
    """Starts a new introduction; what was said before stays in the record already kept."""

    def name(self) -> str:
        return "action_start_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_start_again")
        return reset_introduction()


class ActionStop(Action):
    """Stops the conversation kindly; nothing is thrown away, and they can come back."""

    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_stopped")
        return [SlotSet("requested_slot", None)]


class ActionWelcomeBack(Action):
    """Greets a person whose introduction is finished, and offers what they can do now."""

    def name(self) -> str:
        return "action_welcome_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("consent") == "no":
            text = ("Hello again. I'm not keeping anything you tell me. If you'd like the Hub "
                    "team to help, say \"start again\".")
        else:
            text = "Welcome back. The Hub team has what you told me before. What would you like to do?"
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": "Start fresh", "payload": "/start_again"},
                {"title": "Talk to a person", "payload": "/ask_human"},
                {"title": "Help now", "payload": "/get_help_now"},
            ],
        )
        return []
