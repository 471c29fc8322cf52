"""Start again, stop, go back, and welcoming back a person who has been here before."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.conversation.flow import INTRODUCTION_SLOTS, previous_question


def reset_introduction() -> list[EventType]:
    """Clears the introduction but never the risk flag: the Hub must still see it."""
    events = [SlotSet(name, None) for name in INTRODUCTION_SLOTS]
    events += [SlotSet("needs", []), SlotSet("strengths", []), SlotSet("offers_given", []),
               SlotSet("introduction_done", False), SlotSet("requested_slot", None)]
    return events


def questions_asked(tracker: Tracker) -> list[str]:
    """The questions of this introduction in the order they were asked (from the events)."""
    asked: list[str] = []
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "requested_slot" and event.get("value"):
            if not asked or asked[-1] != event["value"]:
                asked.append(str(event["value"]))
    return asked


class ActionStartAgain(Action):
    """Starts a new introduction; what was said before stays in the record already kept."""

    def name(self) -> str:
        return "action_start_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_start_again")
        return reset_introduction()


class ActionGoBack(Action):
    """"Go back": clears the answer to the last question so the form asks it again; every
    other answer stays. Going back to the offers shows the same ones again."""

    def name(self) -> str:
        return "action_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        current = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") else None
        previous = previous_question(questions_asked(tracker), current)
        if current is None or previous is None or previous in ("consent", "resume_choice"):
            dispatcher.utter_message(response="utter_go_back_nothing")
            # The question is asked again; offers asked again are the same ones, not others.
            return _forget_last_offers(tracker) if current == "offer_choice" else []
        dispatcher.utter_message(response="utter_go_back")
        events: list[EventType] = [SlotSet(previous, None), SlotSet("requested_slot", None)]
        if previous == "story":
            events.append(SlotSet("needs", []))
        if "offer_choice" in (previous, current):
            events += _forget_last_offers(tracker)
        return events


def _forget_last_offers(tracker: Tracker) -> list[EventType]:
    """Drop the offers shown last, so asking again shows the same ones, not "others"."""
    given = list(tracker.get_slot("offers_given") or [])
    last = max((int(o.get("round", 1)) for o in given), default=0)
    return [SlotSet("offers_given", [o for o in given if int(o.get("round", 1)) != last])]


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
            dispatcher.utter_message(response="utter_welcome_back_no_consent")
        else:
            dispatcher.utter_message(response="utter_welcome_back")
        return []
