"""The words Twilio and UK networks treat as commands, and what we answer to each.

These are answered before the assistant sees the message, so STOP always works, even if the
model or the action server is down. A keyword counts only when it is the whole message (any
case, spaces and trailing punctuation ignored), as Twilio does: "stop" opts out, "please stop
asking me that" is ordinary text for the assistant.
"""

from __future__ import annotations

import re
from typing import Literal

Keyword = Literal["stop", "start", "help"]

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
RESUME_WHEN_OPTED_OUT = frozenset({"YES"})  # Twilio also unblocks on YES; we only honour it after STOP
HELP_WORDS = frozenset({"HELP", "INFO"})

MAX_BODY_CHARS = 1600  # Twilio's own limit for one incoming message

STOP_REPLY = (
    "You've been unsubscribed and won't get any more texts from the Living Well Network Hub. "
    "Text START if you'd like to hear from us again. "
    "If you need help now: Samaritans 116 123, any time."
)
START_REPLY = (
    "Welcome back. You'll get texts from the Living Well Network Hub again. "
    "Send us a message whenever you're ready. Text STOP to stop."
)
# A person who texts HELP at 3 a.m. may be in crisis: the people to talk to come first, then
# what this number is (networks expect HELP to say that, and how to stop texts).
HELP_REPLY = (
    "If you need someone now: Samaritans 116 123, free, any time. Text SHOUT to 85258. "
    "NHS 111, option 2, for urgent mental health help. In danger now: call 999. "
    "This is the Living Well Network Hub's text line. It is not an emergency service. "
    "Text STOP to stop texts."
)
EMPTY_REPLY = "Your message came through empty. Please type what you'd like to say and send it again."
MEDIA_ONLY_REPLY = (
    "Sorry, I can only read words, not pictures or files. "
    "Please type what you'd like to say and send it again."
)
TOO_LONG_REPLY = (
    "Thank you for telling me all that. Your message was very long, so I could only read "
    "the first part. Please send the rest in another message."
)


def keyword(body: str, *, opted_out: bool = False) -> Keyword | None:
    """Which command ``body`` is, if the whole message is one."""
    word = re.sub(r"[\s.!?,;:'\"]+", "", body).upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS or (opted_out and word in RESUME_WHEN_OPTED_OUT):
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None
