"""Small helpers for keeping personal data out of places it does not belong (logs, audit lines)."""

from __future__ import annotations

import hashlib


def reference(sender_id: str | None) -> str:
    """A short, stable stand-in for a conversation id (a phone number for SMS) in log lines.

    Enough to match lines about one conversation; not the number itself. Not a secret hash:
    never use it where guessing a number from it would matter.
    """
    if not sender_id:
        return "-"
    return "c-" + hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:10]
