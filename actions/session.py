"""Session start: carry the person's answers over, but never a half-asked question.

Rasa's default carries every slot, including ``requested_slot``, into a new session, so a
person's first "hi" after a gap would be taken as the answer to the old question. We carry
everything else, and mark a person with an unfinished introduction as ``returning`` so they
are asked whether to pick up where they left off.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

_NOT_CARRIED = {"requested_slot", "session_started_metadata", "returning", "resume_choice"}
_ANSWERS = ("introducer", "story", "what_matters", "strengths_text", "connections", "contact_preference")


class ActionSessionStart(Action):
    """Starts a session like Rasa does, minus the half-asked question."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        carried = [SlotSet(name, value) for name, value in tracker.slots.items()
                   if name not in _NOT_CARRIED and value is not None]
        returning = (
            tracker.get_slot("consent") == "yes"
            and not tracker.get_slot("introduction_done")
            and any(tracker.get_slot(name) is not None for name in _ANSWERS)
        )
        return [SessionStarted(), *carried, SlotSet("returning", returning), ActionExecuted("action_listen")]
