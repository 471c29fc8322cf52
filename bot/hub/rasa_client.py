"""A small async client for the Rasa server's HTTP API, used only on the server side.

The token stays here: the browser never talks to Rasa. Every failure becomes a
:class:`RasaError` with a sentence a Hub worker can act on.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

WORKER = "worker"
HUB_WORKER_SLOT = "hub_worker"  # domain.yml; read by bot/safety/policy.py
HUB_STATUS = "hub"  # a line telling the person a worker joined or left (words in domain.yml)
_RAW_SAFE = "/+@:!$&'()*,;=-._~"


class RasaError(RuntimeError):
    """Rasa could not do what was asked; ``str()`` is safe to show to a worker."""


class RasaUnavailable(RasaError):
    """The Rasa server did not answer at all."""


class RasaClient:
    """Reads trackers and appends events (with side effects) through Rasa's HTTP API."""

    def __init__(self, base_url: str, token: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    def _url(self, sender_id: str, tail: str) -> URL:
        """The conversation's URL with its id as Rasa will read it.

        Rasa's Sanic router does not percent-decode the id, so ``sms%3A%2B447700900123`` would
        be a different (new, channel-less) conversation from ``sms:+447700900123``: a reply would
        be stored there and silently never delivered. Only characters that cannot appear raw in
        a path are encoded (``:`` and ``+`` stay as they are).
        """
        return URL(f"{self.base_url}/conversations/{quote(sender_id, safe=_RAW_SAFE)}/{tail}", encoded=True)

    async def _request(self, method: str, url: URL, params: dict[str, str],
                       body: Any = None) -> Any:
        url = url.with_query({**params, "token": self.token})
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as http:
                async with http.request(method, url, json=body) as response:
                    text = await response.text()
                    if response.status >= 400:
                        raise RasaError(_explain(response.status, text))
                    return json.loads(text) if text else None
        except aiohttp.ClientConnectionError as error:
            raise RasaUnavailable(
                "The assistant's server is not answering, so nothing was sent. Try again in a minute; "
                "if it keeps happening, tell the duty lead.") from error
        except TimeoutError as error:
            raise RasaUnavailable("The assistant's server took too long to answer; nothing is known "
                                  "to have been sent. Check the transcript before trying again.") from error

    async def parse(self, text: str) -> dict[str, Any]:
        """Rasa's reading of a sentence (``/model/parse``): no conversation is touched."""
        return await self._request("POST", URL(f"{self.base_url}/model/parse"), {}, {"text": text})

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        """The whole conversation (every session) as Rasa's tracker store holds it."""
        return await self._request("GET", self._url(sender_id, "tracker"), {"include_events": "ALL"})

    async def append_events(self, sender_id: str, events: list[dict[str, Any]], *,
                            side_effects: bool = False, channel: str | None = None) -> dict[str, Any]:
        """Append events under the conversation lock; with side effects a bot event is delivered
        through ``channel`` (the one fixed on the handoff), else the latest input channel."""
        params = {"include_events": "NONE"}
        if side_effects:
            params.update(execute_side_effects="true", output_channel=channel or "latest")
        return await self._request("POST", self._url(sender_id, "tracker/events"), params, events)

    async def send_worker_message(self, sender_id: str, text: str, worker_name: str,
                                  channel: str | None = None) -> None:
        """Deliver a worker's reply in the channel fixed on the handoff, and store it in the tracker.

        ``channel`` should always be given by the console: "latest" follows whatever channel last
        wrote into the conversation, which is not proof of who the person is.
        """
        await self.append_events(sender_id, [{
            "event": "bot", "text": text,
            "metadata": {"lwfd_from": WORKER, "lwfd_worker_name": worker_name},
        }], side_effects=True, channel=channel)

    async def send_hub_status(self, sender_id: str, text: str, worker_name: str, change: str,
                              channel: str | None = None) -> None:
        """Tell the person in their own channel (the handoff's) that a worker joined or left
        (``change``: ``joined`` or ``left``); the web chat shows it as a line of its own and
        knows from it whether a person holds the chat."""
        await self.append_events(sender_id, [{
            "event": "bot", "text": text,
            "metadata": {"lwfd_from": HUB_STATUS, "lwfd_hub_change": change,
                         "lwfd_worker_name": worker_name},
        }], side_effects=True, channel=channel)

    async def pause(self, sender_id: str, worker_name: str = "") -> None:
        """Hand the conversation to a worker: the assistant stays quiet except for crisis help.

        Sets the ``hub_worker`` slot, which the safety policy reads (Rasa's own pause would
        silence the crisis contacts too), and sets aside an unfinished introduction, so what
        the person writes to the worker is not taken as an answer to its last question.
        """
        await self.append_events(sender_id, [
            {"event": "active_loop", "name": None},
            {"event": "slot", "name": "requested_slot", "value": None},
            {"event": "slot", "name": HUB_WORKER_SLOT, "value": worker_name or "a Hub worker"},
        ])

    async def resume(self, sender_id: str) -> None:
        """Let the assistant answer again."""
        await self.append_events(sender_id, [{"event": "slot", "name": HUB_WORKER_SLOT, "value": None}])

    async def trigger_intent(self, sender_id: str, intent: str, channel: str | None = None) -> None:
        """Make the assistant act as if the person said ``intent`` (only after resume), answering
        in ``channel`` (the handoff's)."""
        await self._request("POST", self._url(sender_id, "trigger_intent"),
                            {"output_channel": channel or "latest", "include_events": "NONE"}, {"name": intent})


def _explain(status: int, text: str) -> str:
    try:
        message = json.loads(text).get("message", "")
    except (ValueError, AttributeError):
        message = ""
    if "STOP" in message or "OptedOut" in message:
        return ("This person has texted STOP, so no text message can be sent to them. "
                "Contact them another way if they asked for that.")
    if status in (401, 403):
        return "The console's Rasa token was refused; tell the duty lead (nothing was sent)."
    if status == 404:
        return "The assistant has no conversation with this person."
    return f"The assistant's server could not do that (HTTP {status}). Nothing is known to have been sent."
