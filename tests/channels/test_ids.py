"""Conversation ids namespaced by channel (issue 20): made and read back in one place."""

from __future__ import annotations

import pytest

from bot.channels.ids import (
    ConversationId,
    address_of,
    channel_of_id,
    conversation_id,
    identities,
    is_sms,
    phone_of,
    split_id,
)
from bot.channels.optout import normalise_phone

PHONE = "+447700900123"


def test_each_channel_has_its_own_prefix() -> None:
    assert conversation_id("twilio", PHONE) == "sms:+447700900123"
    assert conversation_id("twilio", " +44 7700 900123 ") == "sms:+447700900123"
    assert conversation_id("webchat", "0123456789abcdef0123456789abcdef") == "web:0123456789abcdef0123456789abcdef"
    assert conversation_id("rest", "tester-1") == "rest:tester-1"


def test_the_inverse_gives_channel_and_address() -> None:
    assert split_id("sms:+447700900123") == ConversationId("sms", PHONE)
    assert split_id("web:abc") == ConversationId("web", "abc")
    assert address_of("web:abc") == "abc"
    assert channel_of_id("sms:+447700900123") == "twilio"
    assert channel_of_id("web:abc") == "webchat"
    assert channel_of_id("rest:abc") == "rest"
    assert channel_of_id("tester-1") is None  # an old unprefixed id: its messages tell


def test_a_rest_sender_cannot_smuggle_another_channels_prefix() -> None:
    """Whatever the sender says, its conversation stays inside ``rest:``."""
    smuggled = conversation_id("rest", "sms:447700900123")
    assert smuggled == "rest:sms:447700900123"
    assert split_id(smuggled) == ConversationId("rest", "sms:447700900123")
    assert phone_of(smuggled) is None and not is_sms(smuggled)
    assert channel_of_id(smuggled) == "rest"
    assert phone_of("rest:447700900123") is None
    assert identities("rest:447700900123") == {"rest:447700900123"}


@pytest.mark.parametrize(("channel", "raw"), [
    ("twilio", "sms:+447700900123"), ("twilio", "not a number"), ("twilio", ""),
    ("webchat", "web:abc"), ("webchat", "a b"), ("webchat", "x" * 65),
    ("rest", "+447700900123"), ("rest", ""), ("rest", "a/b"), ("rest", "x" * 65),
    ("telegram", "someone"),
])
def test_invalid_addresses_are_refused(channel: str, raw: str) -> None:
    with pytest.raises(ValueError):
        conversation_id(channel, raw)


def test_phone_of_an_sms_id_and_of_an_old_bare_number() -> None:
    assert phone_of("sms:+447700900123") == PHONE
    assert phone_of(PHONE) == PHONE  # stored before ids were namespaced
    assert phone_of("web:447700900123") is None
    assert phone_of("0123456789abcdef") is None  # an old web session id is not a number


def test_identities_find_both_forms_of_an_sms_person() -> None:
    both = {"sms:+447700900123", PHONE}
    assert both <= identities("sms:+447700900123")
    assert both <= identities(PHONE)
    assert both <= identities("+44 7700 900123")
    assert identities("web:abc") == {"web:abc"}


def test_opt_out_lookups_take_the_number_from_an_sms_id() -> None:
    """A STOP is found whether a caller passes the number or the conversation id."""
    assert normalise_phone("sms:+447700900123") == PHONE
    assert normalise_phone("+44 7700 900123") == PHONE
