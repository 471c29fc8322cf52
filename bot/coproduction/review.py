"""The review inbox: collect messages the assistant was unsure about, redacted, and label them.

The collector reads Rasa's SQL event broker (the ``events`` table, read the way ``bot/hub/feed.py``
reads it) from where it last stopped. A person's message is kept for review when the assistant
could not tell what it meant (``nlu_fallback``), was unsure (confidence below the setting), the
person said it got something wrong, or corrected their summary. The text is redacted here,
BEFORE it is written; the conversation id is never written (only a one-way key against
collecting the same turn twice).

A Hub worker who changes a conversation's risk level adds items too (``risk_changed``): the
messages that raised the level when the worker lowered it, or the person's latest messages that
did not raise it when the worker raised it, each with the assistant's level and the worker's.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot import taxonomy
from bot.coproduction.models import Proposal, ReviewCursor, ReviewItem
from bot.coproduction.redact import names_in, redact, redact_note
from bot.hub.feed import events_table
from bot.store.db import get_engine
from bot.store.models import utcnow

REASONS = {
    "fallback": "The assistant could not tell what this meant",
    "low_confidence": "The assistant was unsure",
    "said_wrong": "The person said the assistant got it wrong",
    "corrected_summary": "The person corrected their summary",
    "worker_risk": "Risk level changed by a worker",
}
RISK_LEVELS = ("none", "possible", "high")  # lowest first
RISK_WORDS = {"none": "no risk", "possible": "possible risk", "high": "high risk"}
MAX_UNRAISED = 5  # when a worker raises the level: the person's latest messages, at most this many
_SAID_WRONG = re.compile(
    r"\b(?:that'?s|thats|that is|you'?re|youre|you are|you got (?:it|that))\s+(?:not right|wrong|incorrect)\b|"
    r"\bnot what i (?:said|meant)\b|\byou (?:misunderstood|misread|got it wrong)\b|\bthat'?s not it\b",
    re.IGNORECASE)


def why_review(event: dict[str, Any], confidence_below: float) -> str | None:
    """The reason a user event should be reviewed, or None."""
    if event.get("event") != "user":
        return None
    text = str(event.get("text") or "")
    if not text.strip() or text.startswith("/"):  # a button press, not words
        return None
    intent = (event.get("parse_data") or {}).get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if name == "nlu_fallback":
        return "fallback"
    if _SAID_WRONG.search(text):
        return "said_wrong"
    if name == "correct":
        return "corrected_summary"
    if name in ("risk_high", "risk_possible"):
        return None  # the safety room reviews risk; it is not for the group's inbox
    if isinstance(confidence, (int, float)) and confidence < confidence_below:
        return "low_confidence"
    return None


def _guess(event: dict[str, Any]) -> tuple[str | None, float | None, list[str], list[str]]:
    parse = event.get("parse_data") or {}
    ranking = parse.get("intent_ranking") or []
    intent = parse.get("intent") or {}
    if intent.get("name") == "nlu_fallback" and len(ranking) > 1:
        intent = next((r for r in ranking if r.get("name") != "nlu_fallback"), intent)
    entities = parse.get("entities") or []
    needs = sorted({str(e.get("value")) for e in entities if e.get("entity") == "need"})
    strengths = sorted({str(e.get("value")) for e in entities if e.get("entity") == "strength"})
    confidence = intent.get("confidence")
    return intent.get("name"), float(confidence) if confidence is not None else None, needs, strengths


def _turn_key(sender_id: str, event: dict[str, Any]) -> str:
    return hashlib.sha256(f"{sender_id}\x00{event.get('timestamp')}".encode()).hexdigest()


def collect(session: Session, events_url: str, confidence_below: float, limit: int = 5000) -> int:
    """Read new broker events and keep the unsure messages, redacted. Returns how many were kept."""
    cursor = session.get(ReviewCursor, 1)
    if cursor is None:
        cursor = ReviewCursor(id=1, last_event_id=0)
        session.add(cursor)
    try:
        with get_engine(events_url).connect() as conn:
            rows = conn.execute(
                select(events_table.c.id, events_table.c.sender_id, events_table.c.data)
                .where(events_table.c.id > cursor.last_event_id).order_by(events_table.c.id).limit(limit)
            ).all()
    except (OperationalError, ProgrammingError):  # Rasa has not created the table yet
        return 0
    kept = 0
    for row_id, sender_id, data in rows:
        cursor.last_event_id = int(row_id)
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            continue
        reason = why_review(event, confidence_below)
        if reason is None:
            continue
        key = _turn_key(str(sender_id), event)
        if session.execute(select(ReviewItem.id).where(ReviewItem.turn_key == key)).first():
            continue
        intent, confidence, needs, strengths = _guess(event)
        session.add(ReviewItem(turn_key=key, text=redact(str(event.get("text"))), reason=reason,
                               guess_intent=intent, guess_confidence=confidence, guess_needs=needs,
                               guess_strengths=strengths, status="new", label_needs=[], label_strengths=[]))
        kept += 1
    session.flush()
    return kept


def _level(value: Any) -> str:
    return value if value in RISK_LEVELS else "none"


def messages_behind(events: list[dict[str, Any]], worker_level: str, assistant_level: str) -> list[dict[str, Any]]:
    """The person's messages behind a worker's change of risk level.

    Lowered: every message the assistant gave a level above the worker's (what raised it); if
    none did (the level came from elsewhere), the person's latest messages. Raised: the person's
    latest messages that the assistant gave a level below the worker's (what failed to raise
    it). Only messages in words, never button presses; "latest" is at most ``MAX_UNRAISED``.
    """
    said = [e for e in events if e.get("event") == "user" and str(e.get("text") or "").strip()
            and not str(e.get("text")).startswith("/")]
    rank = RISK_LEVELS.index(_level(worker_level))

    def level_of(event: dict[str, Any]) -> int:
        risk = (event.get("parse_data") or {}).get("risk")
        return RISK_LEVELS.index(_level(risk.get("level") if isinstance(risk, dict) else None))
    if rank < RISK_LEVELS.index(_level(assistant_level)):
        return [e for e in said if level_of(e) > rank] or said[-MAX_UNRAISED:]
    return [e for e in said if level_of(e) < rank][-MAX_UNRAISED:]


def add_risk_change(session: Session, sender_id: str, events: list[dict[str, Any]], *,
                    assistant_level: str, worker_level: str, reason: str = "") -> int:
    """Keep the messages behind a worker's change of risk level for the review inbox, redacted.

    ``assistant_level`` is the conversation's level before the change (what the card showed);
    each item holds the level the assistant gave that message, and the worker's. Nothing is kept
    when the levels are the same. Returns how many items were added.
    """
    worker_level, assistant_level = _level(worker_level), _level(assistant_level)
    if worker_level == assistant_level:
        return 0
    # Staff write names bare ("Frank's daughter Sarah"): the note loses the names the
    # conversation gave and common first names, not only what follows "my name is".
    told = names_in(str(e.get("text") or "") for e in events if e.get("event") == "user")
    why = redact_note(reason.strip(), told)[:1000] if reason and reason.strip() else None
    added = 0
    for event in messages_behind(events, worker_level, assistant_level):
        key = hashlib.sha256(f"risk\x00{sender_id}\x00{event.get('timestamp')}\x00{worker_level}"
                             .encode()).hexdigest()
        if session.execute(select(ReviewItem.id).where(ReviewItem.turn_key == key)).first():
            continue
        risk = (event.get("parse_data") or {}).get("risk")
        intent, confidence, needs, strengths = _guess(event)
        session.add(ReviewItem(turn_key=key, text=redact(str(event.get("text"))), reason="worker_risk",
                               guess_intent=intent, guess_confidence=confidence, guess_needs=needs,
                               guess_strengths=strengths, status="new", label_needs=[], label_strengths=[],
                               assistant_risk=_level(risk.get("level") if isinstance(risk, dict) else None),
                               worker_risk=worker_level, worker_reason=why))
        added += 1
    session.flush()
    return added


def inbox(session: Session, status: str = "new", limit: int = 200) -> list[ReviewItem]:
    return list(session.execute(select(ReviewItem).where(ReviewItem.status == status)
                                .order_by(ReviewItem.id.desc()).limit(limit)).scalars())


# --- where an example belongs --------------------------------------------------------------

def intents_in_files(root: Path) -> dict[str, list[str]]:
    """Each intent and the data/nlu files that hold its examples (relative paths)."""
    found: dict[str, list[str]] = {}
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for match in re.finditer(r"^- intent:\s*(\S+)\s*$", path.read_text(encoding="utf-8"), re.MULTILINE):
            found.setdefault(match.group(1), []).append(str(path.relative_to(root)))
    return found


def topic_file(root: Path, intent: str, needs: list[str]) -> str:
    """The topic file an example of ``intent`` belongs in.

    A story about a need goes to that need's story file (``story_housing.yml``); otherwise the
    file that already holds the intent; a new intent gets its own file.
    """
    holders = intents_in_files(root).get(intent, [])
    for need in needs:
        candidate = f"data/nlu/story_{need}.yml"
        if candidate in holders:
            return candidate
    if holders:
        return holders[0]
    return f"data/nlu/new_{re.sub(r'[^a-z0-9_]', '_', intent.lower())}.yml"


def label(session: Session, item: ReviewItem, *, intent: str, needs: list[str], strengths: list[str],
          example: str, reason: str, reviewer: str, root: Path) -> Proposal:
    """Record the reviewer's label and turn it into a proposed new example."""
    needs = [n for n in needs if n in taxonomy.NEEDS]
    strengths = [s for s in strengths if s in taxonomy.STRENGTHS]
    item.status, item.label_intent = "labelled", intent
    item.label_needs, item.label_strengths = needs, strengths
    item.labelled_by, item.labelled_at = reviewer, utcnow()
    proposal = Proposal(kind="example", target_file=topic_file(root, intent, needs), target=intent,
                        new_text=example.strip(), reason=reason.strip() or "From the review inbox",
                        review_item_id=item.id, proposed_by=reviewer, status="proposed")
    session.add(proposal)
    session.flush()
    return proposal
