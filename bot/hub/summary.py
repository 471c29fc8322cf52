"""The summary card: the handoff's facts as plain labels and the person's own words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.hub.queue import CHANNELS, REASONS
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


def card(handoff: Handoff) -> Card:
    """Build the card from the handoff's summary JSON; anything missing is simply left out."""
    s: dict[str, Any] = dict(handoff.summary or {})
    risk = s.get("risk") or {}
    result = Card(
        needs=[need_label(c) for c in s.get("needs") or []],
        strengths=[strength_label(c) for c in s.get("strengths") or []],
        risk_level=str(risk.get("level") or handoff.risk_level or s.get("risk_level") or "none"),
        risk_reasons=[str(r) for r in risk.get("reasons") or []],
        risk_categories=[str(c).replace("_", " ") for c in risk.get("categories") or []],
    )
    introduced = ("Introduced by someone else" + (f" ({s['relationship']})" if s.get("relationship") else "")
                  if s.get("introduced_by") == "someone_else" else "Self-introduction")
    agrees = s.get("person_agrees")
    rows = [
        ("Why they are here", REASONS.get(handoff.reason, handoff.reason)),
        ("Their own words", _text(s.get("story"))),
        ("What matters to them", _text(s.get("what_matters"))),
        ("Good at or enjoy, in their words", _text(s.get("strengths_text"))),
        ("Who is around them", _text(s.get("connections"))),
        ("Offers given", _text(_offer_names(s.get("offers_given")))),
        ("Offer chosen", _chosen(s.get("offer_chosen"), s.get("offers_given"))),
        ("Who introduced", introduced),
        ("The person agrees to this introduction", None if agrees is None else ("Yes" if agrees else "No")),
        ("Introducer's contact", _text(s.get("introducer_contact"))),
        ("Person's contact", _text(s.get("person_contact"))),
        ("How and when to contact", _text(handoff.contact_preference or s.get("contact_preference"))),
        ("Channel", CHANNELS.get(handoff.channel, handoff.channel)),
        ("Consent to keep what they said", "Yes" if s.get("consent") else "Not given"),
        ("What they were told", _text(handoff.promise)),
    ]
    result.rows = [(label, value) for label, value in rows if value]
    return result
