"""Erasure: after "DELETE" and "YES", the person's number and words are nowhere.

The proof searches every table of the app database (with the Hub's RabbitMQ copy of the events,
``hub_feed_events``), Rasa's tracker store and its event broker for the phone number and words
from the person's story, before (to show the search can fail) and after.
"""

from __future__ import annotations

import json
import uuid

import pytest

from bot.hub.audit import record
from bot.hub.consumer import store_event
from bot.personal_data import export_person, find_anywhere
from bot.store.db import get_engine, session_scope
from tests.security.conftest import Prod

pytestmark = pytest.mark.model
STORY = "my landlord is evicting me and i owe council tax"


def _everywhere(prod: Prod, needles: list[str]) -> list[str]:
    stack = prod.stack
    return find_anywhere(needles, app_url=stack.app_db_url,
                         engines=[get_engine(stack.tracker_db_url), get_engine(stack.events_db_url)])


def test_delete_by_sms_erases_the_person_from_every_store(prod: Prod):
    phone = "+447700900311"
    person = f"sms:{phone}"  # the conversation id (bot.channels.ids); the Hub records it so
    for message in ("hi", "1", "1", STORY, "I have taken 40 of my tablets"):
        prod.sms(phone, message)
    with session_scope(prod.stack.app_db_url) as session:
        record(session, "sam", "view_transcript", sender_id=person, detail="opened the conversation")
    # The Hub's copy of the events, as its RabbitMQ consumer keeps them in the app database.
    for event in prod.events(phone):
        store_event(prod.stack.app_db_url, json.dumps({**event, "sender_id": person}).encode())
    # Phrases of this person's story: the public directory (dir_ tables) mentions landlords and
    # council tax in its offers, which is not personal data.
    needles = [phone, phone[1:], "landlord is evicting", "owe council tax", "40 of my tablets"]
    before = _everywhere(prod, needles)
    assert any("tracker" in line for line in before) and any("app" in line for line in before), before
    assert any(":hub_feed_events: landlord is evicting" in line for line in before), before
    exported = export_person(phone, app_url=prod.stack.app_db_url,
                             tracker_engine=get_engine(prod.stack.tracker_db_url))
    assert "landlord" in json.dumps(exported) and exported["tables"].get("handoffs")
    assert exported["tables"]["handoffs"][0]["sender_id"] == person  # export by the bare number finds it

    assert "Reply YES" in prod.sms(phone, "DELETE")
    assert "deleted" in prod.sms(phone, "YES")

    assert _everywhere(prod, needles) == []
    with session_scope(prod.stack.app_db_url) as session:
        from bot.hub.models import AuditEntry

        erasures = session.query(AuditEntry).filter_by(action="erasure").all()
        kept = session.query(AuditEntry).filter_by(action="view_transcript", username="sam").all()
    assert erasures and all("tracker events" in (e.detail or "") for e in erasures)
    assert kept and all(e.sender_id is None and e.detail is None for e in kept)  # who looked stays, not at whom


def test_delete_my_data_over_rest_needs_a_confirmation(prod: Prod):
    sender = f"erase-{uuid.uuid4().hex[:8]}"
    prod.rest_say(sender, "hello, my landlord keeps shouting at me")
    assert "Reply YES" in prod.rest_say(sender, "delete my data")
    prod.rest_say(sender, "actually no")  # anything else keeps it
    assert any("landlord" in text for text in prod.user_texts(sender))
    assert "Reply YES" in prod.rest_say(sender, "Delete my data.")
    assert "deleted" in prod.rest_say(sender, "yes")
    assert prod.user_texts(sender) == []
    assert _everywhere(prod, [sender]) == []
