"""The citizen web chat: Rasa's socket.io channel, plus the page that talks to it.

The page (``webchat_static/``) is served by the Rasa server itself, so it is always the same
origin as the socket it connects to. With Rasa's default ``--port 5005`` it lives at
``http://HOST:5005/webhooks/webchat/``. Enable it in ``credentials.yml``::

    bot.channels.webchat.WebChatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      socketio_path: /socket.io

What this adds to Rasa 3.6's ``SocketIOInput``:

- ``session_request`` *awaits* ``enter_room``. python-socketio 5.x made ``enter_room`` a
  coroutine; Rasa 3.6 calls it without ``await``, so with ``session_persistence`` its replies go
  to a room nobody is in and the browser silently gets nothing. Each message also (re)joins its
  session's room, so replies reach a page that has just reconnected.
- A session id the page sends must look like one we hand out (16 to 64 of ``[A-Za-z0-9_-]``);
  anything else gets a fresh one. The id is the conversation's only key, so it is unguessable.
- Bot messages carrying the metadata ``lwfd_from: worker`` (a Hub worker's reply, sent through
  Rasa's HTTP API) are emitted as ``{"text", "from": "worker", "name"}`` so the page shows them
  as from a person.
- ``POST history`` with ``{"session_id"}`` returns the conversation so far from the tracker store
  (Rasa's socket.io never replays it), so a reload, a second tab or a worker's reply that came
  while the page was closed are all drawn from the one record of the conversation.
- With ``LWFD_REDIS_URL`` set, replies go through python-socketio's Redis manager, so they
  reach the page whichever Rasa server holds its socket (several replicas behind a balancer).
- The socket only accepts the page's own origin by default (Rasa's accepts any); set
  ``cors_allowed_origins`` to a list of origins to embed the chat elsewhere.
- Text is text (``bot.channels.text_guard``): each message is normalised, one over the size
  limit gets the polite ``utter_message_too_long`` and is not processed (never cut), and a
  leading ``/`` is read as words unless it is a button payload just offered in this
  conversation. Only ``lwfd_display`` is taken from the page's metadata. Senders and
  addresses are rate limited (``bot.channels.rate_limit``; a message showing risk always
  goes through).
- The page knows its bare session id; the Rasa conversation is ``web:<session id>``
  (``bot.channels.ids``), so no id from another channel can name it. Rooms are the bare session
  id (or socket id), and every reply finds its room from the conversation id.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import rasa.shared.utils.io
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncManager, AsyncRedisManager, AsyncServer

from bot.channels.erasure_flow import ErasureFlow, confirm_text, done_text, erase_for
from bot.channels.ids import WEB, address_of, conversation_id
from bot.channels.rate_limit import RateLimiter, client_address
from bot.channels.text_guard import screen, too_long_reply, tracker_payloads
from bot.config import refuse_unsafe_rasa_server, settings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
WORKER = "worker"
HUB_STATUS = "hub"  # "Sam from the Hub has joined" / "... has left": sent by the Hub console
HISTORY_LIMIT = 300
MAX_NAME = 60
# Metadata a page message may carry: what the person saw on the button they pressed.
DISPLAY_KEY = "lwfd_display"
MAX_SOCKET_BYTES = 64 * 1024  # one socket.io packet; 5,000 characters of any script fit
SOCKETIO_CHANNEL = "lwfd_webchat"  # the Redis pub/sub channel the replicas share

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
# No third-party requests from the page: nothing about a visit leaves this server. This also
# keeps the NHS.UK stylesheet's remote Frutiger web font from loading (it falls back to Arial).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def client_manager(redis_url: str) -> AsyncManager | None:
    """Where replies go: this process's sockets only, or (with Redis) every replica's.

    With ``LWFD_REDIS_URL`` set, an emit to a conversation's room is published on Redis and
    each Rasa server delivers it to the sockets it holds, so a reply reaches the person
    whichever replica their socket is connected to.
    """
    if not redis_url:
        return None
    return AsyncRedisManager(redis_url, channel=SOCKETIO_CHANNEL)


def valid_session_id(value: Any) -> str | None:
    """The session id if it is one we could have handed out, otherwise None."""
    if isinstance(value, str) and SESSION_ID.match(value):
        return value
    return None


def new_session_id() -> str:
    """A fresh, unguessable session id (the Rasa conversation id is ``web:`` and this)."""
    return uuid.uuid4().hex


def author_fields(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``{"from": "worker", "name": ...}`` for a Hub worker's message; ``{"from": "hub",
    "change": "joined"|"left"}`` for the line saying a worker joined or left; else nothing."""
    name = str(kwargs.get("lwfd_worker_name") or "").strip()[:MAX_NAME]
    if kwargs.get("lwfd_from") == HUB_STATUS:
        change = "joined" if kwargs.get("lwfd_hub_change") == "joined" else "left"
        return {"from": HUB_STATUS, "name": name, "change": change}
    if kwargs.get("lwfd_from") != WORKER:
        return {}
    return {"from": WORKER, "name": name}


