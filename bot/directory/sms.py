"""Offer text made safe for SMS. The GSM-7 tables and segment counting live in one place,
``bot.channels.sms_text``; this module only adds what offers need (dropping characters a
phone would otherwise receive as UCS-2, which halves what fits)."""

from __future__ import annotations

from bot.channels.sms_text import GSM7_BASIC, GSM7_EXTENSION, encoding, segments, smart_encode

__all__ = ["gsm7_safe", "is_gsm7", "sms_segments"]


def gsm7_safe(text: str) -> str:
    """Swap typographic characters for GSM-7 twins; drop anything else outside GSM-7."""
    allowed = GSM7_BASIC | GSM7_EXTENSION
    return "".join(ch for ch in smart_encode(text) if ch in allowed)


def is_gsm7(text: str) -> bool:
    return encoding(text) == "GSM-7"


def sms_segments(text: str) -> int:
    """How many SMS parts the text is sent as."""
    return segments(text)
