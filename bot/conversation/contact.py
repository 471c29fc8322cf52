"""How and when a person would like the Hub to get in touch, and an honest promise of it.

Reads answers such as "text or call after 6pm", "mornings", "through me" or "don't contact
me" (word boundaries, never substrings), and works out, from ``bot/hours.py``, the first
time the Hub can keep that wish: "after 6 p.m. on Monday, by text". When the wish falls
outside the Hub's hours it says so instead of promising it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.hours import SMALL_HOURS_END, HubHours, to_london

_SEARCH_DAYS = 14


@dataclass(frozen=True)
class ContactWish:
    """What the person asked for. ``how`` is text, call, email, chat, through_me or None."""

    how: str | None = None
    after: time | None = None
    before: time | None = None
    said_time: str | None = None  # the time in plain words: "after 6 p.m.", "in the morning"
    no_contact: bool = False


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower()).strip()


def _has(pattern: str, text: str) -> bool:
    return re.search(rf"\b(?:{pattern})\b", text) is not None


_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    half = (half or "").replace(".", "")
    if half == "pm" and h < 12:
        h += 12
    elif half == "am" and h == 12:
        h = 0
    elif not half and 1 <= h <= 7:
        h += 12  # "after 6" means the evening, not 6 in the morning
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return time(h, m)


def _words(at: time) -> str:
    hour = at.hour % 12 or 12
    half = "a.m." if at.hour < 12 else "p.m."
    return f"{hour}:{at.minute:02d} {half}" if at.minute else f"{hour} {half}"


def read_wish(text: str) -> ContactWish:
    """The wish in an answer about contact; an empty wish when none is said."""
    norm = _norm(text)
    no_contact = norm in {"no", "none", "nope", "nah", "no thanks", "no thank you"} or _has(
        r"no contact|don'?t contact|do not contact|not contact me|don'?t want (?:to be )?contact(?:ed)?|"
        r"don'?t get in touch|leave me alone", norm)
    how = None
    if _has(r"through me|via me|contact me not (?:him|her|them)|me not (?:him|her|them)|"
            r"speak to me first|talk to me first", norm):
        how = "through_me"
    elif _has(r"text|texts|txt|sms|message me", norm):
        how = "text"
    elif _has(r"call|ring|phone|phone call|calls", norm):
        how = "call"
    elif _has(r"e-?mail", norm):
        how = "email"
    elif _has(r"here|this chat|in the chat|online chat", norm):
        how = "chat"
    after = before = None
    said = None
    match = re.search(rf"\b(after|from|before|by|until|at|around)\s+{_CLOCK}", norm)
    if match:
        moment = _clock(match.group(2), match.group(3), match.group(4))
        if moment is not None:
            word = match.group(1)
            if word in ("after", "from"):
                after, said = moment, f"after {_words(moment)}"
            elif word in ("before", "by", "until"):
                before, said = moment, f"before {_words(moment)}"
            else:
                after = moment
                before = (datetime.combine(datetime.min, moment) + timedelta(hours=1)).time()
                said = f"around {_words(moment)}"
    elif _has(r"mornings?", norm):
        before, said = time(12), "in the morning"
    elif _has(r"afternoons?", norm):
        after, said = time(12), "in the afternoon"
    elif _has(r"evenings?|after work|tonight", norm):
        after, said = time(17), "in the evening"
    return ContactWish(how, after, before, said, no_contact and how is None)


@dataclass(frozen=True)
class Timing:
    """When the Hub can first keep the wish: ``when`` in plain words, and whether it fits."""

    when: str
    fits: bool  # False when the wished time is outside the Hub's hours
    moment: datetime | None = None  # the first time that keeps the wish (None: no time was asked)


def _day_words(day: datetime, at: datetime) -> str:
    ahead = (day.date() - at.date()).days
    if ahead == 0:
        return "today"
    if ahead == 1 and at.hour >= SMALL_HOURS_END:
        return "tomorrow"
    return f"on {day:%A}"


def timing(wish: ContactWish, hours: HubHours, at: datetime) -> Timing:
    """The first time the Hub is open that also keeps the person's wish about time."""
    at = to_london(at)
    start = hours.next_contact(at)
    if wish.after is None and wish.before is None:
        return Timing(hours.describe_next_contact(at), True)
    for offset in range(_SEARCH_DAYS):
        day = (start + timedelta(days=offset)).date()
        if hours.is_closed_day(day) or day.weekday() not in hours.opening:
            continue
        opens, closes = hours.opening[day.weekday()]
        low = max(opens, wish.after or opens)
        high = min(closes, wish.before or closes)
        if offset == 0:
            low = max(low, start.time())
        if low < high:
            moment = datetime.combine(day, low, start.tzinfo)
            return Timing(f"{wish.said_time} {_day_words(moment, at)}", True, moment)
    return Timing(hours.describe_next_contact(at), False)
