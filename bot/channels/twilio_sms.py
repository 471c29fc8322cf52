"""A hardened Twilio SMS channel that replaces Rasa's own at ``/webhooks/twilio/webhook``.

Rasa's ``TwilioInput`` trusts any POST, answers Twilio's retries twice, ignores STOP and sends
buttons as separate texts. This one, configured in ``credentials.yml`` as
``bot.channels.twilio_sms.TwilioSmsInput``, adds: X-Twilio-Signature checking (403 otherwise),
MessageSid de-duplication in the app database, STOP/START/HELP answered before the assistant,
numbered choices for buttons, replies kept within a few SMS segments, and safe handling of
empty, media-only and very long messages (over the one size limit: answered, not processed),
and text is text (``bot.channels.text_guard``: normalised; ``/intent`` typed is words). See ``docs/channels.md``.

Every credentials key is optional and falls back to :func:`bot.config.settings`
(``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_NUMBER``, ``LWFD_TWILIO_API_BASE``,
``LWFD_PUBLIC_SMS_WEBHOOK_URL``, ``LWFD_DATABASE_URL``), so secrets can stay in the environment.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels import sms_keywords as kw
from bot.channels.erasure_flow import ErasureFlow, confirm_text, done_text, erase_for
from bot.channels.ids import SMS, conversation_id, phone_of
from bot.channels.optout import OptedOutError, is_opted_out, record_opt_in, record_opt_out
from bot.channels.rate_limit import RateLimiter
from bot.channels.sms_store import (
    claim_message,
    clear_buttons,
    fail_message,
    finish_message,
    last_buttons,
    save_buttons,
)
from bot.channels.sms_text import (
    DEFAULT_MAX_SEGMENTS,
    button_title,
    join_for_sms,
    match_choice,
    numbered_choices,
    segments,
    smart_encode,
    split_for_sms,
)
from bot.channels.text_guard import screen, too_long_reply
from bot.config import refuse_unsafe_rasa_server, settings
from bot.store.models import utcnow

__all__ = ["OptedOutError", "SmsSendError", "TwilioSmsInput", "TwilioSmsOutput"]

logger = logging.getLogger(__name__)
# The twilio library logs every request at INFO; keep it quiet (it would log recipients).
_twilio_http_logger = logging.getLogger("bot.channels.twilio_http")
_twilio_http_logger.setLevel(logging.WARNING)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
UNSUBSCRIBED_RECIPIENT = 21610  # Twilio's error code for a number that texted STOP to Twilio itself


class SmsSendError(RuntimeError):
    """Twilio refused or failed to take an SMS (the reason is in ``__cause__``)."""


def _first_name(name: Any) -> str:
    parts = str(name or "").split()
    return parts[0] if parts else ""


class TwilioSmsOutput(OutputChannel):
    """Sends replies as SMS through the real twilio client, never to a number that opted out.

    ``strict=True`` (used for Hub workers' replies through Rasa's HTTP API) raises
    :class:`OptedOutError` or :class:`SmsSendError` so the console can say why nothing was sent.
    ``strict=False`` (used while answering an incoming text) drops and logs instead, so one
    failed reply never makes Twilio retry and the assistant run twice.
    """

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, account_sid: str, auth_token: str, twilio_number: str, api_base: str = "", *,
                 database_url: str | None = None, max_segments: int = DEFAULT_MAX_SEGMENTS,
                 strict: bool = True, client: Client | None = None) -> None:
        self.twilio_number = twilio_number
        self.database_url = database_url
        self.max_segments = max_segments
        self.strict = strict
        self.client = client or Client(account_sid, auth_token, http_client=TwilioHttpClient(
            timeout=15, logger=_twilio_http_logger, max_retries=2))
        if api_base:
            # twilio 8.x: each domain (here "api") keeps its base URL on the Domain object.
            self.client.api.base_url = api_base.rstrip("/")
        self.sent_sids: list[str] = []
        self._turn: list[str] | None = None  # replies held back to go as one text per turn

    # -- one text per turn -------------------------------------------------------------------
    def begin_turn(self) -> None:
        """Hold the assistant's replies to one incoming text, to send them joined."""
        self._turn = []

    async def end_turn(self, recipient_id: str) -> None:
        """Send the held replies as few texts as fit (``join_for_sms``), in order."""
        bubbles, self._turn = self._turn or [], None
        if not bubbles:
            return
        to = self._phone(recipient_id)
        if to is None:
            return
        for text in join_for_sms(bubbles, self.max_segments):
            if not await self._create(to, text):
                return

    def _phone(self, recipient_id: str) -> str | None:
        """The number to text for a conversation id (``sms:+44...`` -> ``+44...``).

        A web or REST conversation has no number: strict raises, else nothing is sent, so a
        reply can never be texted to a session id or a REST sender.
        """
        to = phone_of(recipient_id)
        if to is None:
            logger.error("SMS not sent: the conversation is not an SMS person's")
            if self.strict:
                raise SmsSendError("This conversation is not with an SMS number, so no text was sent.")
        return to

    # -- the one way out -------------------------------------------------------------------
    async def _create(self, to: str, body: str) -> bool:
        """Hand one message to Twilio; False when the number turns out to be unsubscribed."""
        try:
            message = await asyncio.to_thread(self.client.messages.create, to=to, from_=self.twilio_number,
                                              body=body)
        except TwilioRestException as error:
            if error.code == UNSUBSCRIBED_RECIPIENT:
                if not await asyncio.to_thread(is_opted_out, to, url=self.database_url):
                    await asyncio.to_thread(record_opt_out, to, None, source="twilio_21610", url=self.database_url)
                if self.strict:
                    raise OptedOutError(to) from error
                logger.info("SMS not sent: Twilio reports the number unsubscribed (recorded)")
                return False
            logger.error("Twilio refused an SMS (HTTP %s, code %s)", error.status, error.code)
            if self.strict:
                raise SmsSendError(f"Twilio refused the message (code {error.code}).") from error
            return False
        except Exception as error:  # network trouble: say so, never crash the conversation
            logger.error("Could not reach Twilio to send an SMS: %s", type(error).__name__)
            if self.strict:
                raise SmsSendError("Could not reach Twilio to send the message.") from error
            return False
        self.sent_sids.append(str(message.sid))
        logger.info("SMS %s queued (%d segment(s))", message.sid, segments(body))
        return True

    async def send_sms(self, recipient_id: str, text: str, *, even_if_opted_out: bool = False) -> None:
        """Send ``text`` split into messages of at most ``max_segments`` segments each.

        ``recipient_id`` is the conversation id (``sms:+44...``); the text goes to its number.
        ``even_if_opted_out`` is only for the STOP confirmation itself.
        """
        to = self._phone(recipient_id)
        if to is None:
            return
        if not even_if_opted_out and await asyncio.to_thread(is_opted_out, to, url=self.database_url):
            if self.strict:
                raise OptedOutError(to)
            logger.info("SMS not sent: the number has texted STOP")
            return
        if self._turn is not None and not even_if_opted_out:
            self._turn.append(text)
            return
        for part in split_for_sms(smart_encode(text), self.max_segments):
            if not await self._create(to, part):
                return

    # -- Rasa's OutputChannel interface -------------------------------------------------------
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a reply; a Hub worker's reply is signed with their first name."""
        if kwargs.get("lwfd_from") == "worker":
            name = _first_name(kwargs.get("lwfd_worker_name"))
            text = f"{name} (Hub worker): {text}" if name else f"Hub worker: {text}"
            # Earlier numbered choices no longer apply once a person has written.
            phone = phone_of(recipient_id)
            if phone:
                await asyncio.to_thread(clear_buttons, phone, url=self.database_url)
        await self.send_sms(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Buttons become "Reply 1 for ..., 2 for ..."; the choices are kept for the reply."""
        phone = self._phone(recipient_id)
        if phone is None:
            return
        if await asyncio.to_thread(is_opted_out, phone, url=self.database_url):
            if self.strict:
                raise OptedOutError(phone)
            logger.info("SMS not sent: the number has texted STOP")
            return
        shown = [b for b in buttons if button_title(b)]
        if shown:
            await asyncio.to_thread(save_buttons, phone, shown, url=self.database_url)
        await self.send_sms(recipient_id, numbered_choices(text or "", shown))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Send the "text" of a custom payload (with its buttons); anything else is not for SMS."""
        text = json_message.get("text") if isinstance(json_message, Mapping) else None
        if not text:
            logger.debug("Custom payload without text not sent by SMS")
            return
        if json_message.get("buttons"):
            await self.send_text_with_buttons(recipient_id, str(text), list(json_message["buttons"]))
        else:
            await self.send_text_message(recipient_id, str(text), **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """UK numbers cannot receive MMS from Twilio, so send the link."""
        await self.send_sms(recipient_id, f"Picture: {image}")

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """Send an attachment's link as text."""
        if isinstance(attachment, Mapping):
            payload = attachment.get("payload")
            link = attachment.get("url") or (payload.get("src") or payload.get("url")
                                             if isinstance(payload, Mapping) else payload)
        else:
            link = attachment
        if link:
            await self.send_sms(recipient_id, f"Link: {link}")


def _clean_body(body: str) -> str:
    """Drop control characters; turn "¡" back into "@" inside words (some networks swap them)."""
    body = "".join(ch for ch in body if ch in "\n\t" or ch.isprintable())
    return re.sub(r"(?<=\S)¡(?=\S)", "@", body)


def _int(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else 0


class TwilioSmsInput(InputChannel):
    """The Twilio webhook, at ``/webhooks/twilio/webhook`` (same name, so same path, as Rasa's)."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> InputChannel:
        """Every key is optional: missing ones come from ``bot.config.settings()``."""
        refuse_unsafe_rasa_server()
        credentials = credentials or {}
        return cls(
            account_sid=credentials.get("account_sid"),
            auth_token=credentials.get("auth_token"),
            twilio_number=credentials.get("twilio_number"),
            public_url=credentials.get("public_url"),
            api_base=credentials.get("api_base"),
            database_url=credentials.get("database_url"),
            max_segments=int(credentials.get("max_segments") or DEFAULT_MAX_SEGMENTS),
        )

    def __init__(self, account_sid: str | None = None, auth_token: str | None = None,
                 twilio_number: str | None = None, public_url: str | None = None,
                 api_base: str | None = None, database_url: str | None = None,
                 max_segments: int = DEFAULT_MAX_SEGMENTS) -> None:
        s = settings()
        self.account_sid = account_sid or s.twilio_account_sid
        self.auth_token = auth_token or s.twilio_auth_token
        self.twilio_number = twilio_number or s.twilio_number
        self.public_url = public_url or s.public_sms_webhook_url
        self.api_base = s.twilio_api_base if api_base is None else api_base
        self.database_url = database_url or None  # None: the app database from settings at each use
        self.max_segments = max_segments
        self.limiter = RateLimiter.for_citizens()
        self.erasure = ErasureFlow()
        self.agent: Any = None  # the Rasa agent, for domain.yml's wording (set on each request)

    def get_output_channel(self, *, strict: bool = True) -> TwilioSmsOutput:
        """The SMS sender Rasa's HTTP API uses for ``output_channel=twilio`` (strict: raises)."""
        return TwilioSmsOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_base,
                               database_url=self.database_url, max_segments=self.max_segments,
                               strict=strict)

    # -- checks --------------------------------------------------------------------------------
    @staticmethod
    def posted_form(request: Request) -> RequestParameters:
        """The form as Twilio signed it: blank fields kept (Sanic's ``request.form`` drops them)."""
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return RequestParameters()
        return RequestParameters(parse_qs(body, keep_blank_values=True))

    def signed_by_twilio(self, request: Request, form: RequestParameters) -> bool:
        """True when X-Twilio-Signature matches our public URL and the posted form."""
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return False
        url = self.public_url
        if request.query_string and "?" not in url:
            url = f"{url}?{request.query_string}"
        return RequestValidator(self.auth_token).validate(url, form, signature)

    # -- handling one message ------------------------------------------------------------------
    async def handle_sms(self, form: Mapping[str, Any], on_new_message: OnNewMessage,
                         out: TwilioSmsOutput) -> str:
        """Answer keywords, empty and long messages; pass the rest to the assistant. Returns the outcome.

        The number is the address (STOP, numbered choices, where texts go); the conversation
        is ``sms:<number>`` (``bot.channels.ids``).
        """
        person = conversation_id(SMS, str(form.get("From") or ""))  # ValueError unless a number
        phone = phone_of(person) or ""
        sid = str(form.get("MessageSid") or form.get("SmsSid"))
        body = _clean_body(str(form.get("Body") or ""))
        num_media = _int(form.get("NumMedia"))
        db = self.database_url
        opted_out = await asyncio.to_thread(is_opted_out, phone, url=db)
        command = kw.keyword(body, opted_out=opted_out)

        if command == "stop":
            if not opted_out:  # confirm once; a second STOP gets nothing
                await asyncio.to_thread(record_opt_out, phone, body.strip().upper()[:32], url=db)
                await asyncio.to_thread(clear_buttons, phone, url=db)
                await out.send_sms(person, kw.STOP_REPLY, even_if_opted_out=True)
            return "stop"
        if command == "start":
            if opted_out:
                await asyncio.to_thread(record_opt_in, phone, body.strip().upper()[:32], url=db)
            await out.send_sms(person, kw.START_REPLY)
            return "start"
        if command == "help":  # answered even after STOP, as networks expect: it carries crisis lines
            await out.send_sms(person, kw.HELP_REPLY, even_if_opted_out=True)
            return "help"

        if not body.strip():
            await out.send_sms(person, kw.MEDIA_ONLY_REPLY if num_media else kw.EMPTY_REPLY)
            return "empty"

        screened = screen(body)  # normalised; over the limit: answered, never cut, never processed
        if screened.too_long:
            await out.send_sms(person, too_long_reply(self.agent))
            return "too_long"
        erasure = self.erasure.step(person, screened.text)  # "delete my data" / DELETE, then YES
        if erasure == "ask":
            await out.send_sms(person, confirm_text(self.agent))
            return "erase_asked"
        if erasure == "erase":
            await erase_for(self.agent, person, app_url=db)
            await out.send_sms(person, done_text(self.agent))
            return "erased"
        choice = match_choice(screened.text, await asyncio.to_thread(last_buttons, phone, url=db))
        # Only a numbered choice just offered becomes a payload; typed text is always words.
        text = (str(choice.get("payload") or "") or button_title(choice)) if choice else screened.text
        if not text.strip():
            await out.send_sms(person, kw.EMPTY_REPLY)
            return "empty"
        if not choice and not self.limiter.allow(person, None, text):
            await out.send_sms(person, self.limiter.reply(self.agent))
            return "rate_limited"
        metadata: dict[str, Any] = {"lwfd_channel": "sms", "message_sid": sid, "num_media": num_media,
                                    "truncated": False, "sms_opted_out": opted_out}
        if choice:
            metadata["choice_title"] = button_title(choice)
        started = utcnow()
        out.begin_turn()
        try:
            await on_new_message(UserMessage(text, out, person, input_channel=self.name(), message_id=sid,
                                             metadata=metadata))
        finally:
            await out.end_turn(person)
        await asyncio.to_thread(clear_buttons, phone, older_than=started, url=db)
        return "opted_out" if opted_out else ("choice" if choice else "assistant")

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """``GET /`` health and ``POST /webhook`` for Twilio's incoming messages."""
        hook = Blueprint("lwfd_twilio_sms", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            self.agent = getattr(request.app.ctx, "agent", None)
            posted = self.posted_form(request)
            if not self.signed_by_twilio(request, posted):
                logger.warning("Refused an SMS webhook without a valid X-Twilio-Signature")
                return response.text("Forbidden", status=403)
            form = {key: posted.get(key) for key in posted}
            sid = form.get("MessageSid") or form.get("SmsSid")
            if not sid or not form.get("From"):
                return response.text("MessageSid and From are required", status=400)
            try:
                conversation_id(SMS, str(form["From"]))  # a number, as Twilio sends it: nothing else
            except ValueError:
                return response.text("From is not a phone number", status=400)

            claim = await asyncio.to_thread(claim_message, sid, form["From"], url=self.database_url)
            if claim == "done":
                logger.info("SMS %s already handled; Twilio retry answered without a second reply", sid)
                return response.text(TWIML_EMPTY, content_type="text/xml")
            if claim == "busy":  # another replica is on it; a later retry will find it done
                return response.text("In progress", status=503, headers={"Retry-After": "5"})
            try:
                outcome = await self.handle_sms(form, on_new_message, self.get_output_channel(strict=False))
            except Exception:
                logger.exception("SMS %s could not be handled; a retry will handle it again", sid)
                await asyncio.to_thread(fail_message, sid, url=self.database_url)
                return response.text("Error", status=500)
            await asyncio.to_thread(finish_message, sid, outcome, url=self.database_url)
            return response.text(TWIML_EMPTY, content_type="text/xml")

        return hook
