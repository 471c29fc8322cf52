"""The optional "about you" questions after an introduction: offer, form, keeping (bot.insights.about_you)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.insights import about_you

logger = logging.getLogger(__name__)

_SLOTS = (*about_you.QUESTIONS, "about_you_previous")


def _answers(tracker: Tracker, updates: dict[str, Any] | None = None) -> dict[str, Any]:
    slots = {name: tracker.get_slot(name) for name in about_you.QUESTIONS}
    slots.update(updates or {})
    return slots


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _clear() -> list[EventType]:
    return [SlotSet(name, None) for name in _SLOTS]


class ActionOfferAboutYou(Action):
    """Asks whether the person will answer the optional questions (only with consent)."""

    def name(self) -> str:
        return "action_offer_about_you"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("consent") != "yes" or not tracker.get_slot("introduction_id"):
            return []
        try:
            previous = about_you.previous_answers(tracker.sender_id)
        except Exception:  # the database being down only means we do not ask
            logger.exception("Could not read earlier answers; not offering the questions")
            return []
        dispatcher.utter_message(response="utter_ask_about_you")
        return [*_clear(), SlotSet("about_you_previous", previous)]


class ValidateAboutYouForm(FormValidationAction):
    """Reads each answer; a skip is accepted everywhere; an unclear answer is asked once more."""

    def name(self) -> str:
        return "validate_about_you_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        return about_you.questions_for(_answers(tracker), tracker.get_slot("about_you_previous"))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        # After crisis contacts (SafetyPolicy returns to the active form) the questions end:
        # nobody in crisis is asked their age next.
        if _latest_intent(tracker) == "risk_high":
            return [SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    def read(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """One answer: the code, skipped, or asked once more when unclear."""
        text = (tracker.latest_message or {}).get("text") or str(value or "")
        answer = value if value == about_you.SKIPPED else about_you.read_answer(slot, text, _answers(tracker))
        previous = tracker.get_slot("about_you_previous") or {}
        if answer is None and not previous.get(f"_asked_again_{slot}"):
            dispatcher.utter_message(response="utter_about_you_not_understood")
            return {slot: None, "about_you_previous": dict(previous, **{f"_asked_again_{slot}": True})}
        # Unclear twice: taken as skipped, so nobody is kept going round.
        updates: dict[str, Any] = {slot: about_you.SKIPPED if answer is None else answer}
        if slot == "about_you_ethnic_group" and updates[slot] == about_you.SKIPPED:
            updates["about_you_ethnicity"] = about_you.SKIPPED
        return updates


def _validator(slot: str):
    async def validate(self: ValidateAboutYouForm, value: Any, dispatcher: CollectingDispatcher,
                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.read(slot, value, dispatcher, tracker)
    return validate


for _slot in about_you.QUESTIONS:  # rasa_sdk calls validate_<slot> for each answer
    setattr(ValidateAboutYouForm, f"validate_{_slot}", _validator(_slot))


class ActionAskAboutYouEthnicity(Action):
    """The detailed census question for the group the person chose."""

    def name(self) -> str:
        return "action_ask_about_you_ethnicity"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        group = tracker.get_slot("about_you_ethnic_group")
        dispatcher.utter_message(response=f"utter_about_you_ethnicity_{group}")
        return []


class ActionAboutYouDone(Action):
    """Keeps the answers (codes only) in their own table and thanks the person."""

    def name(self) -> str:
        return "action_about_you_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if _latest_intent(tracker) == "risk_high":  # ended by risk: nothing kept, nothing more said
            return _clear()
        previous = {k: v for k, v in (tracker.get_slot("about_you_previous") or {}).items()
                    if not k.startswith("_")}
        try:
            about_you.save_answers(int(tracker.get_slot("introduction_id")), _answers(tracker), previous or None)
        except Exception:
            logger.exception("Could not keep the about-you answers")
        dispatcher.utter_message(response="utter_about_you_thanks")
        return _clear()


class ActionAboutYouStop(Action):
    """The person said stop: nothing from these questions is kept."""

    def name(self) -> str:
        return "action_about_you_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_about_you_stopped")
        return _clear()
