"""SMS length in segments, GSM-7 aware: what a person's phone will actually receive.

One GSM-7 message holds 160 characters (153 per part when split); one character outside
GSM-7 (a curly quote, an emoji) turns the whole message into UCS-2 at 70 (67) per part.
Offer text is made GSM-7 safe so three offers stay within two segments.
"""

from __future__ import annotations

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")  # each costs two characters
_REPLACEMENTS = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\xa0": " ",
                 "•": "-"}


def gsm7_safe(text: str) -> str:
    """Swap common typographic characters for GSM-7 ones; drop anything else outside GSM-7."""
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in char):
            out.append(char)
    return "".join(out)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def sms_length(text: str) -> int:
    """Characters as the network counts them (GSM-7 extended characters count twice)."""
    if is_gsm7(text):
        return sum(2 if c in GSM7_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS parts the text is sent as."""
    length = sms_length(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    if length <= single:
        return 1
    return -(-length // multi)
