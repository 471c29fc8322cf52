"""A whole self-introduction by SMS: signed webhooks in, replies out through the real twilio
client to the fake Twilio API on loopback, against the real model and action server."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from bot.channels.fake_twilio import signed_webhook, webhook_params
from bot.channels.sms_text import segments
from bot.config import Settings
from bot.store.db import session_scope
from bot.store.models import Handoff, Introduction

pytestmark = pytest.mark.model
TOKEN = Settings().twilio_auth_token


@pytest.fixture(scope="module")
def sms(rasa_stack, fake_twilio):
    """The run's shared stack (SMS channel on, sending through the fake Twilio API)."""
    return rasa_stack, fake_twilio, rasa_stack.sms_webhook


def text_in(webhook: str, phone: str, body: str, *, sid: str | None = None, sign: bool = True) -> int:
    params = webhook_params(phone, body, message_sid=sid)
    headers = signed_webhook(params, webhook, TOKEN) if sign else {}
    return requests.post(webhook, data=params, headers=headers, timeout=60).status_code


def conversation(sms, phone: str, body: str) -> str:
    """Text in; the texts that came back, joined."""
    stack, fake, webhook = sms
    before = len(fake.bodies_to(phone))
    assert text_in(webhook, phone, body) == 200
    return "\n".join(fake.bodies_to(phone)[before:])


def test_a_whole_self_introduction_by_sms(sms):
    stack, fake = sms[0], sms[1]
    phone = "+447700900101"
    reply = conversation(sms, phone, "hi")
    assert "Can I keep what you tell me" in reply and "Reply YES or NO" in reply
    assert len(fake.bodies_to(phone)) == 1 and segments(reply) == 1  # consent is one text
    reply = conversation(sms, phone, "yes")
    assert "stop chat" in reply and "what's been going on" in reply
    offers = conversation(sms, phone, "my landlord is evicting me and i owe council tax")
    assert "Places that might help" in offers
    assert len(offers.split("\n\n")) == 1 or segments(offers) <= 3, offers
    reply = conversation(sms, phone, "2")
    assert "Good choice" in reply and "How and when" in reply
    assert "this chat" not in reply  # no chat by SMS
    assert "What matters most" in conversation(sms, phone, "text me after 3pm")
    assert "What do you enjoy" in conversation(sms, phone, "to keep my home")
    assert "Who is around you" in conversation(sms, phone, "cooking for my kids")
    summary = conversation(sms, phone, "my sister")
    assert "Here's what I've noted" in summary and "Reply 1 for" in summary
    done = conversation(sms, phone, "1")
    assert "passed this to the Hub team" in done and "by text" in done and "this chat" not in done

    bodies = fake.bodies_to(phone)
    assert len(bodies) == 9  # one text for each of the nine texts the person sent
    assert all(segments(b) <= 3 for b in bodies)
    with session_scope(stack.app_db_url) as session:
        intro = session.execute(select(Introduction).where(Introduction.sender_id == f"sms:{phone}")).scalars().one()
        handoff = session.execute(select(Handoff).where(Handoff.sender_id == f"sms:{phone}")).scalars().one()
    assert intro.channel == "twilio" and intro.status == "complete"
    assert {"housing", "money"} <= set(intro.needs) and "cooking" in intro.strengths
    assert intro.offer_chosen and handoff.channel == "twilio" and handoff.reason == "introduction"
    assert "by text" in handoff.promise
    # The conversation is sms:<number> (bot.channels.ids); the texts went to the bare number.
    said = [e["text"] for e in stack.tracker(f"sms:{phone}")["events"] if e["event"] == "user"]
    assert "my sister" in said and len(said) >= 9
    assert not [e for e in stack.tracker(f"rest:{phone[1:]}")["events"] if e["event"] == "user"]
    assert not [m for m in fake.sent if not m["to"].startswith("+")]  # never "sms:+44..." as Twilio's "to"


def test_a_story_texted_first_gets_offers_at_the_second_text(sms):
    phone = "+447700900105"
    reply = conversation(sms, phone, "my dad hasn't left the house since mum died, i'm worried about him")
    assert "Can I keep what you tell me" in reply
    assert "Places that might help" in conversation(sms, phone, "yes")


def test_crisis_by_sms_gets_the_numbers_by_text(sms):
    reply = conversation(sms, "+447700900102", "cant do this no more gonna kms")
    assert all(n in reply for n in ("999", "116 123", "85258"))


def test_a_forged_webhook_is_refused_and_a_retry_is_answered_once(sms):
    stack, fake, webhook = sms
    phone = "+447700900103"
    assert text_in(webhook, phone, "hi", sign=False) == 403
    assert fake.bodies_to(phone) == []
    assert text_in(webhook, phone, "hi", sid="SMretry000000000000000000000000001") == 200
    first = len(fake.bodies_to(phone))
    assert text_in(webhook, phone, "hi", sid="SMretry000000000000000000000000001") == 200
    assert first > 0 and len(fake.bodies_to(phone)) == first


def test_stop_stops_every_further_text(sms):
    stack, fake, webhook = sms
    phone = "+447700900104"
    conversation(sms, phone, "hi")
    assert "won't get any more texts" in conversation(sms, phone, "STOP")
    count = len(fake.bodies_to(phone))
    assert text_in(webhook, phone, "hello again") == 200
    assert len(fake.bodies_to(phone)) == count
