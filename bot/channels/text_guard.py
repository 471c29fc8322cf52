"""What every citizen channel does to a message before Rasa sees it: text is text.

Rasa reads a message that starts with ``/`` as an order (``/greet{"risk_flag":"none"}`` sets an
intent and slots and skips understanding, so the risk check never reads ``/affirm I have taken
40 of my tablets``). A person must not be able to do that. Every channel (REST, web chat, SMS)
passes each message through :func:`screen`:

- the text is normalised first (NFKC, so a full-width ``／`` is a ``/``; zero-width and other
  invisible format characters and control characters removed), so understanding and the risk
  check read what a person sees;
- a message longer than the one limit (``LWFD_MAX_MESSAGE_CHARS``, 5,000 characters) is not
  processed at all: the channel answers with ``utter_message_too_long`` from ``domain.yml``;
- a message that is exactly one of the button payloads the assistant has just offered this
  person (the buttons of the bot messages since their last message) is passed on as it is;
- anything else that starts with ``/`` loses its leading slashes, so it is read as words.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.config import REPO_ROOT, settings

logger = logging.getLogger(__name__)

SHORTCUT = "/"  # Rasa's INTENT_MESSAGE_PREFIX
KEEP_CONTROL = frozenset("\n\t")
TOO_LONG_RESPONSE = "utter_message_too_long"
FALLBACK_TOO_LONG = ("Your message was too long for me to read in one go. "
                     "Please send it in shorter parts.")


def normalise(text: str) -> str:
    """NFKC, then drop invisible format characters (zero-width, bidi marks, soft hyphen) and controls."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch in KEEP_CONTROL
                   or unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co", "Cn"))


def as_words(text: str) -> str:
    """``text`` without the leading slashes that would make Rasa read it as an order."""
    stripped = text.lstrip()
    while stripped.startswith(SHORTCUT):
        stripped = stripped[len(SHORTCUT):].lstrip()
    return stripped


def offered_payloads(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """Button payloads of the bot messages sent since the person's last message."""
    offered: set[str] = set()
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            break
        if kind == "bot":
            data = event.get("data") or {}
            for button in (data.get("buttons") or []) if isinstance(data, Mapping) else []:
                if isinstance(button, Mapping) and button.get("payload"):
                    offered.add(str(button["payload"]).strip())
    return offered


async def tracker_payloads(agent: Any, sender_id: str) -> set[str]:
    """The payloads just offered to ``sender_id``, read from the tracker store ({} if none)."""
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return set()
    try:
        tracker = await store.retrieve(sender_id)
    except Exception as error:  # the store down: no payload is trusted, words still go through
        logger.error("Could not read the tracker to check a button payload: %s", type(error).__name__)
        return set()
    if tracker is None:
        return set()
    return offered_payloads(event.as_dict() for event in tracker.events)


@dataclass(frozen=True)
class Screened:
    """A message after screening: what to pass to Rasa, or why not to."""

    text: str
    too_long: bool = False
    payload: bool = False  # exactly a button payload just offered
    was_shortcut: bool = False  # started with "/" and was turned into words

    @property
    def empty(self) -> bool:
        return not self.text.strip()


def screen(raw: str, offered: set[str] | frozenset[str] = frozenset(), limit: int | None = None) -> Screened:
    """Normalise, check the size and decide whether ``raw`` is a payload or words."""
    limit = limit if limit is not None else settings().max_message_chars
    if len(raw) > limit:  # checked before normalising, which can only be done on a bounded text
        return Screened("", too_long=True)
    text = normalise(raw).strip()
    if len(text) > limit:
        return Screened("", too_long=True)
    if text in offered:
        return Screened(text, payload=True)
    words = as_words(text)
    return Screened(words, was_shortcut=words != text)


@lru_cache(maxsize=1)
def _domain_responses() -> dict[str, Any]:
    import yaml

    with (REPO_ROOT / "domain.yml").open(encoding="utf-8") as handle:
        return (yaml.safe_load(handle) or {}).get("responses") or {}


def response_text(name: str, agent: Any = None, fallback: str = "") -> str:
    """The first text of response ``name``: the loaded model's domain, else ``domain.yml``."""
    domain = getattr(agent, "domain", None)
    variants = (getattr(domain, "responses", None) or {}).get(name) if domain is not None else None
    if not variants:
        variants = _domain_responses().get(name) or []
    for variant in variants:
        if isinstance(variant, Mapping) and variant.get("text"):
            return str(variant["text"])
    return fallback


def too_long_reply(agent: Any = None) -> str:
    """The polite answer to a message over the limit (``utter_message_too_long``)."""
    return response_text(TOO_LONG_RESPONSE, agent, FALLBACK_TOO_LONG)