class WebChatOutput(SocketIOOutput):
    """Socket.io output that marks a Hub worker's messages as from a person."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def _send_message(self, socket_id: str, response: Any) -> None:
        """Emit to the room of the conversation: ``web:<session id>`` goes to ``<session id>``."""
        await self.sio.emit(self.bot_message_evt, response, room=address_of(socket_id))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Bot text in paragraphs (as Rasa does); a worker's message stays one message."""
        author = author_fields(kwargs)
        parts = [text.strip()] if author else text.strip().split("\n\n")
        for part in parts:
            await self._send_message(recipient_id, {"text": part, **author})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Buttons as Rasa's socket.io sends them: quick replies on the last paragraph."""
        author = author_fields(kwargs)
        parts = text.strip().split("\n\n") or [text]
        messages: list[dict[str, Any]] = [{"text": part, "quick_replies": [], **author} for part in parts]
        messages[-1]["quick_replies"] = quick_replies(buttons)
        for message in messages:
            await self._send_message(recipient_id, message)


    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Offer cards (``offer_cards``) with their text and choices; other payloads as Rasa does."""
        if isinstance(json_message, dict) and "offer_cards" in json_message:
            await self._send_message(recipient_id, card_message(json_message))
            return
        if isinstance(json_message, dict):
            json_message.setdefault("room", address_of(recipient_id))
        await super().send_custom_json(recipient_id, json_message, **kwargs)


def card_message(payload: dict[str, Any]) -> dict[str, Any]:
    """The page's message shape for offers drawn as cards."""
    return {"text": str(payload.get("text") or ""), "offer_cards": list(payload.get("offer_cards") or []),
            "quick_replies": quick_replies(payload.get("buttons") or [])}


