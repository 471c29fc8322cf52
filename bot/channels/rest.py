"""The plain REST channel, guarded: ``bot.channels.rest.GuardedRestInput`` at ``/webhooks/rest/webhook``.

Rasa's own ``rest`` channel takes any sender id (so anyone could speak as an SMS person by
sending their phone number), shares one conversation called ``default`` when there is none,
has no size limit and passes ``/intent{...}`` orders through. This one:

- is **off outside development** unless ``LWFD_REST_TOKEN`` is set, and then needs
  ``Authorization: Bearer <token>`` (compared in constant time); 404 / 401 otherwise;
- needs a JSON object with a ``sender`` (1 to 64 of ``[A-Za-z0-9_.:-]``, not a phone number)
  and a string ``message``; 400 otherwise, and 415 for anything but JSON;
- keeps every sender in its own namespace: the conversation is ``rest:<sender>``
  (:mod:`bot.channels.ids`), so no sender, not even ``sms:447700900123``, reaches an SMS or
  web chat conversation; the reply's ``recipient_id`` is the sender as given;
- screens the text (:mod:`bot.channels.text_guard`): normalised, 5,000 characters at most
  (longer: the polite ``utter_message_too_long`` answer, nothing processed), and a leading ``/``
  is words unless it is a button payload just offered to this sender;
- ignores any ``metadata`` the caller sends (metadata is set by our channels only).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.erasure_flow import ErasureFlow, confirm_text, done_text, erase_for
from bot.channels.ids import REST, conversation_id
from bot.channels.rate_limit import RateLimiter, client_address
from bot.channels.text_guard import screen, too_long_reply, tracker_payloads
from bot.config import refuse_unsafe_rasa_server, settings

logger = logging.getLogger(__name__)

SENDER = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
PHONE_LIKE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")
MAX_BODY_BYTES = 64 * 1024  # 5,000 characters of any script, as JSON, fit easily


def valid_sender(value: Any) -> str | None:
    """The sender id if it is a plain REST id (not a phone number), else None."""
    if isinstance(value, str) and SENDER.match(value) and not PHONE_LIKE.match(value):
        return value
    return None


class GuardedRestInput(InputChannel):
    """Rasa's REST channel contract (``[{"recipient_id", "text", ...}]`` back), guarded."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        refuse_unsafe_rasa_server()
        return cls()

    def __init__(self) -> None:
        self.limiter = RateLimiter.for_citizens()
        self.erasure = ErasureFlow()

    def _allowed(self, request: Request) -> HTTPResponse | None:
        """None when the caller may use the channel, else the refusal."""
        current = settings()
        if current.rest_token:
            scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                                     current.rest_token.encode()):
                return response.json({"error": "unauthorised"}, status=401)
            return None
        if current.development:
            return None
        return response.json({"error": "not found"}, status=404)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("lwfd_rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            refusal = self._allowed(request)
            return refusal or response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = self._allowed(request)
            if refusal:
                return refusal
            if request.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
                return response.json({"error": "JSON only"}, status=415)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "too large"}, status=413)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "not JSON"}, status=400)
            if not isinstance(body, dict):
                return response.json({"error": "a JSON object is needed"}, status=400)
            sender_id = valid_sender(body.get("sender"))
            message = body.get("message")
            if sender_id is None or not isinstance(message, str):
                return response.json({"error": "sender and message are required"}, status=400)

            agent = request.app.ctx.agent
            person = conversation_id(REST, sender_id)  # rest:<sender>, never another channel's
            screened = screen(message, await tracker_payloads(agent, person))
            if screened.too_long:
                return response.json([{"recipient_id": sender_id, "text": too_long_reply(agent)}])
            erasure = self.erasure.step(person, screened.text)
            if erasure == "ask":
                return response.json([{"recipient_id": sender_id, "text": confirm_text(agent)}])
            if erasure == "erase":
                await erase_for(agent, person)
                return response.json([{"recipient_id": sender_id, "text": done_text(agent)}])
            if not self.limiter.allow(person, client_address(request), screened.text):
                return response.json([{"recipient_id": sender_id, "text": self.limiter.reply(agent)}],
                                     status=429)
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(screened.text, collector, person,
                                             input_channel=self.name(),
                                             metadata={"lwfd_channel": "rest"}))
            return response.json([{**message, "recipient_id": sender_id} for message in collector.messages])

        return rest
