"""Turn Rasa events (from the tracker or the event broker) into lines a worker reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.hub.rasa_client import WORKER


@dataclass(frozen=True)
class Line:
    """One thing in the transcript: who said it, what, when, and any risk seen in it."""

    who: str  # person | assistant | worker | system
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


def line_for(event: dict[str, Any]) -> Line | None:
    """The transcript line for one event, or None for events a worker need not read."""
    kind = event.get("event")
    ts = float(event.get("timestamp") or 0.0)
    if kind == "user":
        risk = risk_of(event)
        return Line("person", str(event.get("text") or ""), ts,
                    risk_level=str(risk.get("level") or "none"),
                    risk_reasons=[str(r) for r in risk.get("reasons") or []])
    if kind == "bot":
        meta = event.get("metadata") or {}
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


def lines_for(events: Iterable[dict[str, Any]]) -> list[Line]:
    return [line for line in (line_for(e) for e in events) if line is not None]
