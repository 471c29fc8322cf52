"""Offers in the conversation: two or three that fit the person and the hour, and their choice.

The directory does the matching (``bot.directory.offers``); this module keeps what the
conversation needs: the list the person saw, in the words they saw, and reading their
answer ("2", "the housing one", "more", "none").
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime
from typing import Any

from bot.store.db import session_scope

logger = logging.getLogger(__name__)

_loaded: set[str] = set()
_lock = threading.Lock()
SMS_CHANNELS = ("twilio",)
CARD_CHANNELS = ("webchat",)  # channels that draw offers as cards with links


def _ensure_directory(session, url_key: str) -> None:
    from bot.directory.offers import ensure_loaded

    with _lock:
        if url_key in _loaded:
            return
        if ensure_loaded(session):
            logger.info("Loaded the shipped directory into an empty database")
        _loaded.add(url_key)


def find_offers(needs: list[str], strengths: list[str], at: datetime, *, channel: str,
                postcode: str | None = None, exclude_ids: list[str] | tuple[str, ...] = (),
                round_number: int = 1, limit: int = 3, url: str | None = None,
                caring: bool = False, young_person: bool = False) -> list[dict[str, Any]]:
    """Offers to show now, as plain dicts kept on the introduction: id, name, text, round.

    ``caring``: the person writing looks after someone (see :func:`is_caring`), so offers
    only for carers may be given even when ``needs`` is narrowed to what they just added.
    ``young_person``: the offers are for someone who said they are 18 or under.
    """
    from bot.directory.offers import format_offer, matches_for_person, offer_card

    style = "sms" if channel in SMS_CHANNELS else "web"
    with session_scope(url) as session:
        _ensure_directory(session, str(session.get_bind().url))
        matches = matches_for_person(session, needs, strengths, at, postcode=postcode, limit=limit,
                                     exclude_ids=exclude_ids, caring=caring, young_person=young_person)
    return [
        {"id": m.offer.oruk_id, "name": m.offer.name, "text": format_offer(m, style, at),
         "reason": m.reason, "round": round_number, "postcode": postcode,
         **({"card": offer_card(m, at)} if style == "web" else {})}
        for m in matches
    ]


# "I'm his carer", "I look after her", "carer": how someone introducing another person says
# they look after them (the answer to "How do you know them?").
_LOOKS_AFTER = re.compile(r"\b(?:carer|care giver|caregiver|look(?:s|ing)? after|care for|caring for)\b",
                          re.IGNORECASE)
_PAID = re.compile(r"\b(?:paid|support worker|care worker|care home|agency|key ?worker|professional|"
                   r"gp|nurse|social worker)\b", re.IGNORECASE)


def is_caring(needs: list[str] | None, introducer: str | None, relationship: str | None) -> bool:
    """True when the person writing looks after someone, so offers only for carers fit them.

    Either the story says so (the need ``caring``: "I look after my dad"), or someone
    introducing another person says they look after them ("I'm her carer"). A paid carer or
    a professional is not who carers' offers are for.
    """
    if "caring" in (needs or []):
        return True
    text = relationship or ""
    return introducer == "someone_else" and bool(_LOOKS_AFTER.search(text)) and not _PAID.search(text)


def offers_list(offers: list[dict[str, Any]]) -> str:
    """The offers as numbered lines ("1. ..."), for the offers response in domain.yml."""
    return "\n".join(f"{n}. {o['text']}" for n, o in enumerate(offers, start=1))


def latest_round(offers_given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The offers shown most recently (the ones a number refers to)."""
    if not offers_given:
        return []
    last = max(int(o.get("round", 1)) for o in offers_given)
    return [o for o in offers_given if int(o.get("round", 1)) == last]


_MORE = re.compile(r"\b(more|others?|else|different|another)\b", re.IGNORECASE)
_NONE = re.compile(r"\b(none|neither|no thanks|nothing|not for me|no)\b", re.IGNORECASE)


def read_choice(answer: str, shown: list[dict[str, Any]]) -> dict[str, Any] | str | None:
    """The chosen offer, "more", "none", or None when the answer is unclear."""
    text = (answer or "").strip()
    number = re.fullmatch(r"(?:number\s*)?(\d)\.?", text.lower())
    if number:
        index = int(number.group(1)) - 1
        return shown[index] if 0 <= index < len(shown) else None
    lowered = text.lower()
    for offer in shown:
        name = offer["name"].lower()
        if name and (name in lowered or (len(lowered) >= 5 and lowered in name)):
            return offer
    if _MORE.search(text):
        return "more"
    if _NONE.search(text):
        return "none"
    return None
