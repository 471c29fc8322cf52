"""Pure text functions for SMS: encoding, segment counting, clean splitting, numbered choices.

An SMS is billed and delivered in segments. GSM-7 text fits 160 characters in one segment and
153 per segment once split (the rest of each segment holds the joining header); GSM extension
characters (``^{}[]~|\\€`` and form feed) cost two. Any character outside GSM-7 switches the
whole message to UCS-2: 70 per single segment, 67 per segment once split, and characters outside
the Basic Multilingual Plane (most emoji) cost two UTF-16 units. A two-unit character is never
split across segments, which is why counting is done by packing, not by dividing.

Nothing here touches the network or the database, so it is all unit-tested directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
MULTI = {"GSM-7": 153, "UCS-2": 67}

DEFAULT_MAX_SEGMENTS = 3  # Twilio advises keeping messages under 320 GSM characters; 3 is a kind limit

# Typographic characters that silently force UCS-2 (halving what fits) and have a plain GSM twin,
# the same idea as Twilio's "smart encoding".
_SMART = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    "\u2022": "-", "\u00b7": "-",
})


def smart_encode(text: str) -> str:
    """Swap curly quotes, dashes and similar for GSM twins so a reply is not forced into UCS-2."""
    return text.translate(_SMART)


def encoding(text: str) -> Encoding:
    """The encoding a phone network will use for ``text``."""
    allowed = GSM7_BASIC | GSM7_EXTENSION
    return "GSM-7" if all(ch in allowed for ch in text) else "UCS-2"


def _unit_cost(ch: str, enc: Encoding) -> int:
    if enc == "GSM-7":
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def length_units(text: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) that ``text`` takes."""
    enc = encoding(text)
    return sum(_unit_cost(ch, enc) for ch in text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` is sent as (0 for empty text)."""
    if not text:
        return 0
    enc = encoding(text)
    units = [_unit_cost(ch, enc) for ch in text]
    if sum(units) <= SINGLE[enc]:
        return 1
    count, used = 1, 0
    for cost in units:
        if used + cost > MULTI[enc]:
            count, used = count + 1, 0
        used += cost
    return count


def fits(text: str, max_segments: int) -> bool:
    """True when ``text`` goes out in at most ``max_segments`` segments."""
    return segments(text) <= max_segments


_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")


def _hard_split(word: str, max_segments: int) -> list[str]:
    """Cut one over-long word (a URL, a run of emoji) at the last code point that still fits."""
    parts: list[str] = []
    rest = word
    while rest and not fits(rest, max_segments):
        low, high = 1, len(rest)
        while low < high:  # largest prefix that fits
            mid = (low + high + 1) // 2
            if fits(rest[:mid], max_segments):
                low = mid
            else:
                high = mid - 1
        parts.append(rest[:low])
        rest = rest[low:]
    if rest:
        parts.append(rest)
    return parts


_LEVELS = ("paragraph", "sentence", "word")


def _split(text: str, max_segments: int, level: int) -> list[str]:
    """Pack pieces of this level greedily; a piece too big alone is split at the next level."""
    if fits(text, max_segments):
        return [text]
    if level >= len(_LEVELS):
        return _hard_split(text, max_segments)
    kind = _LEVELS[level]
    if kind == "paragraph":
        pieces, joiner = re.split(r"\n\s*\n", text), "\n\n"
    elif kind == "sentence":
        pieces, joiner = _SENTENCE_END.split(text), " "
    else:
        pieces, joiner = text.split(), " "
    pieces = [p.strip() for p in pieces if p.strip()]
    if len(pieces) <= 1:
        return _split(text, max_segments, level + 1)

    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if fits(candidate, max_segments):
            current = candidate
            continue
        if current:
            messages.append(current)
        chunks = [piece] if fits(piece, max_segments) else _split(piece, max_segments, level + 1)
        messages.extend(chunks[:-1])
        current = chunks[-1]
    if current:
        messages.append(current)
    return messages


def split_for_sms(text: str, max_segments: int = DEFAULT_MAX_SEGMENTS) -> list[str]:
    """Split ``text`` into messages of at most ``max_segments`` segments each.

    Breaks at paragraph ends first, then sentence ends, then spaces; only a single word too long
    for a message is cut inside (never inside a character). Short text comes back as one
    message, unchanged apart from surrounding whitespace. Empty text gives an empty list.
    """
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    text = text.strip()
    return _split(text, max_segments, 0) if text else []


def button_title(button: Mapping[str, Any]) -> str:
    """The words a button shows (falling back to its payload without Rasa's leading slash)."""
    title = str(button.get("title") or "").strip()
    return title or str(button.get("payload") or "").lstrip("/").strip()


def numbered_choices(text: str, buttons: Sequence[Mapping[str, Any]]) -> str:
    """Render buttons as numbered choices: ``text`` then "Reply 1 for Yes, 2 for No"."""
    titles = [button_title(b) for b in buttons]
    titles = [t for t in titles if t]
    if not titles:
        return text
    options = [f"{index} for {title}" for index, title in enumerate(titles, start=1)]
    line = "Reply " + (options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1])
    return f"{text.strip()}\n\n{line}." if text and text.strip() else f"{line}."


def _normalise(text: str) -> str:
    text = smart_encode(text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)  # punctuation and emoji out; letters of every script stay
    return " ".join(text.split())


def match_choice(reply: str, buttons: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The button a reply picks: its number ("2", "2.", "option 2") or its title words.

    Anything else is free text and gives None, so it passes to the assistant unchanged.
    """
    if not buttons:
        return None
    normalised = _normalise(reply)
    number = re.fullmatch(r"(?:option |number )?(\d{1,2})", normalised)
    if number:
        index = int(number.group(1))
        return buttons[index - 1] if 1 <= index <= len(buttons) else None
    if not normalised:
        return None
    for button in buttons:
        if _normalise(button_title(button)) == normalised:
            return button
    return None


def join_for_sms(bubbles: Sequence[str], max_segments: int = DEFAULT_MAX_SEGMENTS) -> list[str]:
    """One turn's replies as few texts as possible: short bubbles joined with a blank line,
    each text within ``max_segments``; a bubble too long on its own is split cleanly."""
    texts: list[str] = []
    current = ""
    for bubble in (smart_encode(b).strip() for b in bubbles):
        if not bubble:
            continue
        joined = f"{current}\n\n{bubble}" if current else bubble
        if fits(joined, max_segments):
            current = joined
            continue
        if current:
            texts.append(current)
        if fits(bubble, max_segments):
            current = bubble
        else:
            parts = split_for_sms(bubble, max_segments)
            texts.extend(parts[:-1])
            current = parts[-1] if parts else ""
    if current:
        texts.append(current)
    return texts
