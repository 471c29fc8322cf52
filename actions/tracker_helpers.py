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
    """The input channel of the latest message ("rest", "twilio", "webchat", ...)."""
    return tracker.get_latest_input_channel() or "rest"


def current_slots(tracker: Tracker, updates: dict[str, Any] | None = None) -> dict[str, Any]:
    """The introduction slots with pending updates applied on top."""
    slots = {name: tracker.get_slot(name) for name in INTRODUCTION_SLOTS}
    for name in ("risk_level", "risk_flag", "young_person"):
        slots[name] = tracker.get_slot(name)
    if updates:
        slots.update(updates)
    return slots