def quick_replies(buttons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa buttons in the socket.io quick reply shape."""
    return [{"content_type": "text", "title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons or []]


def history_from_events(events: Iterable[dict[str, Any]], limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """What the person saw, rebuilt from tracker events, in the page's message shape.

    User messages show what the person typed or the button title they pressed; bot messages
    are split into paragraphs the way the live channel sends them; messages triggered by the
    Hub (``EXTERNAL: ...``) and empty ones are left out.
    """
    out: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        metadata = event.get("metadata") or {}
        text = event.get("text") or ""
        if kind == "user":
            shown = metadata.get(DISPLAY_KEY) if isinstance(metadata.get(DISPLAY_KEY), str) else text
            if not shown.strip() or text.startswith("EXTERNAL: "):
                continue
            out.append({"from": "user", "text": shown})
        elif kind == "bot":
            author = author_fields(metadata)
            custom = (event.get("data") or {}).get("custom")
            if isinstance(custom, dict) and "offer_cards" in custom:
                out.append({"from": "bot", **card_message(custom)})
                continue
            buttons = (event.get("data") or {}).get("buttons") or []
            if not text.strip():
                continue
            parts = [text.strip()] if author else text.strip().split("\n\n")
            for index, part in enumerate(parts):
                message: dict[str, Any] = {"from": author.get("from", "bot"), "text": part}
                if author:
                    message["name"] = author["name"]
                if "change" in author:
                    message["change"] = author["change"]
                if buttons and index == len(parts) - 1:
                    message["quick_replies"] = quick_replies(buttons)
                out.append(message)
    return out[-limit:]


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel, hardened, with the citizen page at ``/webhooks/webchat/``."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        refuse_unsafe_rasa_server()
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        channel.cors_allowed_origins = credentials.get("cors_allowed_origins")
        return channel

    cors_allowed_origins: list[str] | str | None = None

    def get_output_channel(self) -> OutputChannel | None:
        """The output the HTTP API uses for ``output_channel=webchat`` (a worker's reply)."""
        if self.sio is None:
            rasa.shared.utils.io.raise_warning(
                "The web chat output channel needs the socket server of this process; "
                "set LWFD_REDIS_URL so replies reach sockets on every replica.")
            return None
        return WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Socket.io events, the page and its files, and the history endpoint."""
        # None = same origin only (engine.io compares Origin with the Host / X-Forwarded-* headers).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins,
                          client_manager=client_manager(settings().redis_url),
                          max_http_buffer_size=MAX_SOCKET_BYTES)
        bp = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio
        namespace = self.namespace
        limiter = RateLimiter.for_citizens()
        erasures = ErasureFlow()
        addresses: dict[str, str] = {}  # socket id -> the connection's address
        server: dict[str, Any] = {}  # the Sanic app, to reach the agent from socket events

        @bp.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            server["app"] = app

        def agent() -> Any:
            app = server.get("app")
            return getattr(getattr(app, "ctx", None), "agent", None) if app else None

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            # engine.io's Sanic driver always says REMOTE_ADDR=127.0.0.1: ask Sanic's request.
            addresses[sid] = client_address(environ.get("sanic.request")) or ""
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            payload = token and decode_bearer_token(
                token, self.jwt_key, self.jwt_algorithm)
            return bool(payload)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = valid_session_id(data.get("session_id"))
            if session_id is None:
                session_id = new_session_id()
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            if self.session_persistence:
                session_id = valid_session_id(data.get("session_id"))
                if session_id is None:
                    logger.warning("Web chat message without a valid session_id ignored.")
                    return
                await sio.enter_room(sid, session_id, namespace=namespace)
            else:
                session_id = sid
            try:
                sender_id = conversation_id(WEB, session_id)  # web:<session id>
            except ValueError:
                logger.warning("Web chat message from a socket id that cannot be a conversation ignored.")
                return
            text = data.get("message")
            if not isinstance(text, str) or not text.strip():
                return
            output = WebChatOutput(sio, self.bot_message_evt)
            screened = screen(text, await tracker_payloads(agent(), sender_id))
            if screened.too_long:
                await output.send_text_message(sender_id, too_long_reply(agent()))
                return
            if screened.empty:
                return
            erasure = erasures.step(sender_id, screened.text)
            if erasure == "ask":
                await output.send_text_message(sender_id, confirm_text(agent()))
                return
            if erasure == "erase":
                await erase_for(agent(), sender_id)
                await output.send_text_message(sender_id, done_text(agent()))
                return
            if not limiter.allow(sender_id, addresses.get(sid), screened.text):
                await output.send_text_message(sender_id, limiter.reply(agent()))
                return
            await on_new_message(UserMessage(screened.text, output, sender_id, input_channel=self.name(),
                                             metadata=page_metadata(data.get(self.metadata_key))))

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str) -> None:
            addresses.pop(sid, None)

        @bp.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        def page() -> HTTPResponse:
            html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
            html = html.replace("__SOCKETIO_PATH__", _attr(self.socketio_path or "/socket.io"))
            return response.html(html, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

        @bp.route("/", methods=["GET"])
        async def page_root(request: Request) -> HTTPResponse:
            # The page's links are relative, so it must be served from the URL with the slash.
            if not request.path.endswith("/"):
                return response.redirect(request.path + "/")
            return page()

        @bp.route("/history", methods=["POST"])
        async def history(request: Request) -> HTTPResponse:
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = {}
            session_id = valid_session_id(body.get("session_id") if isinstance(body, dict) else None)
            if session_id is None:
                return response.json({"error": "session_id"}, status=400)
            store = request.app.ctx.agent.tracker_store
            tracker = await store.retrieve_full_tracker(conversation_id(WEB, session_id))
            events = [e.as_dict() for e in tracker.events] if tracker else []
            return response.json({"session_id": session_id, "messages": history_from_events(events)},
                                 headers={"Cache-Control": "no-store"})

        @bp.route("/<name:path>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            if name in ("", "index.html"):
                return page()
            path = (STATIC_DIR / name).resolve()
            content_type = CONTENT_TYPES.get(path.suffix)
            if content_type is None or not path.is_relative_to(STATIC_DIR) or not path.is_file():
                return response.text("Not found", status=404)
            # Vendored files carry their version in the name, so they can be cached for good.
            cache = "public, max-age=31536000, immutable" if "/vendor/" in f"/{name}" else "no-cache"
            return await response.file(path, mime_type=content_type,
                                       headers={**SECURITY_HEADERS, "Cache-Control": cache})

        return bp


def page_metadata(raw: Any) -> dict[str, Any]:
    """The only metadata a page may send: what the person saw on the button they pressed."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    if not isinstance(raw, dict) or not isinstance(raw.get(DISPLAY_KEY), str):
        return {}
    return {DISPLAY_KEY: raw[DISPLAY_KEY][:500]}


def _attr(value: str) -> str:
    """Escape a value for an HTML attribute."""
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))
