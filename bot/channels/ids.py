"""Conversation ids, namespaced by channel: the one place that makes them and reads them back.

A Rasa conversation id says which channel it belongs to and the address there:

- ``sms:+447700900123``: an SMS person, the number as Twilio sends it (E.164);
- ``web:<session id>``: the web chat, the session id the page was given;
- ``rest:<sender>``: the token-protected REST channel, the sender the caller gave.

Because the channel is part of the id, a REST caller cannot name an SMS person's conversation:
whatever the sender is, even ``sms:447700900123``, its conversation is ``rest:...``
(``rest:sms:447700900123``), a different one. Turning an id back into an address (the number
a text goes to, the socket room a reply goes to) is :func:`address_of` / :func:`phone_of`.

Conversations stored before ids were namespaced keep their bare id (an SMS person's was the
number itself, ``+447700900123``). They are not rewritten; :func:`phone_of` still reads a bare
E.164 number as an SMS person's, so a Hub reply to such a handoff reaches the phone, and
:func:`identities` gives both forms so erasure and export find everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SMS, WEB, REST = "sms", "web", "rest"
PREFIXES = (SMS, WEB, REST)
SEPARATOR = ":"
# Rasa input channel names (``InputChannel.name()``) -> id prefix.
CHANNEL_PREFIX = {"twilio": SMS, "twilio_sms": SMS, SMS: SMS, "webchat": WEB, "socketio": WEB, WEB: WEB,
                  "rest": REST}
_ADDRESS = {
    SMS: re.compile(r"^\+?[0-9]{3,20}$"),  # E.164 as Twilio sends it, or a short code
    WEB: re.compile(r"^[A-Za-z0-9_-]{1,64}$"),  # a session id we handed out, or a socket id
    REST: re.compile(r"^[A-Za-z0-9_.:-]{1,64}$"),  # bot.channels.rest.SENDER
}
# id prefix -> the Rasa channel that answers it (and the Hub's replies go through).
OUTPUT_CHANNEL = {SMS: "twilio", WEB: "webchat", REST: "rest"}
LEGACY_PHONE = re.compile(r"^\+[0-9]{6,20}$")  # a bare number: an SMS conversation from before


@dataclass(frozen=True)
class ConversationId:
    """A conversation id read back: its channel prefix (``""`` for an old bare id) and address."""

    channel: str
    address: str


def prefix_for(channel: str) -> str:
    """The id prefix of a Rasa input channel name (``twilio`` -> ``sms``); ValueError if unknown."""
    try:
        return CHANNEL_PREFIX[channel]
    except KeyError:
        raise ValueError(f"no conversation id prefix for channel {channel!r}") from None


def conversation_id(channel: str, raw: str) -> str:
    """The namespaced id of ``raw`` (a phone number, session id or REST sender) on ``channel``.

    The address is validated for its channel (ValueError otherwise); a phone number loses its
    spaces. A REST sender that itself starts with ``sms:`` stays inside ``rest:``.
    """
    prefix = prefix_for(channel)
    address = "".join(str(raw).split()) if prefix == SMS else str(raw)
    if not _ADDRESS[prefix].match(address):
        raise ValueError(f"not a valid {prefix} address")
    return f"{prefix}{SEPARATOR}{address}"


def split_id(value: str) -> ConversationId:
    """The channel and address of a conversation id; an unprefixed (old) id has channel ``""``.

    Only the first ``:`` separates, so ``rest:sms:44...`` is the REST sender ``sms:44...``.
    """
    prefix, sep, address = str(value).partition(SEPARATOR)
    if sep and prefix in PREFIXES:
        return ConversationId(prefix, address)
    return ConversationId("", str(value))


def address_of(value: str) -> str:
    """Where to reach the conversation on its own channel (number, session id, sender)."""
    return split_id(value).address


def channel_of_id(value: str) -> str | None:
    """The Rasa channel name a conversation belongs to (``sms:...`` -> ``twilio``); None for
    an old unprefixed id, whose channel only its messages can tell."""
    return OUTPUT_CHANNEL.get(split_id(value).channel)


def phone_of(value: str) -> str | None:
    """The phone number of an SMS conversation id (``sms:+44...``, or an old bare ``+44...``).

    None for any other conversation, so nothing is ever texted to a web or REST id.
    """
    cid = split_id(value)
    if cid.channel == SMS:
        phone = "".join(cid.address.split())
        return phone if _ADDRESS[SMS].match(phone) else None
    if cid.channel == "":
        phone = "".join(cid.address.split())
        return phone if LEGACY_PHONE.match(phone) else None
    return None


def is_sms(value: str) -> bool:
    """True for an SMS person's conversation id."""
    return phone_of(value) is not None


def identities(value: str) -> set[str]:
    """Every id the same person's conversation may be stored under.

    An SMS person (given as ``sms:+44...``, an old bare id, or just the number with spaces)
    is both ``sms:+44...`` and the bare number stored before ids were namespaced. Any other id
    is only itself: ``rest:+44...`` is never the SMS person.
    """
    value = str(value).strip()
    cid = split_id(value)
    if cid.channel in ("", SMS):
        phone = phone_of(value) or phone_of("".join(value.split()))
        if phone:
            return {value, f"{SMS}{SEPARATOR}{phone}", phone}
    return {value}
