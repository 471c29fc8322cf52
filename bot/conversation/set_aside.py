"""Messages the safety question interrupted: kept with the story, so nothing is told twice.

A message that might show risk ("He's stopped going out since the summer. Mum died in the
spring") pauses the introduction for one direct question. When the person says they are safe
and the introduction goes on, what they wrote is still their story: without this, it was kept
only in the transcript and the summary showed "it's for my dad" as everything they had said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

FORM = "introduction_form"
INTERRUPTING = {"risk_possible"}


@dataclass(frozen=True)
class SetAside:
    """The words and what was understood in them (need and strength codes)."""

    texts: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    form_ran_before: bool = False  # the introduction had started (its first question was asked)


def set_aside(events: Iterable[dict[str, Any]], story: str | None) -> SetAside:
    """The person's messages since the introduction last ran (or since the start) that paused
    it for the safety question, except the latest message and any already in ``story``."""
    events = list(events)
    latest = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    # Rasa inserts the form's own action after the latest message before asking for
    # validation, so only a run of the form before that message counts.
    start = 0
    for index, event in enumerate(events[:max(latest, 0)]):
        if event.get("event") == "action" and event.get("name") == FORM:
            start = index + 1
    users = [e for e in events[start:latest + 1] if e.get("event") == "user"]
    found = SetAside(form_ran_before=start > 0)
    for event in users[:-1]:
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") not in INTERRUPTING:
            continue
        text = (event.get("text") or "").strip()
        if not text or (story and text in story) or text in found.texts:
            continue
        found.texts.append(text)
        for entity in parse.get("entities") or []:
            kind, value = entity.get("entity"), entity.get("value")
            bucket = found.needs if kind == "need" else found.strengths if kind == "strength" else None
            if bucket is not None and value and str(value) not in bucket:
                bucket.append(str(value))
    return found
