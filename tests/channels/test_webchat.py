"""The web chat channel's own logic, without a server: output shapes, history, session ids."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.webchat import (
    STATIC_DIR,
    WebChatInput,
    WebChatOutput,
    history_from_events,
    valid_session_id,
)


class FakeSio:
    """Records what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any = None, room: str = "", **_: Any) -> None:
        self.emitted.append((event, data, room))


async def test_a_workers_message_is_marked_as_from_a_person():
    sio = FakeSio()
    output = WebChatOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    # What Rasa's OutputChannel.send_response passes for a `bot` event with worker metadata.
    await output.send_response("web:s1", {"text": "Hello, I'm Sam.\n\nI'm here now.", "timestamp": 1.0,
                                          "lwfd_from": "worker", "lwfd_worker_name": "Sam"})
    assert sio.emitted == [("bot_uttered", {"text": "Hello, I'm Sam.\n\nI'm here now.", "from": "worker",
                                            "name": "Sam"}, "s1")]  # the room is the bare session id


async def test_every_reply_goes_to_the_room_of_the_session_not_the_prefixed_id():
    """The conversation is ``web:<session id>``; the page's room is the session id itself."""
    sio = FakeSio()
    output = WebChatOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("web:abcdef0123456789", {"text": "One.\n\nTwo."})
    await output.send_response("web:abcdef0123456789", {"custom": {"offer_cards": [], "text": "Cards."}})
    await output.send_response("web:abcdef0123456789", {"custom": {"kind": "other"}})
    await output.send_response("web:abcdef0123456789", {"image": "https://example.org/a.png"})
    assert {room for _, _, room in sio.emitted} == {"abcdef0123456789"}
    assert len(sio.emitted) == 5


async def test_the_hubs_joined_and_left_lines_are_marked_as_such():
    """The page shows them as a line of their own and knows from them whether a person holds the chat."""
    sio = FakeSio()
    output = WebChatOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("s1", {"text": "Sam from the Hub has joined.", "lwfd_from": "hub",
                                      "lwfd_hub_change": "joined", "lwfd_worker_name": "Sam Jones"})
    await output.send_response("s1", {"text": "Sam has left; the assistant is back.", "lwfd_from": "hub",
                                      "lwfd_hub_change": "left", "lwfd_worker_name": "Sam Jones"})
    assert [data for _, data, _ in sio.emitted] == [
        {"text": "Sam from the Hub has joined.", "from": "hub", "name": "Sam Jones", "change": "joined"},
        {"text": "Sam has left; the assistant is back.", "from": "hub", "name": "Sam Jones", "change": "left"},
    ]
    history = history_from_events([{"event": "bot", "text": "Sam from the Hub has joined.", "metadata": {
        "lwfd_from": "hub", "lwfd_hub_change": "joined", "lwfd_worker_name": "Sam Jones"}}])
    assert history == [{"from": "hub", "text": "Sam from the Hub has joined.", "name": "Sam Jones",
                        "change": "joined"}]


async def test_assistant_messages_keep_rasas_socketio_shape():
    sio = FakeSio()
    output = WebChatOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("s1", {"text": "One.\n\nTwo?", "buttons": [
        {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]})
    assert [data for _, data, _ in sio.emitted] == [
        {"text": "One.", "quick_replies": []},
        {"text": "Two?", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"},
                                           {"content_type": "text", "title": "No", "payload": "/deny"}]},
    ]


CARD = {"name": "Garden Club", "summary": "Gardening together", "when": "Open now",
        "links": [{"kind": "tel", "href": "tel:02079460123", "text": "020 7946 0123"}]}


async def test_offers_go_to_the_page_as_cards_with_their_choices():
    sio = FakeSio()
    output = WebChatOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("s1", {"custom": {"offer_cards": [CARD], "text": "Choose one.",
                                                 "buttons": [{"title": "1. Garden Club", "payload": "1"}]}})
    assert [data for _, data, _ in sio.emitted] == [{
        "text": "Choose one.", "offer_cards": [CARD],
        "quick_replies": [{"content_type": "text", "title": "1. Garden Club", "payload": "1"}]}]


def test_cards_come_back_in_the_history():
    events = [{"event": "bot", "text": None, "data": {"custom": {"offer_cards": [CARD], "text": "Choose one."}}}]
    assert history_from_events(events) == [{"from": "bot", "text": "Choose one.", "offer_cards": [CARD],
                                            "quick_replies": []}]


def test_history_is_what_the_person_saw():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "hi", "metadata": {}},
        {"event": "bot", "text": "Hello.\n\nIs that OK?", "data": {"buttons": [
            {"title": "Yes, that's OK", "payload": "/affirm"}]}, "metadata": {}},
        {"event": "user", "text": "/affirm", "metadata": {"lwfd_display": "Yes, that's OK"}},
        {"event": "user", "text": "EXTERNAL: resume_assistant", "metadata": {}},
        {"event": "bot", "text": "Hi, I'm Sam.\n\nTake your time.",
         "metadata": {"lwfd_from": "worker", "lwfd_worker_name": "Sam"}},
        {"event": "bot", "text": "", "metadata": {}},
    ]
    assert history_from_events(events) == [
        {"from": "user", "text": "hi"},
        {"from": "bot", "text": "Hello."},
        {"from": "bot", "text": "Is that OK?", "quick_replies": [
            {"content_type": "text", "title": "Yes, that's OK", "payload": "/affirm"}]},
        {"from": "user", "text": "Yes, that's OK"},
        {"from": "worker", "text": "Hi, I'm Sam.\n\nTake your time.", "name": "Sam"},
    ]
    assert len(history_from_events([{"event": "user", "text": str(i)} for i in range(500)], limit=10)) == 10


@pytest.mark.parametrize("value, ok", [
    ("0123456789abcdef0123456789abcdef", True), ("abc-DEF_123456789", True),
    ("short", False), ("x" * 65, False), ("../../etc/passwd1234", False), (None, False), (42, False),
])
def test_only_session_ids_we_could_have_issued_are_accepted(value, ok):
    assert valid_session_id(value) == (value if ok else None)


def test_credentials_turn_on_session_persistence_and_the_page_exists():
    channel = WebChatInput.from_credentials({"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered"})
    assert channel.name() == "webchat" and channel.session_persistence is True
    assert channel.cors_allowed_origins is None  # same origin only
    html = (STATIC_DIR / "index.html").read_text()
    for needed in ('lang="en-GB"', "999", "111", "116 123", "85258", "not an emergency service",
                   "vendor/nhsuk-frontend/nhsuk-frontend-10.6.1.min.css",
                   "vendor/socket.io-client/socket.io-4.8.4.min.js"):
        assert needed in html
    assert "referral" not in html.lower()
