"""The hardened Twilio SMS channel, over real HTTP on loopback.

A real Sanic server serves the channel's blueprint, registered the way ``rasa run`` registers
input channels (``rasa.core.channels.channel.register`` under ``/webhooks/``). A small stand-in
for Rasa's agent records each message and replies through the message's output channel with
``send_response``, as Rasa's processor does. Replies go through the real twilio client to
:class:`~bot.channels.fake_twilio.FakeTwilio`, and webhooks are signed with the real
``RequestValidator``.
"""

from __future__ import annotations

import shutil
import socket
import unicodedata
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from sqlalchemy import select

from bot.channels.fake_twilio import FakeTwilio, signed_webhook, webhook_params
from bot.channels.models import SmsInbound, SmsOptEvent
from bot.channels.optout import OptedOutError, is_opted_out, record_opt_out
from bot.channels.sms_keywords import HELP_REPLY, STOP_REPLY
from bot.channels.sms_store import claim_message, message_state
from bot.channels.sms_text import DEFAULT_MAX_SEGMENTS, segments
from bot.channels.twilio_sms import SmsSendError, TwilioSmsInput, TwilioSmsOutput
from bot.store.db import session_scope
from bot.store.protected import lookup_hash

ACCOUNT = "AC" + "1" * 32
TOKEN = "test-twilio-auth-token"
NUMBER = "+447700900000"
PERSON = "+447700900123"
CONVERSATION = "sms:" + PERSON  # the Rasa conversation id of PERSON (bot.channels.ids)
CONTACT_BUTTONS = [
    {"title": "Phone call", "payload": "/contact_how{\"how\": \"phone\"}"},
    {"title": "Text message", "payload": "/contact_how{\"how\": \"sms\"}"},
    {"title": "Email", "payload": "/contact_how{\"how\": \"email\"}"},
]


class Assistant:
    """Stands in for Rasa's agent: records what reaches it and answers like the processor."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []
        self.fail_next = 0
        self.long_reply = ""

    async def handle_message(self, message: UserMessage) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("the assistant fell over")
        self.received.append(message)
        out, to = message.output_channel, message.sender_id
        if message.text == "how can you contact me":
            await out.send_response(to, {"text": "How would you like the Hub to contact you?",
                                         "buttons": [dict(b) for b in CONTACT_BUTTONS]})
        elif message.text == "tell me everything":
            await out.send_response(to, {"text": self.long_reply})
        elif message.text == "three bubbles":
            for bubble in ("Thank you for telling me.", "Here is one idea.", "Is that OK?"):
                await out.send_response(to, {"text": bubble})
        else:
            await out.send_response(to, {"text": f"Thanks. I heard: {message.text}"})

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.received]


@dataclass
class SmsServer:
    """A real Sanic server on a free loopback port with the SMS channel registered."""

    channel: TwilioSmsInput
    assistant: Assistant
    port: int
    server: Any = None
    http: aiohttp.ClientSession | None = None
    sids: list[str] = field(default_factory=list)

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/twilio/webhook"

    @classmethod
    async def start(cls, db: str, fake: FakeTwilio, assistant: Assistant | None = None) -> SmsServer:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        channel = TwilioSmsInput(account_sid=ACCOUNT, auth_token=TOKEN, twilio_number=NUMBER,
                                 public_url=f"http://127.0.0.1:{port}/webhooks/twilio/webhook",
                                 api_base=fake.base_url, database_url=db)
        self = cls(channel=channel, assistant=assistant or Assistant(), port=port)
        Sanic.test_mode = True  # as sanic-testing does: lets several apps start in one process
        app = Sanic(f"sms_{uuid.uuid4().hex}")
        app.ctx.agent = self.assistant
        register([channel], app, route="/webhooks/")  # exactly how `rasa run` mounts channels
        self.server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()
        self.http = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        await self.http.close()
        await self.server.before_stop()
        await self.server.close()
        await self.server.after_stop()

    async def post(self, params: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, str]:
        async with self.http.post(self.webhook_url, data=params, headers=headers or {}) as reply:
            return reply.status, await reply.text()

    async def text(self, body: str, *, sid: str | None = None, from_: str = PERSON,
                   num_media: int = 0) -> int:
        """Post an incoming SMS signed as Twilio signs it; returns the HTTP status."""
        params = webhook_params(from_, body, to=NUMBER, message_sid=sid, account_sid=ACCOUNT,
                                num_media=num_media)
        self.sids.append(params["MessageSid"])
        status, _ = await self.post(params, signed_webhook(params, self.webhook_url, TOKEN))
        return status


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated app database per run; each test gets a copy (migrating each time is slow)."""
    from bot.store.db import dispose_engines, migrate

    path = tmp_path_factory.mktemp("sms_template") / "app.db"
    migrate(f"sqlite:///{path}")
    dispose_engines()
    return path


