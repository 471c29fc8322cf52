"""The person's messages in one introduction, as times and counts only, for the insights.

The front door is judged on the time from a person's first message to a human contact, and on
how often the assistant did not understand them. Both need what happened before consent (the
first message), so the action server reads them from the conversation's events when it writes
the introduction row (which it only does with consent): the time of each message in words and
whether the assistant was unsure about it. No words are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True)
class Turns:
    """Each of the person's messages in words in this introduction: (when, naive UTC; unsure?)."""

    said: list[tuple[datetime, bool]] = field(default_factory=list)

    @property
    def first_at(self) -> datetime | None:
        return self.said[0][0] if self.said else None


def is_unsure(event: dict[str, Any], confidence_below: float) -> bool:
    """The assistant could not tell what the message meant (``nlu_fallback``) or was unsure
    (its top intent below ``confidence_below``, the review inbox's setting)."""
    intent = (event.get("parse_data") or {}).get("intent") or {}
    if intent.get("name") == "nlu_fallback":
        return True
    confidence = intent.get("confidence")
    return isinstance(confidence, (int, float)) and confidence < confidence_below


def _starts_again(event: dict[str, Any]) -> bool:
    """A new introduction begins after a restart or once the previous one is cleared."""
    if event.get("event") == "restart":
        return True
    return event.get("event") == "slot" and event.get("name") == "introduction_id" and event.get("value") is None


def introduction_turns(events: Iterable[dict[str, Any]], confidence_below: float) -> Turns:
    """The person's messages in words (not button presses) since this introduction began.

    Rasa hands the action server the current session only: a person who picks their
    introduction up in a later session is counted on from there (``save_introduction`` adds
    only messages after the last one counted, and keeps the earliest first message).
    """
    said: list[tuple[datetime, bool]] = []
    for event in events:
        if _starts_again(event):
            said = []
            continue
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "")
        if not text.strip() or text.startswith("/") or event.get("timestamp") is None:
            continue
        at = datetime.fromtimestamp(float(event["timestamp"]), timezone.utc).replace(tzinfo=None)
        said.append((at, is_unsure(event, confidence_below)))
    return Turns(said)
