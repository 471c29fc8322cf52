"""Validation of the introduction form: translates between Rasa and ``bot.conversation``.

Reading answers lives in ``bot.conversation.answers`` (word boundaries, tested); the order
of questions in ``bot.conversation.flow``; every word the person reads in ``domain.yml``.
"""

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
from bot.config import settings
from bot.conversation import answers
from bot.conversation.flow import CORRECTABLE_PARTS, INTRODUCTION_SLOTS, SKIPPED
from bot.conversation.flow import required_slots as flow_required_slots
from bot.conversation.records import save_carer_introduction, save_introduction
from bot.conversation.set_aside import set_aside
from bot.conversation.signposting import latest_round, read_choice
from bot.conversation.turns import introduction_turns
from bot.conversation.words import render

logger = logging.getLogger(__name__)

LONG_MESSAGE = 1200


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


def _latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _asked_which_already(tracker: Tracker) -> bool:
    """True when the last thing the assistant said was "Sorry, which one?": a second reply we
    cannot read moves the introduction on rather than asking a third time."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action") == "utter_offer_which"
    return False


def _who_from(text: str, tracker: Tracker) -> dict[str, Any]:
    """Who the introduction is for, and who they are to the person writing, when the words
    say so and nobody has answered yet ("my dad": someone else, and "dad")."""
    updates: dict[str, Any] = {}
    introducer = tracker.get_slot("introducer")
    if introducer is None:
        introducer = answers.story_about(text)
        if introducer is not None:
            updates["introducer"] = introducer
    relation = answers.relationship_in(text)
    if introducer == "someone_else" and relation and tracker.get_slot("relationship") is None:
        updates["relationship"] = f"writing about my {relation}"  # their words, as the Hub reads it
    return updates


def _is_story(tracker: Tracker, text: str) -> bool:
    return answers.looks_like_story(text, intent=_latest_intent(tracker),
                                    has_need=bool(latest_entity_values(tracker, "need")))


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
        opening: list[EventType] = []
        for kept in (self._set_aside_story, self._opening_story):  # in order: each sees the last
            found = kept(tracker)
            if found:
                tracker.add_slots(found)
                opening += found
        events = opening + await super().run(dispatcher, tracker, domain)
        updates = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        slots = current_slots(tracker, updates)
        if slots.get("consent") == "yes":
            try:
                intro_id = await asyncio.to_thread(
                    save_introduction, tracker.sender_id, channel_of(tracker), slots,
                    introduction_id=int(slots["introduction_id"]) if slots.get("introduction_id") else None,
                    turns=introduction_turns(tracker.events, settings().review_confidence_below),
                )
            except Exception:  # the database being down must never stop the conversation
                logger.exception("Could not save the introduction; it will be saved on the next turn")
                intro_id = None
            if intro_id is not None and intro_id != slots.get("introduction_id"):
                events.append(SlotSet("introduction_id", float(intro_id)))
        return events

    def _opening_story(self, tracker: Tracker) -> list[EventType]:
        """The story told in the very first message (before any question), kept so it is not
        asked again. Nothing reaches the database until the person says yes to consent."""
        # Nothing asked yet (Rasa shows the form itself as the latest action here, so the
        # test is on the slots): the message that opened the introduction.
        if (tracker.get_slot("requested_slot") is not None or tracker.get_slot("story") is not None
                or tracker.get_slot("consent") is not None or _is_returning(tracker)):
            return []
        text = _latest_text(tracker)
        if not _is_story(tracker, text):
            # "Hi, I'm texting about my dad": not yet a story, but it says who it is for, so
            # the safety question and everything after it are asked about him, not her.
            if tracker.get_slot("introducer") is None and answers.story_about(text) == "someone_else":
                return [SlotSet(name, value) for name, value in _who_from(text, tracker).items()]
            return []
        return [SlotSet(name, value) for name, value in self._story_updates(text, tracker).items()]

    @staticmethod
    def _set_aside_story(tracker: Tracker) -> list[EventType]:
        """Words that paused the introduction for the safety question, added to the story."""
        story = tracker.get_slot("story")
        story = None if story == SKIPPED else story
        found = set_aside(tracker.events, story)
        if not found.texts:
            return []
        told = "\n".join([story, *found.texts] if story else found.texts)
        updates: dict[str, Any] = {
            "story": told,
            "needs": _merge(tracker.get_slot("needs"), found.needs),
            "strengths": _merge(tracker.get_slot("strengths"), found.strengths),
        }
        updates.update(_who_from(told, tracker))
        if tracker.get_slot("consent") is None and found.form_ran_before:
            updates["consent_asked"] = "yes"  # consent is asked again after the safety question
        return [SlotSet(name, value) for name, value in updates.items()]

    # --- one validator per question -------------------------------------------------

    def validate_resume_choice(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        choice = value if value in ("continue", "fresh") else None
        if choice is None:
            said = answers.yes_or_no(str(value))
            choice = "continue" if said == "yes" else "fresh" if said == "no" else None
        if choice is None:
            choice = answers.resume_choice(str(value))
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
        latest = _latest_text(tracker)
        if (asked and said in ("yes", "no") and answers.yes_or_no(latest) is None
                and tracker.get_slot("story") is None and _is_story(tracker, latest)):
            said, value = None, latest  # a story the classifier took for yes or no
        if said == "yes":
            if asked:
                dispatcher.utter_message(response="utter_consent_given")
            return {"consent": "yes"}
        if said == "no":
            if asked:
                dispatcher.utter_message(response="utter_consent_declined")
            return {"consent": "no"}
        text = str(value)
        if answers.asks_meaning(text):
            dispatcher.utter_message(response="utter_consent_meaning")
            return {"consent": None, "consent_asked": "yes"}
        if tracker.get_slot("story") is None and _is_story(tracker, text):
            # They told their story instead of answering: keep it, never ask for it again.
            dispatcher.utter_message(response="utter_consent_after_story")
            result: dict[str, Any] = {"consent": None, "consent_asked": "yes"}
            result.update(self._story_updates(text, tracker))
            return result
        dispatcher.utter_message(response="utter_consent_explain")
        return {"consent": None, "consent_asked": "yes"}

    def validate_introducer(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value in ("self", "someone_else"):
            return {"introducer": value}
        text = str(value)
        who = answers.who_for(text)
        if who is not None and len(text.split()) <= 8:
            return {"introducer": who}
        if len(text.split()) > 8:
            # More of their story: keep it with what they said before.
            story = tracker.get_slot("story")
            told = text if story in (None, SKIPPED) else f"{story}\n{text}"
            result: dict[str, Any] = {"introducer": answers.story_about(text) or who or "self"}
            result.update(self._story_updates(told, tracker))
            return result
        return {"introducer": None}

    def validate_relationship(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        told_more = latest_entity_values(tracker, "need") or latest_entity_values(tracker, "strength")
        if value != SKIPPED and told_more and not answers.names_a_relationship(text):
            # "he loves bowls and he's a great cook": more about them, not how you know them.
            # Kept with the story (what they enjoy can fit offers); the question is not asked again.
            story = tracker.get_slot("story")
            result: dict[str, Any] = self._story_updates(text if story in (None, SKIPPED) else f"{story}\n{text}",
                                                         tracker)
            dispatcher.utter_message(response="utter_kept_with_story")
            result["relationship"] = SKIPPED
            return result
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
        who = answers.who_for(text)
        if who is not None and len(text.split()) <= 3:
            # "for my son" answers who it is for, not what is going on: ask the story again.
            return {"story": None, "introducer": who}
        if _just_asked(tracker, "story") and len(text) > LONG_MESSAGE:
            dispatcher.utter_message(response="utter_long_message")
        return self._story_updates(text, tracker)

    def validate_what_matters(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = self._free_text(value, dispatcher, _just_asked(tracker, "what_matters"))
        result: dict[str, Any] = {"what_matters": text}
        if text not in (None, SKIPPED):
            result["needs"] = _merge(tracker.get_slot("needs"), latest_entity_values(tracker, "need"))
            result["strengths"] = _merge(tracker.get_slot("strengths"),
                                         latest_entity_values(tracker, "strength"))
        return result

    def validate_strengths_text(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = self._free_text(value, dispatcher, _just_asked(tracker, "strengths_text"))
        result: dict[str, Any] = {"strengths_text": text}
        if text not in (None, SKIPPED):
            new = [c for c in latest_entity_values(tracker, "strength")
                   if c not in (tracker.get_slot("strengths") or [])]
            result["strengths"] = _merge(tracker.get_slot("strengths"), new)
            if new and _just_asked(tracker, "strengths_text") and tracker.get_slot("offer_choice") is not None:
                result.update(self._offer_for_interest(new, dispatcher, tracker))
        return result

    @staticmethod
    def _offer_for_interest(strengths: list[str], dispatcher: CollectingDispatcher,
                            tracker: Tracker) -> dict[str, Any]:
        """One more idea once we know what they enjoy (offers came early, before we knew):
        a place that fits the interest, not shown before. No answer is needed."""
        from actions.offers import interest_offer

        try:
            offer = interest_offer(tracker, strengths)
        except Exception:  # the directory being down must not stop the introduction
            logger.exception("Could not search the directory for an interest")
            return {}
        if offer is None:
            return {}
        them = tracker.get_slot("introducer") == "someone_else"
        dispatcher.utter_message(text=render("utter_offer_for_interest_them" if them else "utter_offer_for_interest",
                                             channel=channel_of(tracker), offer=offer["text"]))
        return {"offers_given": list(tracker.get_slot("offers_given") or []) + [offer]}

    def validate_connections(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = self._free_text(value, dispatcher, _just_asked(tracker, "connections"))
        result: dict[str, Any] = {"connections": text}
        if text not in (None, SKIPPED) and answers.is_alone(text):
            result["needs"] = _merge(tracker.get_slot("needs"), ["connection"])
        return result

    async def validate_offer_choice(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if not _just_asked(tracker, "offer_choice") and value is not None and value == tracker.get_slot("offer_choice"):
            # Checked again when the form starts again (after the safety questions): the
            # choice was confirmed when it was made, so nothing is said twice.
            return {"offer_choice": value}
        if value == "none":
            dispatcher.utter_message(response="utter_offer_none")
            return {"offer_choice": "none"}
        shown = latest_round(list(tracker.get_slot("offers_given") or []))
        if not shown:
            return {"offer_choice": "none"}
        text = str(value)
        place = answers.postcode(text)
        if place and not read_choice(text, shown):
            # Nearer places: the offers are searched again for this area.
            return {"offer_choice": None, "postcode": place}
        choice = read_choice(text, shown)
        if choice == "none":
            dispatcher.utter_message(response="utter_offer_none")
            return {"offer_choice": "none"}
        if choice == "more":
            from actions.offers import next_offers

            try:
                more = await asyncio.to_thread(next_offers, tracker)
            except Exception:
                more = []
            if not more:
                dispatcher.utter_message(response="utter_offer_no_more")
                return {"offer_choice": "none"}
            return {"offer_choice": None}  # asked again with the next offers
        if isinstance(choice, dict):
            dispatcher.utter_message(response="utter_offer_chosen", offer=choice["text"])
            return {"offer_choice": choice["name"]}
        if answers.is_skip(text) or answers.yes_or_no(text) == "no":
            dispatcher.utter_message(response="utter_offer_none")
            return {"offer_choice": "none"}
        return self._more_at_the_offers(text, dispatcher, tracker)

    def _more_at_the_offers(self, text: str, dispatcher: CollectingDispatcher,
                            tracker: Tracker) -> dict[str, Any]:
        """Words at the offers that choose none of them: more of the story ("it's for my dad,
        he's stopped going out"), or what the person enjoys ("I like gardening"). They are
        kept with the story, never lost; if they say something new to match, the offers are
        searched again for it; otherwise the introduction goes on. A short reply we cannot
        read is asked about once, then the introduction goes on too."""
        known_needs = list(tracker.get_slot("needs") or [])
        known_strengths = list(tracker.get_slot("strengths") or [])
        new = [c for c in latest_entity_values(tracker, "need") if c not in known_needs]
        new += [c for c in latest_entity_values(tracker, "strength") if c not in known_strengths]
        if new or _is_story(tracker, text) or answers.who_for(text) is not None:
            story = tracker.get_slot("story")
            told = text if story in (None, SKIPPED) else f"{story}\n{text}"
            result: dict[str, Any] = self._story_updates(told, tracker)
            if answers.who_for(text) == "someone_else" and tracker.get_slot("introducer") is None:
                result["introducer"] = "someone_else"
            if new:
                dispatcher.utter_message(response="utter_offer_told_more")
                result["offer_choice"] = None  # asked again: offers searched for what they said
                result["offer_focus"] = new
            else:
                dispatcher.utter_message(response="utter_offer_kept_story")
                result["offer_choice"] = "none"
            return result
        if _asked_which_already(tracker):
            dispatcher.utter_message(response="utter_offer_none")
            return {"offer_choice": "none"}
        dispatcher.utter_message(response="utter_offer_which")
        return {"offer_choice": None}

    def validate_contact_preference(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"contact_preference": self._free_text(value, dispatcher, _just_asked(tracker, "contact_preference"))}

    def validate_carer_support(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        latest = _latest_text(tracker)
        words = latest if _just_asked(tracker, "carer_support") and not latest.startswith("/") else str(value)
        said = answers.yes_or_no(words) or (value if value in ("yes", "no", SKIPPED) else None)
        if said is None and answers.is_skip(words):
            said = SKIPPED
        if said is None:
            # "I'm exhausted, I could do with some help": more than a word is a yes in their words.
            said = "yes" if answers.has_words(words) and len(words.split()) > 3 else None
        if said is None:
            return {"carer_support": None}
        if said == "yes" and tracker.get_slot("consent") == "yes":
            try:
                save_carer_introduction(tracker.sender_id, channel_of(tracker),
                                        current_slots(tracker, {"carer_support": words}))
            except Exception:
                logger.exception("Could not save the carer's own introduction")
            dispatcher.utter_message(response="utter_carer_support_yes")
        return {"carer_support": "yes" if said == "yes" else said}

    def validate_summary_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        latest = _latest_text(tracker)
        typed = _just_asked(tracker, "summary_confirmed") and not latest.startswith("/")
        text = latest if typed else str(value)
        said, part = answers.summary_answer(text)
        if said is None and value in ("yes", "change"):
            said = value
        if part is not None:
            return self._clear_part(part, tracker)
        if said is None:
            dispatcher.utter_message(response="utter_summary_unclear")
            return {"summary_confirmed": None}
        return {"summary_confirmed": said}

    def validate_summary_part(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        part = value if value in CORRECTABLE_PARTS else answers.summary_part(str(value))
        if part is None:
            return {"summary_part": None}
        return self._clear_part(part, tracker)

    # --- helpers --------------------------------------------------------------------

    @staticmethod
    def _clear_part(part: str, tracker: Tracker) -> dict[str, Any]:
        """Clear the part and the confirmation: the form asks that question again, then reads
        the summary back once more. Changing the story (or "that's not what I need") starts
        the needs again from the new words, so a wrong need can be taken off."""
        result: dict[str, Any] = {CORRECTABLE_PARTS[part]: None, "summary_confirmed": None,
                                  "summary_part": None}
        if part in ("story", "needs"):
            result["needs"] = []
        return result

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
        updates: dict[str, Any] = {
            "story": text,
            "needs": _merge(tracker.get_slot("needs"), latest_entity_values(tracker, "need")),
            "strengths": _merge(tracker.get_slot("strengths"), latest_entity_values(tracker, "strength")),
        }
        updates.update(_who_from(text, tracker))
        return updates