@pytest.fixture
def app_db(migrated_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated app database for one test (a copy of the template)."""
    target = tmp_path / "app.db"
    shutil.copyfile(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as running:
        yield running


@pytest.fixture
async def sms(app_db: str, fake: FakeTwilio) -> AsyncIterator[SmsServer]:
    server = await SmsServer.start(app_db, fake)
    yield server
    await server.stop()


def strict_output(sms: SmsServer) -> TwilioSmsOutput:
    """What Rasa's HTTP API gets for ``output_channel=latest`` (a Hub worker's reply)."""
    return sms.channel.get_output_channel()


# -- the webhook is Twilio's alone -------------------------------------------------------------

async def test_health_at_rasas_twilio_path(sms: SmsServer) -> None:
    async with sms.http.get(f"http://127.0.0.1:{sms.port}/webhooks/twilio/") as reply:
        assert reply.status == 200
        assert await reply.json() == {"status": "ok"}


async def test_unsigned_webhook_is_refused_and_not_processed(sms: SmsServer, fake: FakeTwilio,
                                                             app_db: str) -> None:
    params = webhook_params(PERSON, "hello", to=NUMBER, account_sid=ACCOUNT)
    status, _ = await sms.post(params)
    assert status == 403
    assert sms.assistant.received == [] and fake.sent == []
    assert message_state(params["MessageSid"], url=app_db) is None  # not even de-duplication saw it


@pytest.mark.parametrize("forgery", ["wrong token", "tampered body", "other url", "garbage"])
async def test_forged_webhook_is_refused_and_not_processed(sms: SmsServer, fake: FakeTwilio, app_db: str,
                                                           forgery: str) -> None:
    params = webhook_params(PERSON, "hello", to=NUMBER, account_sid=ACCOUNT)
    if forgery == "wrong token":
        headers = signed_webhook(params, sms.webhook_url, "not-the-auth-token")
    elif forgery == "tampered body":
        headers = signed_webhook(params, sms.webhook_url, TOKEN)
        params = {**params, "Body": "STOP"}
    elif forgery == "other url":
        headers = signed_webhook(params, "https://attacker.example/webhooks/twilio/webhook", TOKEN)
    else:
        headers = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    status, _ = await sms.post(params, headers)
    assert status == 403
    assert sms.assistant.received == [] and fake.sent == []
    assert not is_opted_out(PERSON, url=app_db)
    assert message_state(params["MessageSid"], url=app_db) is None


async def test_signed_message_reaches_the_assistant_and_the_reply_goes_by_sms(sms: SmsServer,
                                                                              fake: FakeTwilio) -> None:
    params = webhook_params(PERSON, "I've been struggling with rent", to=NUMBER, account_sid=ACCOUNT)
    status, body = await sms.post(params, signed_webhook(params, sms.webhook_url, TOKEN))
    assert status == 200 and "<Response>" in body
    [message] = sms.assistant.received
    assert message.text == "I've been struggling with rent"
    assert message.sender_id == CONVERSATION and message.input_channel == "twilio"
    assert message.message_id == params["MessageSid"]
    assert message.metadata["lwfd_channel"] == "sms" and "Body" not in message.metadata
    [sent] = fake.sent
    assert sent["to"] == PERSON and sent["from"] == NUMBER and sent["status"] == "queued"
    assert sent["body"] == "Thanks. I heard: I've been struggling with rent"
    assert sent["sid"].startswith("SM")


# -- Twilio's retries ----------------------------------------------------------------------------

async def test_a_retried_webhook_is_answered_once(sms: SmsServer, fake: FakeTwilio, app_db: str) -> None:
    assert await sms.text("hello", sid="SM" + "a" * 32) == 200
    assert await sms.text("hello", sid="SM" + "a" * 32) == 200
    assert await sms.text("hello", sid="SM" + "a" * 32) == 200
    assert sms.assistant.texts == ["hello"]
    assert len(fake.bodies_to(PERSON)) == 1
    with session_scope(app_db) as session:
        [row] = session.execute(select(SmsInbound)).scalars().all()
        assert (row.state, row.outcome, row.attempts) == ("done", "assistant", 1)


async def test_a_message_that_failed_is_handled_on_retry(sms: SmsServer, fake: FakeTwilio, app_db: str) -> None:
    sms.assistant.fail_next = 1
    sid = "SM" + "b" * 32
    assert await sms.text("please call me tomorrow", sid=sid) == 500
    assert message_state(sid, url=app_db) == "failed"
    assert sms.assistant.received == [] and fake.sent == []
    assert await sms.text("please call me tomorrow", sid=sid) == 200
    assert sms.assistant.texts == ["please call me tomorrow"]
    assert fake.bodies_to(PERSON) == ["Thanks. I heard: please call me tomorrow"]
    assert await sms.text("please call me tomorrow", sid=sid) == 200  # and then never again
    assert len(fake.sent) == 1 and message_state(sid, url=app_db) == "done"


async def test_a_retry_while_another_replica_works_on_it_asks_twilio_to_come_back(
        sms: SmsServer, fake: FakeTwilio, app_db: str) -> None:
    sid = "SM" + "c" * 32
    assert claim_message(sid, PERSON, url=app_db) == "claimed"  # another replica has it
    assert await sms.text("hello", sid=sid) == 503
    assert sms.assistant.received == [] and fake.sent == []


def test_claims(app_db: str) -> None:
    from datetime import timedelta

    from bot.channels.sms_store import fail_message, finish_message

    assert claim_message("SM1", PERSON, url=app_db) == "claimed"
    assert claim_message("SM1", PERSON, url=app_db) == "busy"
    assert claim_message("SM1", PERSON, url=app_db, lease=timedelta(0)) == "claimed"  # the first replica died
    fail_message("SM1", url=app_db)
    assert claim_message("SM1", PERSON, url=app_db) == "claimed"
    finish_message("SM1", "assistant", url=app_db)
    assert claim_message("SM1", PERSON, url=app_db, lease=timedelta(0)) == "done"


# -- STOP, START, HELP ---------------------------------------------------------------------------

async def test_stop_is_recorded_confirmed_once_and_then_nothing_is_sent(sms: SmsServer, fake: FakeTwilio,
                                                                        app_db: str) -> None:
    assert await sms.text("hello") == 200
    fake.clear()
    assert await sms.text("Stop") == 200
    assert is_opted_out(PERSON, url=app_db)
    assert fake.bodies_to(PERSON) == [STOP_REPLY]
    assert sms.assistant.texts == ["hello"]  # STOP never reached the assistant
    with session_scope(app_db) as session:
        [event] = session.execute(select(SmsOptEvent)).scalars().all()
        # the number itself is never stored: only its keyed lookup hash (bot/store/protected.py)
        assert (event.phone, event.action, event.keyword) == (lookup_hash(PERSON), "opt_out", "STOP")

    fake.clear()
    assert await sms.text("STOP") == 200  # no second confirmation
    assert await sms.text("are you still there?") == 200  # read by the assistant, but nothing sent
    assert await sms.text("") == 200
    assert await sms.text("how can you contact me") == 200
    assert fake.sent == []
    assert sms.assistant.received[-1].metadata["sms_opted_out"] is True

    with pytest.raises(OptedOutError, match="texted STOP"):
        await strict_output(sms).send_text_message(PERSON, "Hello, it's Sam from the Hub.",
                                                   lwfd_from="worker", lwfd_worker_name="Sam")
    with pytest.raises(OptedOutError):
        await strict_output(sms).send_response(PERSON, {"text": "Pick one", "buttons": CONTACT_BUTTONS})
    assert fake.sent == []


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "end", "QUIT", "stop."])
async def test_every_stop_word_opts_out(sms: SmsServer, fake: FakeTwilio, app_db: str, word: str) -> None:
    assert await sms.text(word) == 200
    assert is_opted_out(PERSON, url=app_db)
    assert fake.bodies_to(PERSON) == [STOP_REPLY]
    assert sms.assistant.received == []


async def test_start_resumes(sms: SmsServer, fake: FakeTwilio, app_db: str) -> None:
    await sms.text("STOP")
    await sms.text("START")
    assert not is_opted_out(PERSON, url=app_db)
    fake.clear()
    assert await sms.text("hello again") == 200
    assert fake.bodies_to(PERSON) == ["Thanks. I heard: hello again"]
    await strict_output(sms).send_text_message(PERSON, "A worker reply")
    assert len(fake.bodies_to(PERSON)) == 2
    with session_scope(app_db) as session:
        actions = [e.action for e in session.execute(select(SmsOptEvent).order_by(SmsOptEvent.id)).scalars()]
    assert actions == ["opt_out", "opt_in"]
    assert "START" not in sms.assistant.texts


async def test_yes_resumes_only_after_stop(sms: SmsServer, fake: FakeTwilio, app_db: str) -> None:
    await sms.text("yes")
    assert sms.assistant.texts == ["yes"]  # an ordinary answer
    await sms.text("stop")
    await sms.text("Yes")
    assert not is_opted_out(PERSON, url=app_db)
    assert sms.assistant.texts == ["yes"]


async def test_help_answers_with_crisis_contacts_without_the_assistant(sms: SmsServer,
                                                                       fake: FakeTwilio) -> None:
    assert await sms.text("HELP") == 200
    [reply] = fake.bodies_to(PERSON)
    assert reply == HELP_REPLY
    for contact in ("999", "Samaritans", "116 123", "SHOUT", "85258", "111, option 2", "STOP"):
        assert contact in reply
    assert "patient" not in reply.lower()
    assert sms.assistant.received == []
    await sms.text("STOP")
    fake.clear()
    await sms.text("help")  # still answered after STOP: it carries the crisis lines
    assert fake.bodies_to(PERSON) == [HELP_REPLY]


async def test_twilio_reporting_unsubscribed_is_recorded_and_raised(sms: SmsServer, fake: FakeTwilio,
                                                                    app_db: str) -> None:
    fake.unsubscribed.add(PERSON)  # the person texted STOP to Twilio directly (error 21610)
    with pytest.raises(OptedOutError):
        await strict_output(sms).send_text_message(PERSON, "Hello from the Hub")
    assert is_opted_out(PERSON, url=app_db)
    assert fake.sent == []


async def test_other_twilio_failures_reach_the_hub_console(sms: SmsServer, fake: FakeTwilio) -> None:
    fake.failures.append(500)
    with pytest.raises(SmsSendError):
        await strict_output(sms).send_text_message(PERSON, "Hello from the Hub")
    fake.failures.append(500)
    assert await sms.text("hello") == 200  # an incoming text is still handled (and not retried)
    assert sms.assistant.texts == ["hello"]


# -- buttons as numbered choices --------------------------------------------------------------

async def test_buttons_become_numbered_choices_and_numbers_map_back(app_db: str, sms: SmsServer,
                                                                    fake: FakeTwilio) -> None:
    await sms.text("how can you contact me")
    [offer] = fake.bodies_to(PERSON)
    assert offer == ("How would you like the Hub to contact you?\n\n"
                     "Reply 1 for Phone call, 2 for Text message or 3 for Email.")
    await sms.text("2")
    assert sms.assistant.texts[-1] == CONTACT_BUTTONS[1]["payload"]
    assert sms.assistant.received[-1].metadata["choice_title"] == "Text message"
    await sms.text("2")  # the choices were answered: a bare number is free text now
    assert sms.assistant.texts[-1] == "2"


async def test_button_words_and_free_text(sms: SmsServer) -> None:
    await sms.text("how can you contact me")
    await sms.text("phone call!")
    assert sms.assistant.texts[-1] == CONTACT_BUTTONS[0]["payload"]
    await sms.text("how can you contact me")
    await sms.text("Could you write to my sister instead?")
    assert sms.assistant.texts[-1] == "Could you write to my sister instead?"


async def test_choices_survive_a_restart_and_another_replica(app_db: str, sms: SmsServer, fake: FakeTwilio) -> None:
    await sms.text("how can you contact me")
    other = await SmsServer.start(app_db, fake)  # a second replica (or the same after a restart)
    try:
        assert await other.text("3") == 200
        assert other.assistant.texts == [CONTACT_BUTTONS[2]["payload"]]
    finally:
        await other.stop()


# -- awkward bodies ------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "I feel so alone 😔💔",
    "أشعر بالوحدة ولا أعرف إلى من أتحدث",
    "我最近睡不好，也很孤独",
    "Zażółć gęślą jaźń",
    "👍",
])
async def test_any_script_and_emoji(sms: SmsServer, fake: FakeTwilio, body: str) -> None:
    assert await sms.text(body) == 200
    read = unicodedata.normalize("NFKC", body)  # text is normalised before it is understood
    assert sms.assistant.texts == [read]
    [reply] = fake.bodies_to(PERSON)
    assert reply == f"Thanks. I heard: {read}"
    assert segments(reply) <= DEFAULT_MAX_SEGMENTS


@pytest.mark.parametrize(("body", "num_media", "expected"), [
    ("", 1, "I can only read words"),
    ("", 0, "came through empty"),
    ("   \n ", 0, "came through empty"),
])
async def test_empty_bodies_get_a_short_clear_reply(sms: SmsServer, fake: FakeTwilio, body: str,
                                                    num_media: int, expected: str) -> None:
    assert await sms.text(body, num_media=num_media) == 200
    [reply] = fake.bodies_to(PERSON)
    assert expected in reply and segments(reply) <= 2
    assert sms.assistant.received == []


async def test_a_long_body_within_the_limit_is_read_whole(sms: SmsServer, fake: FakeTwilio) -> None:
    body = ("I don't know where to start. " * 200)[:5000].strip()
    assert await sms.text(body) == 200
    [message] = sms.assistant.received
    assert message.text == body  # never cut
    assert message.metadata["truncated"] is False


async def test_a_body_over_the_limit_is_answered_and_not_processed(sms: SmsServer, fake: FakeTwilio) -> None:
    assert await sms.text("word " * 1001) == 200
    assert sms.assistant.received == []
    [reply] = fake.bodies_to(PERSON)
    assert "too long" in reply and "116 123" in reply
    assert segments(reply) <= DEFAULT_MAX_SEGMENTS


async def test_the_intent_shortcut_typed_by_sms_is_words(sms: SmsServer, fake: FakeTwilio) -> None:
    assert await sms.text('/greet{"risk_flag":"none"}') == 200
    [message] = sms.assistant.received
    assert message.text == 'greet{"risk_flag":"none"}'


async def test_long_replies_are_split_cleanly(sms: SmsServer, fake: FakeTwilio) -> None:
    sms.assistant.long_reply = ("Here is something that might help. The Hub can talk with you about "
                                "housing, money and feeling alone. ") * 12
    await sms.text("tell me everything")
    replies = fake.bodies_to(PERSON)
    assert len(replies) > 1
    assert all(segments(r) <= DEFAULT_MAX_SEGMENTS and r.endswith(".") for r in replies)
    assert " ".join(replies).split() == sms.assistant.long_reply.split()
    assert [int(m["num_segments"]) for m in fake.sent] == [segments(r) for r in replies]


async def test_one_turns_short_replies_go_as_one_text(sms: SmsServer, fake: FakeTwilio) -> None:
    await sms.text("three bubbles")
    assert fake.bodies_to(PERSON) == ["Thank you for telling me.\n\nHere is one idea.\n\nIs that OK?"]


async def test_a_worker_reply_outside_a_turn_is_sent_at_once(sms: SmsServer, fake: FakeTwilio) -> None:
    await strict_output(sms).send_text_message(CONVERSATION, "Hello, it's the Hub.")
    assert fake.bodies_to(PERSON) == ["Hello, it's the Hub."]
    assert [m["to"] for m in fake.sent] == [PERSON]  # the bare number, never "sms:+44..."


async def test_a_reply_to_a_conversation_that_is_not_sms_is_never_texted(sms: SmsServer, fake: FakeTwilio) -> None:
    """A Hub reply through the SMS output for a web or REST id (or a REST id that looks like a
    number) is refused, not texted to whatever the id says."""
    for other in ("web:0123456789abcdef0123456789abcdef", "rest:447700900123", "rest:sms:447700900123"):
        with pytest.raises(SmsSendError):
            await strict_output(sms).send_text_message(other, "Hello, it's the Hub.")
    await sms.channel.get_output_channel(strict=False).send_text_message("rest:447700900123", "hello")
    assert fake.sent == []


async def test_a_from_that_is_not_a_number_is_refused(sms: SmsServer, fake: FakeTwilio) -> None:
    params = webhook_params("sms:+447700900123", "hello", to=NUMBER, account_sid=ACCOUNT)
    status, _ = await sms.post(params, signed_webhook(params, sms.webhook_url, TOKEN))
    assert status == 400 and sms.assistant.received == [] and fake.sent == []


# -- replies from the Hub and other kinds of message -----------------------------------------------

async def test_worker_reply_is_signed_with_their_first_name(sms: SmsServer, fake: FakeTwilio) -> None:
    await strict_output(sms).send_response(CONVERSATION, {"text": "I can call you at 3pm.", "lwfd_from": "worker",
                                                          "lwfd_worker_name": "Sam Okafor"})
    assert fake.bodies_to(PERSON) == ["Sam (Hub worker): I can call you at 3pm."]


async def test_a_worker_reply_clears_the_choices_of_the_number(app_db: str, sms: SmsServer,
                                                               fake: FakeTwilio) -> None:
    """The numbered choices are kept by number; a worker's reply to ``sms:<number>`` clears them."""
    from bot.channels.sms_store import last_buttons

    await sms.text("how can you contact me")
    assert last_buttons(PERSON, url=app_db)
    await strict_output(sms).send_text_message(CONVERSATION, "Hello", lwfd_from="worker", lwfd_worker_name="Sam")
    assert last_buttons(PERSON, url=app_db) == []


