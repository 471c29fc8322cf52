"""The summary card: the handoff's facts as plain labels and the person's own words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.hub.queue import CHANNELS, REASONS, first_name
from bot.hub.triage import HIGH, NONE, POSSIBLE, TIER_WORDS, Triage
from bot.store.models import Handoff
from bot.taxonomy import need_label, strength_label


@dataclass
class Card:
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, value), shown in order
    needs: list[str] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    risk_level: str = "none"
    risk_reasons: list[str] = field(default_factory=list)
    risk_categories: list[str] = field(default_factory=list)
    risk_label: str = ""  # how serious, in words (bot/hub/triage.py)
    risk_words: list[str] = field(default_factory=list)  # the person's own words behind the reasons
    name: str = "Someone"  # their first name if they gave one
    assistant_risk_level: str = "none"  # the assistant's level, before any worker's change
    worker_risk_by: str | None = None  # who changed the level, when a worker did

TIER_BY_LEVEL = {"high": HIGH, "possible": POSSIBLE, "none": NONE}

# How the answer to "does the person know, and are they happy?" is stored (domain.yml slot
# person_agrees, actions/introduction_form.py: validate_person_agrees), in a worker's words.
# The question's "Not sure" button sends /skip, so "skipped" is "Not sure" too.
AGREES = {"yes": "Yes", "no": "No", "unsure": "Not sure", "skipped": "Not sure"}


def agreement(value: Any, words: str | None = None) -> str | None:
    """The stored answer exactly ("not sure" is never "Yes"), with the person's words if they typed them."""
    if value in (None, ""):
        return None
    if value is True or value is False:  # an older record kept a yes/no
        shown = "Yes" if value else "No"
    else:
        shown = AGREES.get(str(value).strip().lower(), str(value))
    if words and words.strip().lower() not in {shown.lower(), str(value).lower()}:
        return f'{shown}: "{words.strip()}"'
    return shown


def _fuller(stored: Any, words: str | None) -> str | None:
    """The stored answer, or the person's whole message when it says more (a contact with its number)."""
    text = _text(stored)
    if words and words.strip() and (text is None or (len(words.strip()) > len(text) and text in words)):
        return words.strip()
    return text


def _text(value: Any) -> str | None:
    if value in (None, "", [], {}):
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _offer_names(offers: Any) -> list[str]:
    """Offers are stored as the directory's dicts (id, name, round); show their names."""
    names = []
    for offer in offers or []:
        names.append(str(offer.get("name") or offer.get("id")) if isinstance(offer, dict) else str(offer))
    return names


def _chosen(chosen: Any, offers: Any) -> str | None:
    """The chosen offer by name when the slot holds its id."""
    if chosen in (None, ""):
        return None
    for offer in offers or []:
        if isinstance(offer, dict) and str(offer.get("id")) == str(chosen):
            return str(offer.get("name") or chosen)
    return str(chosen.get("name")) if isinstance(chosen, dict) else str(chosen)


def card(handoff: Handoff, answers: Mapping[str, str] | None = None, triage: Triage | None = None) -> Card:
    """Build the card from the handoff's summary JSON; anything missing is simply left out.

    ``answers`` are the person's own words per question, from the transcript
    (``transcript.answers_by_question``); ``triage`` is every risk seen in the conversation.
    """
    s: dict[str, Any] = dict(handoff.summary or {})
    answers = answers or {}
    risk = s.get("risk") or {}
    reasons = list(triage.reasons) if triage and triage.reasons else [str(r) for r in risk.get("reasons") or []]
    level = str(risk.get("level") or handoff.risk_level or s.get("risk_level") or "none")
    if triage is not None and triage.level in ("high", "possible") and level != "high":
        level = triage.level
    assistant_level = level
    label = triage.label if triage is not None and triage.reasons else ""
    if handoff.worker_risk_level in TIER_BY_LEVEL:  # a worker's own judgement is what the card shows
        level = handoff.worker_risk_level
        label = TIER_WORDS[TIER_BY_LEVEL[level]]
    result = Card(
        needs=[need_label(c) for c in s.get("needs") or []],
        strengths=[strength_label(c) for c in s.get("strengths") or []],
        risk_level=level,
        risk_reasons=reasons,
        risk_categories=[str(c).replace("_", " ") for c in risk.get("categories") or []],
        risk_label=label,
        risk_words=list(triage.words) if triage is not None else [],
        name=first_name(s),
        assistant_risk_level=assistant_level,
        worker_risk_by=handoff.worker_risk_by if handoff.worker_risk_level in TIER_BY_LEVEL else None,
    )
    introduced = ("Introduced by someone else" + (f" ({s['relationship']})" if s.get("relationship") else "")
                  if s.get("introduced_by") == "someone_else" else "Self-introduction")
    rows = [
        ("Why they are here",
         None if handoff.status == "introduction" else REASONS.get(handoff.reason, handoff.reason)),
        ("Their own words", _text(s.get("story"))),
        ("What matters to them", _text(s.get("what_matters"))),
        ("Good at or enjoy, in their words", _text(s.get("strengths_text"))),
        ("Who is around them", _text(s.get("connections"))),
        ("Offers given", _text(_offer_names(s.get("offers_given")))),
        ("Offer chosen", _chosen(s.get("offer_chosen"), s.get("offers_given"))),
        ("Who introduced", introduced),
        ("The person knows and agrees", agreement(s.get("person_agrees"), answers.get("person_agrees"))),
        ("Introducer's contact", _fuller(s.get("introducer_contact"), answers.get("introducer_contact"))),
        ("Person's contact", _fuller(s.get("person_contact"), answers.get("person_contact"))),
        ("How and when to contact", _fuller(handoff.contact_preference or s.get("contact_preference"),
                                            answers.get("contact_preference"))),
        ("Channel", CHANNELS.get(handoff.channel, handoff.channel)),
        ("Consent to keep what they said", "Yes" if s.get("consent") else "Not given"),
        ("What they were told", _text(handoff.promise)),
    ]
    result.rows = [(label, value) for label, value in rows if value]
    return result
