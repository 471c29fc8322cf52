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
- The socket only accepts the page's own origin by default (Rasa's accepts any); set
  ``cors_allowed_origins`` to a list of origins to embed the chat elsewhere.
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
from socketio import AsyncServer

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
WORKER = "worker"
HISTORY_LIMIT = 300
MAX_NAME = 60
# Metadata a page message may carry: what the person saw on the button they pressed.
DISPLAY_KEY = "lwfd_display"
MAX_MESSAGE = 5000

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


def valid_session_id(value: Any) -> str | None:
    """The session id if it is one we could have handed out, otherwise None."""
    if isinstance(value, str) and SESSION_ID.match(value):
        return value
    return None


def new_session_id() -> str:
    """A fresh, unguessable session id (also the Rasa conversation id)."""
    return uuid.uuid4().hex


def author_fields(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``{"from": "worker", "name": ...}`` for a Hub worker's message, else nothing."""
    if kwargs.get("lwfd_from") != WORKER:
        return {}
    name = str(kwargs.get("lwfd_worker_name") or "").strip()[:MAX_NAME]
    return {"from": WORKER, "name": name}


class WebChatOutput(SocketIOOutput):
    """Socket.io output that marks a Hub worker's messages as from a person."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

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
        """The output the HTTP API uses for ``output_channel=latest`` (a worker's reply)."""
        if self.sio is None:
            rasa.shared.utils.io.raise_warning(
                "The web chat output channel needs the socket server of this process; "
                "with several Rasa servers use python-socketio's Redis manager.")
            return None
        return WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Socket.io events, the page and its files, and the history endpoint."""
        # None = same origin only (engine.io compares Origin with the Host / X-Forwarded-* headers).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins)
        bp = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio
        namespace = self.namespace

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            payload = token and decode_bearer_token(
                token, self.jwt_key, self.jwt_algorithm)
            return bool(payload)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            session_id = valid_session_id((data or {}).get("session_id")) or new_session_id()
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            if self.session_persistence:
                sender_id = valid_session_id(data.get("session_id"))
                if sender_id is None:
                    logger.warning("Web chat message without a valid session_id ignored.")
                    return
                await sio.enter_room(sid, sender_id, namespace=namespace)
            else:
                sender_id = sid
            text = data.get("message")
            if not isinstance(text, str) or not text.strip():
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            metadata = metadata if isinstance(metadata, dict) else {}
            output = WebChatOutput(sio, self.bot_message_evt)
            await on_new_message(UserMessage(text[:MAX_MESSAGE], output, sender_id,
                                             input_channel=self.name(), metadata=metadata))

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
            tracker = await store.retrieve_full_tracker(session_id)
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


def _attr(value: str) -> str:
    """Escape a value for an HTML attribute."""
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))
