"""Cleaning of messy directory fields: HTML, phone numbers, web addresses, postcodes, times.

Real council exports carry HTML descriptions, numbers written every which way and odd times.
Each function here either returns a clean value or raises :class:`CleanError` saying why,
so the importer can keep what is usable and name what is not.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

SUMMARY_CHARS = 110  # one offer's description in an SMS; three offers fit in two segments


class CleanError(ValueError):
    """A value that cannot be used, with a reason a person can act on."""


class _TextExtractor(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: object) -> str:
    """Plain text from an HTML (or plain) description: tags dropped, entities decoded."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text and ">" in text:
        parser = _TextExtractor()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    text = html.unescape(text).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line:
            if paragraphs and not re.search(r"[.!?:;]$", paragraphs[-1]):
                paragraphs[-1] += "."
            paragraphs.append(line)
    return " ".join(paragraphs)


def summarise(text: str, limit: int = SUMMARY_CHARS) -> str:
    """A short summary: the first sentence, or the text cut at a word, within ``limit``."""
    text = text.strip()
    if len(text) <= limit:
        return text
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    if sentence and len(sentence.group(1)) <= limit:
        return sentence.group(1)
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "..."


def clean_name(value: object) -> str:
    """A name trimmed and with whitespace collapsed (and any HTML removed)."""
    return html_to_text(value).strip().rstrip(".") if value is not None else ""


_SHORT_CODES = re.compile(r"^(1\d{2}|1\d{5}|\d{5})$")  # 111, 116 123, 85258


def normalise_phone(value: object) -> str:
    """A UK number in the usual spaced form ("020 7926 1000", "0800 138 1111", "116 123").

    Accepts +44 and 0044 prefixes, brackets, dots and dashes, labels such as "Tel:" and
    trailing notes such as "(free)". Raises CleanError when no usable number is there.
    """
    raw = str(value or "").strip()
    match = re.search(r"\+?[\d][\d\s().\-]{1,}\d", raw)
    if not match:
        raise CleanError(f"{raw!r} has no phone number in it")
    number = match.group(0)
    if re.search(r"^(\+|00)\s*44", number):
        number = number.replace("(0)", "")
    digits = re.sub(r"\D", "", number)
    if number.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith("44"):
            raise CleanError(f"{raw!r} is not a UK number")
        digits = "0" + digits[2:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    if _SHORT_CODES.match(digits):
        return digits if len(digits) != 6 else f"{digits[:3]} {digits[3:]}"
    if not digits.startswith("0"):
        raise CleanError(f"{raw!r} does not look like a UK number")
    if len(digits) == 10 and digits[:4] in ("0800", "0500"):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) != 11:
        raise CleanError(f"{raw!r} has {len(digits)} digits; UK numbers have 11")
    if digits[:2] == "02":
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits[:3] in ("011",) or (digits[:2] == "01" and digits[3] == "1"):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if digits[:2] in ("03", "08", "09"):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"


def normalise_url(value: object) -> str:
    """An http(s) address; a bare "www.example.org" gains https://. CleanError if unusable."""
    raw = str(value or "").strip()
    if not raw:
        raise CleanError("empty web address")
    if re.match(r"^[\w.-]+\.[a-z]{2,}(/.*)?$", raw, re.I):
        raw = "https://" + raw
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or "." not in parsed.netloc or " " in raw:
        raise CleanError(f"{raw!r} is not a web address (http:// or https://)")
    return raw


def normalise_email(value: object) -> str:
    """An email address in lower case; CleanError if it is not one."""
    raw = str(value or "").strip()
    if not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", raw, re.I):
        raise CleanError(f"{raw!r} is not an email address")
    return raw.lower()


_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})?$")


def postcode_district(value: object) -> str | None:
    """The outward code ("SW9") of a full or partial UK postcode, or None if it is not one."""
    match = _POSTCODE.match(re.sub(r"\s+", " ", str(value or "").strip().upper()))
    return match.group(1) if match else None


def normalise_postcode(value: object) -> str | None:
    """"sw9 8aa" -> "SW9 8AA"; None when empty or not a postcode."""
    match = _POSTCODE.match(re.sub(r"\s+", " ", str(value or "").strip().upper()))
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}" if match.group(2) else match.group(1)


def normalise_time(value: object) -> str:
    """"9:00", "09:00:00", "9.30", "24:00" -> "HH:MM" (24:00 becomes 23:59)."""
    raw = str(value or "").strip()
    match = re.match(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?(?:\s*(am|pm))?$", raw, re.I)
    if not match:
        raise CleanError(f"{raw!r} is not a time like 09:00")
    hours, minutes, half = int(match.group(1)), int(match.group(2)), (match.group(3) or "").lower()
    if half == "pm" and hours < 12:
        hours += 12
    if half == "am" and hours == 12:
        hours = 0
    if (hours, minutes) == (24, 0):
        return "23:59"
    if hours > 23 or minutes > 59:
        raise CleanError(f"{raw!r} is not a time of day")
    return f"{hours:02d}:{minutes:02d}"


BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}


def parse_days(value: object) -> list[int]:
    """Weekdays (0 = Monday) from "MO,TU", "Monday", "mon-fri", ["SA", "SU"] or "daily"."""
    if value is None or value == "":
        raise CleanError("no weekday given")
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;/ ]+", str(value))
    days: list[int] = []
    for item in items:
        token = str(item).strip().lower()
        if not token:
            continue
        if token in ("daily", "everyday", "every day", "all"):
            days.extend(range(7))
            continue
        if "-" in token:
            first, last = (_one_day(t) for t in token.split("-", 1))
            span = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            days.extend(span)
            continue
        days.append(_one_day(token))
    return sorted(set(days))


def _one_day(token: str) -> int:
    token = token.strip().lower()
    if token.isdigit():
        number = int(token)  # ORUK "weekday": 1 = Monday ... 7 = Sunday
        if 1 <= number <= 7:
            return number - 1
    for name, index in _DAY_NAMES.items():
        if len(token) >= 2 and name.startswith(token):
            return index
    raise CleanError(f"{token!r} is not a day of the week")
