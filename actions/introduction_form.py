"""Validation of the introduction form: reads answers, picks needs and strengths, saves."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.tracker_helpers import channel_of, current_slots, latest_entity_values
from bot.conversation import answers
from bot.conversation.flow import CORRECTABLE_PARTS, INTRODUCTION_SLOTS, SKIPPED
from bot.conversation.flow import required_slots as flow_required_slots
from bot.conversation.records import save_introduction
from bot.conversation.signposting import latest_round, read_choice

logger = logging.getLogger(__name__)

LONG_MESSAGE = 1200
_PART_WORDS = {
    "story": ("story", "going on", "happened", "problem", "what's been"),
    "what_matters": ("matter", "different", "want", "goal"),
    "strengths_text": ("enjoy", "good at", "strength", "hobby", "hobbies", "like doing", "helped"),
    "connections": ("around", "family", "friend", "who", "people", "support"),
    "contact_preference": ("contact", "phone", "number", "email", "call", "text", "when"),
}


def _merge(existing: list[str] | None, new: list[str]) -> list[str]:
    merged = list(existing or [])
    for code in new:
        if code not in merged:
            merged.append(code)
    return merged


def _is_returning(tracker: Tracker) -> bool:
    """A person who came back with an unfinished introduction and has not yet chosen."""
    return bool(tracker.get_slot("returning"))


def _just_asked(tracker: Tracker, slot: str) -> bool:
    """True when this answer replies to the question just asked (not a re-check of old answers
    when the form starts again), so thanks and explanations are said once."""
    return tracker.get_slot("requested_slot") == slot


class ValidateIntroductionForm(FormValidationAction):
    """Checks each answer; a skip is accepted everywhere; records are saved as we go."""

    def name(self) -> str:
        return "validate_introduction_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        slots = current_slots(tracker)
        return flow_required_slots(slots, returning=_is_returning(tracker), offers_enabled=True)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        updates = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        slots = current_slots(tracker, updates)
        if slots.get("consent") == "yes":
            try:
                intro_id = await asyncio.to_thread(
                    save_introduction, tracker.sender_id, channel_of(tracker), slots,
                    introduction_id=int(slots["introduction_id"]) if slots.get("introduction_id") else None,
                )
            except Exception:  # the database being down must never stop the conversation
                logger.exception("Could not save the introduction; it will be saved on the next turn")
                intro_id = None
            if intro_id is not None and intro_id != slots.get("introduction_id"):
                events.append(SlotSet("introduction_id", float(intro_id)))
        return events

    # --- one validator per question -------------------------------------------------

    def validate_resume_choice(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        choice = value if value in ("continue", "fresh") else None
        if choice is None:
            said = answers.yes_or_no(str(value))
            choice = "continue" if said == "yes" else "fresh" if said == "no" else None
        if choice is None:
            text = str(value).lower()
            choice = "fresh" if ("fresh" in text or "new" in text or "again" in text) else (
                "continue" if ("pick" in text or "carry" in text or "continue" in text) else None)
        if choice == "fresh":
            cleared = {name: None for name in INTRODUCTION_SLOTS}
            cleared.update({"resume_choice": "fresh", "consent": "yes", "introduction_done": False,
                            "returning": False,
                            "needs": [], "strengths": [], "offers_given": []})
            dispatcher.utter_message(response="utter_start_again")
            return cleared
        if choice == "continue":
            dispatcher.utter_message(response="utter_carry_on")
            return {"resume_choice": choice, "returning": False}
        return {"resume_choice": None}

    def validate_consent(self, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        said = value if value in ("yes", "no") else answers.yes_or_no(str(value))
        asked = _just_asked(tracker, "consent")
        if said == "yes":
            if asked:
                dispatcher.utter_message(response="utter_consent_given")
            return {"consent": "yes"}
        if said == "no":
            if asked:
                dispatcher.utter_message(response="utter_consent_declined")
            return {"consent": "no"}
        dispatcher.utter_message(response="utter_consent_explain")
        return {"consent": None}

    def validate_introducer(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value in ("self", "someone_else"):
            return {"introducer": value}
        text = str(value)
        who = answers.who_for(text)
        if who is not None and len(text.split()) <= 8:
            return {"introducer": who}
        if len(text.split()) > 8:
            # They started telling their story: keep it, so they never say it twice.
            result: dict[str, Any] = {"introducer": who or "self"}
            result.update(self._story_updates(text, tracker))
            return result
        return {"introducer": None}

    def validate_relationship(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"relationship": self._free_text(value, dispatcher, _just_asked(tracker, "relationship"))}

    def validate_person_agrees(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        said = value if value in ("yes", "no", SKIPPED) else (answers.yes_or_no(str(value)) or "unsure")
        if said == "no":
            dispatcher.utter_message(response="utter_person_not_agreed")
        return {"person_agrees": said}

    def validate_introducer_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"introducer_contact": self._free_text(value, dispatcher, _just_asked(tracker, "introducer_contact"))}

    def validate_person_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"person_contact": self._free_text(value, dispatcher, _just_asked(tracker, "person_contact"))}

    def validate_story(self, value: Any, dispatcher: CollectingDispatcher,
                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value == SKIPPED:
            if _just_asked(tracker, "story"):
                dispatcher.utter_message(response="utter_skipped")
            return {"story": SKIPPED}
        text = str(value)
        if not answers.has_words(text):
            dispatcher.utter_message(response="utter_story_too_short")
            return {"story": None}
        if _just_asked(tracker, "story") and len(text) > LONG_MESSAGE:
            dispatcher.utter_message(response="utter_long_message")
        elif _just_asked(tracker, "story"):
            dispatcher.utter_message(response="utter_thanks_for_sharing")
        return self._story_updates(text, tracker)

    def validate_what_matters(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = self._free_text(value, dispatcher, _just_asked(tracker, "what_matters"))
        result: dict[str, Any] = {"what_matters": text}
        if text not in (None, SKIPPED):
            result["needs"] = _merge(tracker.get_slot("needs"), latest_entity_values(tracker, "need"))
        return result

    def validate_strengths_text(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = self._free_text(value, dispatcher, _just_asked(tracker, "strengths_text"))
        result: dict[str, Any] = {"strengths_text": text}
        if text not in (None, SKIPPED):
            result["strengths"] = _merge(tracker.get_slot("strengths"),
                                         latest_entity_values(tracker, "strength"))
        return result

    def validate_connections(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = self._free_text(value, dispatcher, _just_asked(tracker, "connections"))
        result: dict[str, Any] = {"connections": text}
        if text not in (None, SKIPPED):
            needs = latest_entity_values(tracker, "need")
            if any(w in text.lower() for w in ("no one", "nobody", "noone", "no-one", "on my own", "alone")):
                needs.append("connection")
            result["needs"] = _merge(tracker.get_slot("needs"), [n for n in needs if n == "connection"])
        return result

    async def validate_offer_choice(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value == "none":
            dispatcher.utter_message(text="That's OK. The Hub team can look at other ideas with you.")
            return {"offer_choice": "none"}
        shown = latest_round(list(tracker.get_slot("offers_given") or []))
        if not shown:
            return {"offer_choice": "none"}
        choice = read_choice(str(value), shown)
        if choice == "none":
            dispatcher.utter_message(text="That's OK. The Hub team can look at other ideas with you.")
            return {"offer_choice": "none"}
        if choice == "more":
            from actions.offers import next_offers

            try:
                more = await asyncio.to_thread(next_offers, tracker)
            except Exception:
                more = []
            if not more:
                dispatcher.utter_message(text="That's all I have that fits right now. The Hub team can look "
                                              "with you.")
                return {"offer_choice": "none"}
            return {"offer_choice": None}  # asked again with the next offers
        if isinstance(choice, dict):
            dispatcher.utter_message(text=f"Good choice. {choice['text']}")
            return {"offer_choice": choice["name"]}
        dispatcher.utter_message(text="Sorry, which one? Reply with its number, \"more\" or \"none\".")
        return {"offer_choice": None}

    def validate_contact_preference(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"contact_preference": self._free_text(value, dispatcher, _just_asked(tracker, "contact_preference"))}

    def validate_summary_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value in ("yes", "change"):
            return {"summary_confirmed": value}
        said = answers.yes_or_no(str(value))
        return {"summary_confirmed": "yes" if said == "yes" else "change"}

    def validate_summary_part(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        part = value if value in CORRECTABLE_PARTS else None
        if part is None:
            text = str(value).lower()
            part = next((p for p, words in _PART_WORDS.items() if any(w in text for w in words)), None)
        if part is None:
            return {"summary_part": None}
        # Clear the part and the confirmation: the form asks that question again, then
        # reads the summary back once more.
        return {CORRECTABLE_PARTS[part]: None, "summary_confirmed": None, "summary_part": None}

    # --- helpers --------------------------------------------------------------------

    @staticmethod
    def _free_text(value: Any, dispatcher: CollectingDispatcher, asked: bool = True) -> str | None:
        if value == SKIPPED or answers.is_skip(str(value)):
            if asked:
                dispatcher.utter_message(response="utter_skipped")
            return SKIPPED
        text = str(value).strip()
        return text if answers.has_words(text) else None

    @staticmethod
    def _story_updates(text: str, tracker: Tracker) -> dict[str, Any]:
        return {
            "story": text,
            "needs": _merge(tracker.get_slot("needs"), latest_entity_values(tracker, "need")),
        }
