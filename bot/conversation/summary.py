"""The summary read back to the person, and the card the Hub worker sees.

One function builds the facts from the conversation's slots, so what the person agrees to
and what the Hub sees cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation.flow import SKIPPED
from bot.conversation.heard import join_words, need_words
from bot.taxonomy import strength_label

MAX_QUOTE = 90


def _answer(value: Any) -> str | None:
    if value in (None, "", SKIPPED):
        return None
    return str(value).strip()


def _shorten(text: str, limit: int = MAX_QUOTE) -> str:
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
        "postcode": _answer(slots.get("postcode")),
        "carer_support": slots.get("carer_support"),
        "consent": slots.get("consent") == "yes",
        "risk_level": slots.get("risk_flag") or slots.get("risk_level") or "none",
    }


def read_back(slots: Mapping[str, Any], channel: str | None = None) -> str:
    """A short read-back of what the person said, in their own words, for them to check.

    The labels are responses in domain.yml (``utter_summary_*``); the needs are shown as
    well as the words, so a wrong one can be seen and taken off.
    """
    from bot.conversation.words import render

    facts = summary_facts(slots)
    them = facts["introduced_by"] == "someone_else"
    sms = channel == "twilio"
    quote = 40 if sms else MAX_QUOTE  # by text the read-back and its reply line fit three segments

    def _short(text: str, limit: int = quote) -> str:
        return _shorten(text, min(limit, quote))

    def line(name: str, words: str | None = None) -> str:
        return render(name, channel=channel, words=words) if words is not None else render(name, channel=channel)

    lines = [line("utter_summary_heading")]
    if facts["story"]:
        lines.append(line("utter_summary_story_them" if them else "utter_summary_story", _short(facts["story"])))
    heard = need_words(facts["needs"], channel)
    if heard:
        lines.append(line("utter_summary_needs", join_words(heard)))
    if facts["what_matters"]:
        lines.append(line("utter_summary_what_matters", _short(facts["what_matters"])))
    if facts["strengths_text"]:
        lines.append(line("utter_summary_strengths", _short(facts["strengths_text"], 60)))
    elif facts["strengths"]:
        lines.append(line("utter_summary_strengths", ", ".join(strength_label(c).lower() for c in facts["strengths"])))
    if facts["offer_chosen"] and not sms:  # by text it was confirmed when chosen
        lines.append(line("utter_summary_offer", _short(facts["offer_chosen"], 40)))
    if facts["connections"]:
        lines.append(line("utter_summary_connections", _short(facts["connections"], 60)))
    if facts["contact_preference"]:
        lines.append(line("utter_summary_contact", _short(facts["contact_preference"], 60)))
    if facts["carer_support"] == "yes":
        lines.append(line("utter_summary_carer"))
    if len(lines) == 1:
        lines.append(line("utter_summary_nothing"))
    lines.append(line("utter_summary_question"))
    return "\n".join(lines)
