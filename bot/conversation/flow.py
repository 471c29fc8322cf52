"""Which question to ask next in the introduction, given what the person has said so far.

Kept apart from Rasa so the order of questions can be read and tested in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SKIPPED = "skipped"

# The slots that hold the introduction itself (cleared when a person starts fresh).
INTRODUCTION_SLOTS = (
    "consent",
    "consent_asked",
    "resume_choice",
    "introducer",
    "relationship",
    "person_agrees",
    "introducer_contact",
    "person_contact",
    "story",
    "what_matters",
    "strengths_text",
    "connections",
    "postcode",
    "offer_choice",
    "contact_preference",
    "carer_support",
    "summary_confirmed",
    "summary_part",
    "needs",
    "strengths",
    "offers_given",
    "introduction_id",
    "introduction_done",
    "returning",
)

# Parts of the summary a person can ask to change, with the slot that holds each.
CORRECTABLE_PARTS = {
    "story": "story",
    "what_matters": "what_matters",
    "strengths_text": "strengths_text",
    "connections": "connections",
    "contact_preference": "contact_preference",
    "needs": "story",
    "introducer_contact": "introducer_contact",
    "person_contact": "person_contact",
}


def required_slots(slots: Mapping[str, Any], *, returning: bool = False,
                   offers_enabled: bool = True) -> list[str]:
    """The questions of the introduction, in order, for this person.

    Something useful comes first: straight after consent and the story (often told in the
    very first message, and then not asked again) come the offers, then the question the
    Hub needs most (how and when to get in touch). The rest helps the Hub know the person
    and can be left at any point with what was said kept. A person who says no to consent
    is still asked what is going on (nothing is kept) and still gets offers.
    """
    order: list[str] = []
    if returning:
        order.append("resume_choice")
    order.append("consent")
    order.append("story")
    if slots.get("consent") == "no":
        return order + (["offer_choice"] if offers_enabled else [])
    # Offers come as soon as something is known that they can fit (a need, or what the person
    # enjoys). "It's for my dad" alone says nothing to match: then the offers wait until the
    # person has said what is going on or what matters, and come last if nothing ever is.
    offers_now = offers_enabled and (_knows_something(slots) or slots.get("offer_choice") is not None)
    if offers_now:
        order.append("offer_choice")
    order.append("introducer")
    if slots.get("introducer") == "someone_else":
        order += ["relationship", "person_agrees", "introducer_contact", "person_contact"]
    order.append("contact_preference")
    order += ["what_matters", "strengths_text", "connections"]
    if slots.get("introducer") == "someone_else":
        order.append("carer_support")
    if offers_enabled and not offers_now:
        order.append("offer_choice")
    order.append("summary_confirmed")
    if slots.get("summary_confirmed") == "change":
        order.append("summary_part")
    return order


def _knows_something(slots: Mapping[str, Any]) -> bool:
    """True when the offers have something to fit: a need, a strength, or offers already shown."""
    return bool(slots.get("needs") or slots.get("strengths") or slots.get("offers_given"))


def previous_question(asked: list[str], current: str | None) -> str | None:
    """The question asked before ``current`` (for "go back"), from the order they were asked."""
    seen = [name for name in asked if name and name != current]
    return seen[-1] if seen else None


def next_question(slots: Mapping[str, Any], **kwargs: Any) -> str | None:
    """The first question not yet answered (or skipped), or None when the form is done."""
    for name in required_slots(slots, **kwargs):
        if slots.get(name) is None:
            return name
    return None