async def test_custom_image_and_attachment(sms: SmsServer, fake: FakeTwilio) -> None:
    out = strict_output(sms)
    await out.send_response(PERSON, {"custom": {"text": "From a custom payload"}})
    await out.send_response(PERSON, {"custom": {"kind": "no text here"}})
    await out.send_response(PERSON, {"image": "https://example.org/map.png"})
    await out.send_response(PERSON, {"attachment": {"type": "file", "payload": {"src": "https://example.org/a.pdf"}}})
    assert fake.bodies_to(PERSON) == ["From a custom payload", "Picture: https://example.org/map.png",
                                      "Link: https://example.org/a.pdf"]


def test_rasa_http_api_latest_output_channel_is_this_sms_channel(app_db: str) -> None:
    """``output_channel=latest`` after an SMS resolves to our strict output (for the Hub console)."""
    from rasa.server import _get_output_channel
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    channel = TwilioSmsInput(account_sid=ACCOUNT, auth_token=TOKEN, database_url=app_db)
    tracker = DialogueStateTracker.from_events(CONVERSATION, [UserUttered("hi", input_channel="twilio")])
    request = SimpleNamespace(args={"output_channel": "latest"},
                              app=SimpleNamespace(ctx=SimpleNamespace(input_channels=[channel])))
    output = _get_output_channel(request, tracker)
    assert isinstance(output, TwilioSmsOutput) and output.strict and output.name() == "twilio"


