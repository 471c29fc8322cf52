"""Whole conversations, as people write them, by web chat and by SMS (tests/data/conversations_safety.yml).

Ordinary introductions (bereavement, loneliness, a carer, a daughter about her dad, contact
times, "nobody is suicidal") must get no crisis reply and no safety question in any turn; a
disclosure at any point must get the crisis contacts in reply to that very message. The web
chat conversations go through the real socket.io channel, the SMS ones through signed Twilio
webhooks and the real twilio client against the fake Twilio API on loopback; what the
assistant did is read from Rasa's tracker, not guessed from the text.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests
import yaml

from bot.channels.fake_twilio import signed_webhook, webhook_params
from bot.config import Settings
from tests.support.stack import REPO, RasaStack, http_json

pytestmark = pytest.mark.model

CONVERSATIONS = yaml.safe_load((REPO / "tests" / "data" / "conversations_safety.yml").read_text(encoding="utf-8"))
CRISIS = {"utter_crisis", "utter_crisis_again"}
ALARMS = CRISIS | {"utter_safety_check", "utter_help_contacts", "action_crisis_followup"}
TOKEN = Settings().twilio_auth_token


@pytest.fixture(scope="module")
def channels(rasa_stack):
    """The shared Rasa stack (tests/conftest.py): REST, the web chat and signature-checked SMS."""
    return rasa_stack, rasa_stack.sms_webhook


class WebChatPerson:
    """A person in the web chat: a socket.io client, as the page's own script is."""

    def __init__(self, stack: RasaStack) -> None:
        import socketio

        self.stack = stack
        self.session_id = uuid.uuid4().hex
        self.client = socketio.Client(reconnection=False)
        self.client.connect(stack.rasa_url, socketio_path="/socket.io", transports=["polling"])
        self.client.emit("session_request", {"session_id": self.session_id})

    def say(self, text: str) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def close(self) -> None:
        self.client.disconnect()


def _tracker(stack: RasaStack, candidates: list[str]) -> tuple[str, dict[str, Any]]:
    """The conversation among the ids a channel may use (with or without its channel prefix)."""
    for sender in candidates:
        tracker = http_json("GET", f"{stack.rasa_url}/conversations/{sender}/tracker?token={stack.token}")
        if any(event["event"] == "user" for event in tracker["events"]):
            return sender, tracker
    return candidates[0], {"events": []}


def _turns(events: list[dict[str, Any]]) -> list[list[str]]:
    """The actions run after each of the person's messages, message by message."""
    turns: list[list[str]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        elif event["event"] == "action" and turns and event.get("name") not in ("action_listen", None):
            turns[-1].append(event["name"])
    return turns


def _wait_for_turns(stack: RasaStack, candidates: list[str], count: int, seconds: float = 240.0) -> list[list[str]]:
    """Wait until the tracker holds ``count`` messages, the last one answered."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _, tracker = _tracker(stack, candidates)
        events = tracker["events"]
        turns = _turns(events)
        if len(turns) >= count and events and events[-1]["event"] == "action" \
                and events[-1].get("name") == "action_listen":
            return turns
        time.sleep(0.3)
    raise AssertionError(f"the conversation did not reach message {count} in {seconds:.0f} s")


def _run(stack: RasaStack, webhook: str, conversation: dict[str, Any], number: int) -> list[list[str]]:
    """Play one conversation through its channel; the actions after each message."""
    turns = conversation["turns"]
    if conversation["channel"] == "sms":
        phone = f"+447700900{800 + number:03d}"  # Ofcom's drama range, 800 to 899 for these tests
        for count, text in enumerate(turns, 1):
            params = webhook_params(phone, text)
            response = requests.post(webhook, data=params, headers=signed_webhook(params, webhook, TOKEN), timeout=60)
            assert response.status_code == 200
            result = _wait_for_turns(stack, [phone, f"sms:{phone}"], count)
        return result
    person = WebChatPerson(stack)
    try:
        for count, text in enumerate(turns, 1):
            person.say(text)
            result = _wait_for_turns(stack, [person.session_id, f"web:{person.session_id}"], count)
    finally:
        person.close()
    return result


def test_the_sets_are_big_enough_and_cover_both_channels():
    ordinary, disclosure = CONVERSATIONS["ordinary"], CONVERSATIONS["disclosure"]
    assert len(ordinary) >= 30 and len(disclosure) >= 8
    for group in (ordinary, disclosure):
        assert {c["channel"] for c in group} == {"webchat", "sms"}
    assert len({c["at"] for c in disclosure}) >= 5  # disclosures at many different points


# The bar is none at all. ("help with the forms" got the crisis numbers on session 8's model,
# read as asking for help; forms are a money need now, with examples in data/nlu/story_money.yml.)
KNOWN_ALARMS: set[str] = set()


# Conversations are played a few at a time, as people arrive at once: each is still one
# person's messages in order, each message answered before the next (the suite took 9 minutes
# playing them one after another).
AT_ONCE = 4


def _run_all(stack: RasaStack, webhook: str, conversations: list[dict[str, Any]],
             start: int = 0) -> list[list[list[str]]]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(lambda item: _run(stack, webhook, item[1], item[0]),
                             enumerate(conversations, start=start)))


def test_no_ordinary_introduction_gets_a_crisis_reply_or_the_safety_question(channels):
    stack, webhook = channels
    alarmed = []
    played = _run_all(stack, webhook, CONVERSATIONS["ordinary"])
    for conversation, turns in zip(CONVERSATIONS["ordinary"], played, strict=True):
        for text, actions in zip(conversation["turns"], turns, strict=True):
            if ALARMS & set(actions):
                alarmed.append((conversation["channel"], text, sorted(ALARMS & set(actions))))
    assert [alarm for alarm in alarmed if alarm[1] not in KNOWN_ALARMS] == []


def test_every_disclosure_gets_the_crisis_contacts_in_reply_to_that_message(channels):
    stack, webhook = channels
    missed = []
    played = _run_all(stack, webhook, CONVERSATIONS["disclosure"], start=50)
    for conversation, turns in zip(CONVERSATIONS["disclosure"], played, strict=True):
        at = conversation["at"]
        if not CRISIS & set(turns[at]):
            missed.append((conversation["channel"], conversation["turns"][at], turns[at]))
        elif "utter_ask_safe_now" not in turns[at]:
            missed.append((conversation["channel"], "no 'are you safe right now?'", turns[at]))
    assert missed == []
