"""Small readers of the rasa-sdk tracker shared by the actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.conversation.flow import INTRODUCTION_SLOTS


def latest_entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of one entity type in the person's latest message, in order, no repeats."""
    values: list[str] = []
    for item in tracker.latest_message.get("entities", []) or []:
        if item.get("entity") == entity and item.get("value") not in values:
            values.append(str(item.get("value")))
    return values


def channel_of(tracker: Tracker) -> str:
    """The person's channel ("rest", "twilio", "webchat", ...): the one named by the
    conversation id (``sms:...`` is SMS, whatever a message claims), else for an old
    unprefixed id the input channel of the latest message."""
    from bot.channels.ids import channel_of_id

    return channel_of_id(tracker.sender_id or "") or tracker.get_latest_input_channel() or "rest"


def current_slots(tracker: Tracker, updates: dict[str, Any] | None = None) -> dict[str, Any]:
    """The introduction slots with pending updates applied on top."""
    slots = {name: tracker.get_slot(name) for name in INTRODUCTION_SLOTS}
    for name in ("risk_level", "risk_flag", "young_person", "postcode", "carer_support"):
        slots[name] = tracker.get_slot(name)
    if updates:
        slots.update(updates)
    return slots


def promise_for(channel: str, slots: dict[str, Any]):
    """The honest promise for this person: their wish about contact, and whether they gave
    details the Hub could use (a phone number by text is always known)."""
    from bot.conversation import answers
    from bot.handoff import current_promise

    wish = slots.get("contact_preference")
    wish = None if wish in (None, "skipped") else str(wish)
    given = " ".join(str(slots.get(name) or "") for name in
                     ("contact_preference", "introducer_contact", "person_contact"))
    return current_promise(channel, wish_text=wish, gave_contact=answers.has_contact_details(given))
