"""What the conversation calls: offers that fit a person now, in words that fit an SMS.

Actions stay thin (DESIGN.md): they call :func:`offers_for_person` with the needs and
strengths picked out of the story, whether the person looks after someone (and their age,
if ever known) and the time of the message, show :func:`format_offer` for each, and store
``offer.oruk_id`` on the introduction record.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy.orm import Session

from bot.config import REPO_ROOT
from bot.directory.schedule import clock
from bot.directory.search import DirectoryIndex, Match, Offer, Query, when_text
from bot.directory.sms import gsm7_safe
from bot.hours import to_london

SHIPPED = (REPO_ROOT / "data" / "directory" / "sample_borough.json",
           REPO_ROOT / "data" / "directory" / "national_helplines.json")
SMS_OFFER_CHARS = 80  # three numbered offers and a short question fit two GSM-7 segments (306)

INDEX_MAX_AGE_SECONDS = 600  # another process's import shows up within ten minutes
_cache: dict[str, tuple[DirectoryIndex, float]] = {}
_lock = threading.Lock()

__all__ = ["Offer", "Match", "ensure_loaded", "for_whom", "format_offer", "format_offers", "get_index",
           "matches_for_person", "offers_for_person", "reset_index"]


def ensure_loaded(session: Session, paths: Iterable[Path] = SHIPPED) -> bool:
    """Import the shipped directory if there are no offers yet; True if it imported.

    So ``make run`` on a fresh clone has offers to give. Call it once at start-up; the
    search functions themselves never write. ``bot directory remove-sample`` removes the
    sample once a borough's own directory is in.
    """
    from bot.directory.importer import import_path
    from bot.directory.models import Service

    if session.query(Service.id).first() is not None:
        return False
    for path in paths:
        import_path(path, session)
    session.flush()
    reset_index()
    return True


def get_index(session: Session) -> DirectoryIndex:
    """The in-memory index for this session's database, reloaded at most every ten minutes."""
    key = str(session.get_bind().url)
    with _lock:
        cached = _cache.get(key)
        if cached is None or time.monotonic() - cached[1] > INDEX_MAX_AGE_SECONDS:
            cached = (DirectoryIndex.load(session), time.monotonic())
            _cache[key] = cached
        return cached[0]


def reset_index() -> None:
    """Forget loaded indexes (after an import) so the next call reads the new offers."""
    with _lock:
        _cache.clear()


def matches_for_person(
    session_or_index: Session | DirectoryIndex,
    needs: list[str],
    strengths: list[str],
    at: datetime,
    postcode: str | None = None,
    limit: int = 3,
    exclude_ids: Iterable[str] = (),
    modes: Iterable[str] = (),
    language: str | None = None,
    caring: bool = False,
    age: int | None = None,
    young_person: bool = False,
) -> list[Match]:
    """Ranked matches with reasons (for staff tools and for storing what was offered).

    ``caring``: the person looks after someone (the need ``caring`` counts as well), so
    offers only for carers can be given. ``age``: only when the person told us;
    ``young_person``: they said they are 18 or under. Offers for an age range they are
    outside are then left out.
    """
    index = session_or_index if isinstance(session_or_index, DirectoryIndex) else get_index(session_or_index)
    query = Query(at=to_london(at), needs=tuple(needs), strengths=tuple(strengths), modes=tuple(modes),
                  language=language, postcode=postcode, limit=limit,
                  exclude_ids=frozenset(str(i) for i in exclude_ids), caring=caring, age=age,
                  young_person=young_person)
    return index.search(query)


def offers_for_person(
    session_or_index: Session | DirectoryIndex,
    needs: list[str],
    strengths: list[str],
    at: datetime,
    postcode: str | None = None,
    limit: int = 3,
    exclude_ids: Iterable[str] = (),
    caring: bool = False,
    age: int | None = None,
    young_person: bool = False,
) -> list[Offer]:
    """Two or three offers that fit the person and the hour, best first.

    ``exclude_ids`` takes ``Offer.oruk_id`` values already shown ("show me more");
    ``caring``, ``age`` and ``young_person`` as for :func:`matches_for_person`.
    Unknown codes raise ``bot.directory.search.SearchError``.
    """
    return [m.offer for m in matches_for_person(session_or_index, needs, strengths, at, postcode,
                                                limit, exclude_ids, caring=caring, age=age,
                                                young_person=young_person)]


def when_open(offer: Offer, at: datetime | None = None, short: bool = False) -> str:
    """"Open 24/7", "Open now till 4:30pm", "Opens 9:30am tomorrow", or weekly hours."""
    if offer.open_24_7:
        return "Open 24/7" if short else "Open any time, day or night"
    if at is not None:
        closes = offer.open_until(at)
        if closes is not None:
            return f"Open now till {clock(closes)}"
        opens = offer.next_opening(at)
        if opens is not None:
            return f"Opens {when_text(opens, at)}"
    hours = offer.hours_text()
    return hours if hours else "Check opening times on the website"


