"""The honest reply when a step cannot run (bot/engines/action_failures.py), on Rasa's own parts."""

from __future__ import annotations

import asyncio
import socket

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.config import REPO_ROOT
from bot.engines.action_failures import install, tell_the_person

install()  # as a Rasa server does when it loads endpoints.yml (bot/engines/__init__.py)

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))
NLG = TemplatedNaturalLanguageGenerator(DOMAIN.responses)


def _tracker(sender: str, intent: str, *after: object) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"),
              UserUttered("my neighbour plays loud music", intent={"name": intent, "confidence": 0.9},
                          timestamp=1000.0),
              *after]
    return DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_person_is_told_once_per_turn():
    channel = CollectingOutputChannel()
    tracker = _tracker("once", "tell_story")
    assert asyncio.run(tell_the_person(channel, NLG, tracker)) is True
    assert asyncio.run(tell_the_person(channel, NLG, tracker)) is False  # a second failed step
    [message] = channel.messages
    assert "couldn't take that in" in message["text"] and "116 123" in message["text"]
    assert message["recipient_id"] == "once"


@pytest.mark.parametrize("intent", ["risk_high", "risk_possible"])
def test_never_after_a_risk_message(intent):
    channel = CollectingOutputChannel()
    assert asyncio.run(tell_the_person(channel, NLG, _tracker(f"risk-{intent}", intent))) is False
    assert channel.messages == []


def test_never_after_the_crisis_reply_in_the_same_turn():
    channel = CollectingOutputChannel()
    crisis = BotUttered("crisis contacts", metadata={"utter_action": "utter_crisis"})
    tracker = _tracker("crisis-said", "tell_story", ActionExecuted("utter_crisis"), crisis)
    assert asyncio.run(tell_the_person(channel, NLG, tracker)) is False
    assert channel.messages == []


def test_a_custom_action_with_no_server_tells_the_person_and_still_fails():
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{_closed_port()}/webhook")
    channel = CollectingOutputChannel()
    tracker = _tracker("no-server", "tell_story")
    with pytest.raises(RasaException):
        asyncio.run(RemoteAction("action_offers", endpoint).run(channel, NLG, tracker, DOMAIN))
    assert len(channel.messages) == 1 and "send it again" in channel.messages[0]["text"]


def test_not_for_the_session_start_which_runs_before_the_message_is_read():
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{_closed_port()}/webhook")
    channel = CollectingOutputChannel()
    tracker = DialogueStateTracker.from_events("new-person", [], slots=DOMAIN.slots)
    with pytest.raises(RasaException):
        asyncio.run(RemoteAction("action_session_start", endpoint).run(channel, NLG, tracker, DOMAIN))
    assert channel.messages == []