def test_credentials_fall_back_to_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from rasa.core.run import create_http_input_channels

    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-the-environment")
    monkeypatch.setenv("TWILIO_NUMBER", "+447700900999")
    monkeypatch.setenv("LWFD_PUBLIC_SMS_WEBHOOK_URL", "https://front-door.example/webhooks/twilio/webhook")
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("bot.channels.twilio_sms.TwilioSmsInput:\n")
    [channel] = create_http_input_channels(None, str(credentials))  # what `rasa run` does
    assert isinstance(channel, TwilioSmsInput) and channel.name() == "twilio"
    assert channel.url_prefix() == "twilio"
    assert (channel.account_sid, channel.auth_token, channel.twilio_number) == (
        ACCOUNT, "from-the-environment", "+447700900999")
    assert channel.public_url == "https://front-door.example/webhooks/twilio/webhook"
    assert channel.api_base == ""

    credentials.write_text("bot.channels.twilio_sms.TwilioSmsInput:\n  twilio_number: '+447700900111'\n"
                           "  api_base: http://127.0.0.1:8765\n  max_segments: 2\n")
    [channel] = create_http_input_channels(None, str(credentials))
    assert channel.twilio_number == "+447700900111" and channel.auth_token == "from-the-environment"
    output = channel.get_output_channel()
    assert output.client.api.base_url == "http://127.0.0.1:8765" and output.max_segments == 2