def how_to_reach(offer: Offer, channel: str = "sms") -> str:
    """The one (SMS) or every (web) way to reach the offer, in plain words."""
    ways = []
    site = _short_url(offer.url) if offer.url else None
    online_first = bool(site) and "online" in offer.modes and "phone" not in offer.modes and (
        offer.open_24_7 or "in_person" not in offer.modes)
    if online_first:
        ways.append(site)
    if offer.phone:
        ways.append(f"Call {offer.phone}")
    if offer.text_number:
        ways.append(f"Text {offer.text_keyword} to {offer.text_number}" if offer.text_keyword
                    else f"Text {offer.text_number}")
    if site and not online_first and ("online" in offer.modes or not ways):
        ways.append(site)
    if "in_person" in offer.modes and offer.address and (channel != "sms" or not ways):
        ways.append(f"Go to {offer.address}")
    if not ways:
        return ""
    return ways[0] if channel == "sms" else "; ".join(ways)


def _short_url(url: str) -> str:
    short = url.split("://", 1)[-1]
    short = short[4:] if short.startswith("www.") else short
    return short.rstrip("/")


def for_whom(offer: Offer | Match) -> str:
    """"For carers aged 18 to 25" when the person may not be who it is for, so nobody is
    surprised; "" when it is for anyone, or known to be for them (a Match knows the person)."""
    if isinstance(offer, Match):
        return offer.for_whom
    return offer.audience.text()


def format_offer(offer: Offer | Match, channel: str = "sms", at: datetime | None = None) -> str:
    """What it is, who it is for (when that may not be the person), when it is open and how
    to reach it, in plain words.

    For SMS it stays within ``SMS_OFFER_CHARS`` GSM-7 characters (the short description is
    dropped first, then the opening time; who it is for stays); pass ``at`` (or a Match) to
    say "open now" rather than the weekly hours.
    """
    who = for_whom(offer)
    if isinstance(offer, Match):
        at = at or offer.at
        offer = offer.offer
    when = when_open(offer, at, short=channel == "sms")
    how = how_to_reach(offer, channel)
    if channel != "sms":
        head = f"{offer.name}: {offer.summary}" if offer.summary else offer.name
        return " ".join(_sentence(p) for p in (head, who, when, how) if p)
    tail = ". ".join(p for p in (who, when, how) if p)
    text = gsm7_safe(f"{offer.name}. {tail}")
    room = SMS_OFFER_CHARS - len(text) - 2
    what = _shorten(gsm7_safe(offer.summary), room)
    if what:
        text = gsm7_safe(f"{offer.name}: {what}. {tail}")
    if len(text) > SMS_OFFER_CHARS and who:
        text = gsm7_safe(". ".join(p for p in (offer.name, who, how) if p))
    if len(text) > SMS_OFFER_CHARS:
        text = gsm7_safe(f"{offer.name}. {how}") if how else text
    if len(text) > SMS_OFFER_CHARS:
        text = text[: SMS_OFFER_CHARS - 3].rsplit(" ", 1)[0] + "..."
    return text


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _shorten(summary: str, room: int) -> str:
    """The summary's first whole clause if it fits in ``room`` characters, else "".

    A clause cut mid-way ("apply online at any") reads worse than the name alone.
    """
    clause = re.split(r"(?<=[.,;:!?])\s|\s-\s", summary.strip(), maxsplit=1)[0].rstrip(".,;:!? ")
    if not clause or len(clause) > room or len(clause) < 12:
        return ""
    first_word = clause.split(" ", 1)[0]
    return clause if len(first_word) > 1 and first_word.isupper() else clause[0].lower() + clause[1:]


def format_offers(offers: Iterable[Offer | Match], channel: str = "sms", at: datetime | None = None) -> str:
    """Numbered list the person can answer with 1, 2 or 3."""
    return "\n".join(f"{n}. {format_offer(o, channel, at)}" for n, o in enumerate(offers, start=1))


def offer_card(offer: Offer | Match, at: datetime | None = None) -> dict[str, Any]:
    """An offer for the web chat's card: its words from the directory, who it is for (when
    that may not be the person) and links to act on (``tel:``, its web address, a map of its
    postcode). The page adds the labels."""
    who = for_whom(offer)
    if isinstance(offer, Match):
        at = at or offer.at
        offer = offer.offer
    links = []
    if offer.phone:
        links.append({"kind": "tel", "href": "tel:" + re.sub(r"[^\d+]", "", offer.phone), "text": offer.phone})
    if offer.url:
        links.append({"kind": "web", "href": offer.url, "text": _short_url(offer.url)})
    if "in_person" in offer.modes and offer.postcode:
        links.append({"kind": "map", "href": "https://www.openstreetmap.org/search?query="
                      + quote_plus(offer.postcode), "text": offer.postcode})
    return {"name": offer.name, "summary": offer.summary, "when": when_open(offer, at), "who": who,
            "links": links}
