"""The summary read back to the person, and the card the Hub worker sees.

One function builds the facts from the conversation's slots, so what the person agrees to
and what the Hub sees cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation.flow import SKIPPED
from bot.taxonomy import need_label, strength_label

MAX_QUOTE = 90


def _answer(value: Any) -> str | None:
    if value in (None, "", SKIPPED):
        return None
    return str(value).strip()


def _short(text: str, limit: int = MAX_QUOTE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def summary_facts(slots: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the person said that the Hub needs, as plain data (codes plus own words)."""
    return {
        "introduced_by": "someone_else" if slots.get("introducer") == "someone_else" else "self",
        "relationship": _answer(slots.get("relationship")),
        "person_agrees": slots.get("person_agrees"),
        "introducer_contact": _answer(slots.get("introducer_contact")),
        "person_contact": _answer(slots.get("person_contact")),
        "story": _answer(slots.get("story")),
        "needs": list(slots.get("needs") or []),
        "what_matters": _answer(slots.get("what_matters")),
        "strengths": list(slots.get("strengths") or []),
        "strengths_text": _answer(slots.get("strengths_text")),
        "connections": _answer(slots.get("connections")),
        "offers_given": list(slots.get("offers_given") or []),
        "offer_chosen": _answer(slots.get("offer_choice")) if slots.get("offer_choice") != "none" else None,
        "contact_preference": _answer(slots.get("contact_preference")),
        "consent": slots.get("consent") == "yes",
        "risk_level": slots.get("risk_flag") or slots.get("risk_level") or "none",
    }


def read_back(slots: Mapping[str, Any]) -> str:
    """A short read-back of what the person said, for them to check (fits a few SMS)."""
    facts = summary_facts(slots)
    them = facts["introduced_by"] == "someone_else"
    lines = ["Here's what I've noted:"]
    if facts["needs"]:
        lines.append("Help with: " + ", ".join(need_label(c).lower() for c in facts["needs"]) + ".")
    elif facts["story"]:
        lines.append(f"What's going on: \"{_short(facts['story'])}\"")
    if facts["what_matters"]:
        lines.append(f"What matters: \"{_short(facts['what_matters'])}\"")
    if facts["strengths"]:
        label = "They enjoy" if them else "You enjoy"
        lines.append(f"{label}: " + ", ".join(strength_label(c).lower() for c in facts["strengths"]) + ".")
    elif facts["strengths_text"]:
        lines.append(f"Good at or enjoy: \"{_short(facts['strengths_text'])}\"")
    if facts["offer_chosen"]:
        lines.append(f"You chose: {_short(facts['offer_chosen'], 60)}")
    if facts["connections"]:
        lines.append(f"Who's around: \"{_short(facts['connections'], 60)}\"")
    if facts["contact_preference"]:
        lines.append(f"Contact: \"{_short(facts['contact_preference'], 60)}\"")
    if len(lines) == 1:
        lines.append("Nothing yet, and that's OK.")
    lines.append("Is that right?")
    return "\n".join(lines)