def test_record_opt_out_directly(app_db: str) -> None:
    assert not is_opted_out(PERSON, url=app_db)
    record_opt_out(" +44 7700 900123 ", url=app_db)
    assert is_opted_out(PERSON, url=app_db)


def test_the_shipped_credentials_enable_the_signature_checked_sms_channel() -> None:
    """`make run` uses credentials.yml: the SMS address it prints must answer."""
    from rasa.core.run import create_http_input_channels

    repo = Path(__file__).resolve().parents[2]
    channels = create_http_input_channels(None, str(repo / "credentials.yml"))
    [sms] = [c for c in channels if isinstance(c, TwilioSmsInput)]
    assert sms.name() == "twilio" and sms.auth_token  # webhooks are checked against this token


def test_help_puts_the_people_to_talk_to_first() -> None:
    first_line = HELP_REPLY.split(". ")[0]
    assert "Samaritans 116 123" in first_line and HELP_REPLY.index("116 123") < HELP_REPLY.index("Hub's text line")


async def test_every_reply_to_a_text_goes_to_the_number_it_came_from(sms: SmsServer, fake: FakeTwilio) -> None:
    """Keyword answers and the assistant's replies alike: the conversation is ``sms:<From>``, the
    texts go to ``From`` itself (also a short code without ``+``)."""
    for number in (PERSON, "80010"):
        assert await sms.text("HELP", from_=number) == 200
        assert await sms.text("hello", from_=number) == 200
        assert len(fake.bodies_to(number)) == 2
        assert sms.assistant.received[-1].sender_id == f"sms:{number}"
    assert {m["to"] for m in fake.sent} == {PERSON, "80010"}
