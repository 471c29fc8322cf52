"""Turn Rasa events (from the tracker or the event broker) into lines a worker reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.hub.rasa_client import HUB_STATUS, WORKER


@dataclass(frozen=True)
class Line:
    """One thing in the transcript: who said it, what, when, and any risk seen in it."""

    who: str  # person | assistant | worker | status (what the person was told about the Hub) | system
    text: str
    timestamp: float
    author: str = ""
    risk_level: str = "none"
    risk_reasons: list[str] = field(default_factory=list)

    @property
    def time(self) -> str:
        return datetime.fromtimestamp(self.timestamp, timezone.utc).strftime("%d %b %H:%M UTC")

    @property
    def high_risk(self) -> bool:
        return self.risk_level == "high"


def risk_of(event: dict[str, Any]) -> dict[str, Any]:
    """The safety component's verdict stored in a user event's parse data (empty if none)."""
    risk = (event.get("parse_data") or {}).get("risk")
    return risk if isinstance(risk, dict) else {}


def button_words(text: str, buttons: list[dict[str, Any]] | None = None,
                 metadata: dict[str, Any] | None = None) -> str:
    """What the person saw on the button they pressed, instead of its payload ("/affirm").

    The web chat sends the button's title as ``lwfd_display``; otherwise the payload is
    looked up among the buttons last offered. A payload nobody offered is described in words.
    """
    shown = str((metadata or {}).get("lwfd_display") or "").strip()
    if shown:
        return shown
    if not text.startswith("/"):
        return text
    for button in buttons or []:
        if str(button.get("payload") or "") == text:
            return str(button.get("title") or text)
    intent = text[1:].split("{", 1)[0].replace("_", " ").strip()
    return f"(pressed a button: {intent})" if intent else text


def line_for(event: dict[str, Any], buttons: list[dict[str, Any]] | None = None) -> Line | None:
    """The transcript line for one event, or None for events a worker need not read.

    ``buttons`` are the buttons the assistant offered last, to show a press as its words.
    """
    kind = event.get("event")
    ts = float(event.get("timestamp") or 0.0)
    if kind == "user":
        risk = risk_of(event)
        text = button_words(str(event.get("text") or ""), buttons, event.get("metadata"))
        return Line("person", text, ts,
                    risk_level=str(risk.get("level") or "none"),
                    risk_reasons=[str(r) for r in risk.get("reasons") or []])
    if kind == "bot":
        meta = event.get("metadata") or {}
        if meta.get("lwfd_from") == HUB_STATUS:
            return Line("status", str(event.get("text") or ""), ts,
                        author=str(meta.get("lwfd_worker_name") or ""))
        if meta.get("lwfd_from") == WORKER:
            return Line("worker", str(event.get("text") or ""), ts,
                        author=str(meta.get("lwfd_worker_name") or "Hub worker"))
        text = str(event.get("text") or "")
        buttons = (event.get("data") or {}).get("buttons") or []
        if buttons:
            text += "\n[" + " | ".join(str(b.get("title", "")) for b in buttons) + "]"
        return Line("assistant", text, ts) if text.strip() else None
    if kind == "pause":
        return Line("system", "A Hub worker took over; the assistant stopped answering.", ts)
    if kind == "resume":
        return Line("system", "Handed back; the assistant answers again.", ts)
    if kind == "slot" and event.get("name") == "hub_worker":
        if event.get("value"):
            return Line("system", f"{event.get('value')} took over; the assistant stays quiet "
                                  "except for crisis help.", ts)
        return Line("system", "Handed back; the assistant answers again.", ts)
    if kind == "session_started":
        return Line("system", "New visit started.", ts)
    return None


def offered_buttons(event: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The buttons a bot event offered, or None when the event offered none."""
    if event.get("event") != "bot":
        return None
    buttons = (event.get("data") or {}).get("buttons") or []
    return list(buttons) if buttons else None


def lines_for(events: Iterable[dict[str, Any]]) -> list[Line]:
    lines: list[Line] = []
    buttons: list[dict[str, Any]] = []
    for event in events:
        line = line_for(event, buttons)
        offered = offered_buttons(event)
        if offered is not None:
            buttons = offered
        if line is not None:
            lines.append(line)
    return lines


def answers_by_question(events: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The person's own words for each question of the introduction (the latest answer wins).

    The first user message after the form asks X (it sets ``requested_slot`` to X each time
    it asks, again after an answer it could not use) is the answer to X; later messages are
    not. A button press is shown as the button's words. The card shows these beside what was stored
    ("not sure" as the person put it, the introducer's full contact).
    """
    asked: str | None = None
    buttons: list[dict[str, Any]] = []
    answers: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value") or None
        elif kind == "active_loop" and not event.get("name"):
            asked = None
        elif kind == "bot":
            offered = offered_buttons(event)
            if offered is not None:
                buttons = offered
        elif kind == "user" and asked:
            words = button_words(str(event.get("text") or ""), buttons, event.get("metadata")).strip()
            if words:
                answers[str(asked)] = words
            asked = None
    return answers


def risks_in(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The safety component's verdict on every message of the person's that showed risk."""
    return [risk for risk in (risk_of(e) for e in events if e.get("event") == "user")
            if risk.get("level") in ("high", "possible")]


def latest_slots(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Each slot's latest value in the conversation (what the introduction row does not keep)."""
    slots: dict[str, Any] = {}
    for event in events:
        if event.get("event") == "slot" and event.get("name"):
            slots[str(event["name"])] = event.get("value")
    return slots
