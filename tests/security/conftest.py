"""A production-mode stack (no development mode, real secrets) with every citizen channel on,
and helpers to reach each channel the way an attacker would: plain HTTP, socket.io, signed SMS."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from bot.channels.fake_twilio import FakeTwilio, signed_webhook, webhook_params
from tests.support.stack import RasaStack, conversation_of

STRONG = {
    "LWFD_RASA_TOKEN": "rasa-token-for-the-security-tests-0001",
    "LWFD_ACTION_TOKEN": "action-token-for-the-security-tests-0002",
    "LWFD_HUB_SECRET": "hub-secret-for-the-security-tests-0003",
    "LWFD_REST_TOKEN": "rest-token-for-the-security-tests-0004",
    "TWILIO_AUTH_TOKEN": "twilio-token-for-the-security-tests-05",
    "LWFD_DATA_KEY": "data-key-for-the-security-tests-000006",
}
ACCOUNT_SID = "ACsec0000000000000000000000000000"


@dataclass
class Prod:
    stack: RasaStack
    fake: FakeTwilio
    sms_webhook: str

    @property
    def rasa(self) -> str:
        return self.stack.rasa_url

    def rest(self, body: Any, *, token: str | None = STRONG["LWFD_REST_TOKEN"],
             content_type: str = "application/json", raw: bytes | None = None) -> requests.Response:
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        import json

        data = raw if raw is not None else json.dumps(body).encode()
        return requests.post(f"{self.rasa}/webhooks/rest/webhook", data=data, headers=headers, timeout=120)

    def rest_say(self, sender: str, text: str) -> str:
        answer = self.rest({"sender": sender, "message": text})
        assert answer.status_code == 200, answer.text[:300]
        return "\n".join(m.get("text", "") for m in answer.json())

    def sms(self, phone: str, body: str, sid: str | None = None) -> str:
        """Text in through a signed webhook; the texts that came back, joined."""
        before = len(self.fake.bodies_to(phone))
        params = webhook_params(phone, body, message_sid=sid)
        headers = signed_webhook(params, self.sms_webhook, STRONG["TWILIO_AUTH_TOKEN"])
        answer = requests.post(self.sms_webhook, data=params, headers=headers, timeout=120)
        assert answer.status_code == 200, answer.text[:300]
        return "\n".join(self.fake.bodies_to(phone)[before:])

    def events(self, sender: str) -> list[dict[str, Any]]:
        answer = requests.get(f"{self.rasa}/conversations/{conversation_of(sender)}/tracker",
                              params={"token": STRONG["LWFD_RASA_TOKEN"]}, timeout=60)
        answer.raise_for_status()
        return answer.json()["events"]

    def user_texts(self, sender: str) -> list[str]:
        return [e.get("text") or "" for e in self.events(sender) if e.get("event") == "user"]

    def slots(self, sender: str) -> dict[str, Any]:
        answer = requests.get(f"{self.rasa}/conversations/{conversation_of(sender)}/tracker",
                              params={"token": STRONG["LWFD_RASA_TOKEN"]}, timeout=60)
        return answer.json()["slots"]


async def webchat_exchange(rasa_url: str, text: str | None, session_id: str | None = None,
                           quiet: float = 3.0, most: float = 90.0) -> tuple[str, list[dict[str, Any]]]:
    """Open the web chat socket, (re)join ``session_id``, send ``text``; (session id, replies)."""
    import socketio

    replies: list[dict[str, Any]] = []
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    client = socketio.AsyncClient(reconnection=False)

    @client.on("session_confirm")
    async def on_confirm(sid: Any) -> None:
        if not confirmed.done():
            confirmed.set_result(sid)

    @client.on("bot_uttered")
    async def on_bot(data: Any) -> None:
        replies.append(data if isinstance(data, dict) else {"text": str(data)})

    await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        session = str(await asyncio.wait_for(confirmed, 30))
        if text is not None:
            await client.emit("user_uttered", {"message": text, "session_id": session})
            start = last = time.monotonic()
            seen = 0
            while time.monotonic() - start < most:
                await asyncio.sleep(0.3)
                if len(replies) != seen:
                    seen, last = len(replies), time.monotonic()
                elif replies and time.monotonic() - last > quiet:
                    break
    finally:
        await client.disconnect()
    return session, replies


def webchat_say(rasa_url: str, text: str | None, session_id: str | None = None) -> tuple[str, str]:
    session, replies = asyncio.run(webchat_exchange(rasa_url, text, session_id))
    return session, "\n".join(str(r.get("text") or "") for r in replies)


@pytest.fixture(scope="session")
def prod(trained_model, tmp_path_factory):
    """Rasa + action server as production runs them: LWFD_ENV unset, strong secrets everywhere."""
    fake = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=STRONG["TWILIO_AUTH_TOKEN"]).start()
    stack = RasaStack(workdir=tmp_path_factory.mktemp("prod"), model=trained_model,
                      token=STRONG["LWFD_RASA_TOKEN"], action_token=STRONG["LWFD_ACTION_TOKEN"])
    webhook = f"{stack.rasa_url}/webhooks/twilio/webhook"
    stack.credentials = {
        "rest": None,
        "bot.channels.webchat.WebChatInput": {"session_persistence": True, "socketio_path": "/socket.io"},
        "bot.channels.twilio_sms.TwilioSmsInput": {"public_url": webhook, "api_base": fake.base_url,
                                                   "account_sid": ACCOUNT_SID},
    }
    stack.extra_env = {**STRONG, "LWFD_ENV": "production", "LWFD_TWILIO_API_BASE": fake.base_url,
                       "LWFD_PUBLIC_SMS_WEBHOOK_URL": webhook, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                       # every test comes from 127.0.0.1: the address limit is tested on its own
                       "LWFD_RATE_ADDRESS": "100000", "LWFD_RATE_SENDER": "20"}
    stack.start()
    yield Prod(stack, fake, webhook)
    stack.stop()
    fake.stop()
