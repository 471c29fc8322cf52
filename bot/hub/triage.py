"""How serious the risk seen in a conversation is, for ordering the Hub queue.

Works only from what is already stored: the ``risk`` dict the safety component puts on each
parsed message (``level``, ``categories``, ``reasons``), kept in the broker's events and in a
handoff's summary. A reason reads like ``suicide (high): "sat on the bridge"``: its kind, its
level and, in quotes, the person's own words. A plan or the means at hand, an overdose taken,
"can't keep safe", or abuse happening now comes above a softer sign.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Severity tiers, most serious first (lower sorts first).
PLAN_OR_MEANS = 0
HIGH = 1  # also a handoff marked urgent with no reason kept (only high risk marks one urgent)
POSSIBLE = 2
NONE = 3

TIER_WORDS = {
    PLAN_OR_MEANS: "Plan, means or harm happening now",
    HIGH: "High risk",
    POSSIBLE: "Possible risk",
    NONE: "No risk seen",
}

# In the person's quoted words of a high reason: a plan, the means, something already taken or
# done, or being unable to keep safe. Kept short and plain so a reviewer can read it.
_PLAN_OR_MEANS = re.compile(
    r"\b(plan|planned|planning|note|tablets?|pills?|paracetamol|overdose|overdosed|od|took|taken|"
    r"swallowed|rope|noose|ligature|bridge|roof|rooftop|ledge|edge|cliffs?|tracks?|railway|car park|"
    r"top floor|razors?|blades?|knife|knives|gun|bleeding|cut|hang|hanging|jump|jumping|"
    r"can'?t keep (myself )?safe|cannot keep (myself )?safe|not safe|hitting|hurting me|beating)\b",
    re.IGNORECASE)
# Kinds of risk that, at the high level, mean harm is happening now.
_NOW_CATEGORIES = frozenset({"medical_emergency", "abuse"})
# A rule reason: its kind, its level, then the person's own words in quotes. (A meaning-layer
# reason quotes an invented example instead, so only this shape counts as the person's words.)
_RULE_REASON = re.compile(r'^(?P<kind>[a-z_ ]+) \((?P<level>high|possible)\): "(?P<words>.+)"$')


@dataclass(frozen=True)
class Triage:
    """The strongest risk seen in a conversation, and why."""

    tier: int = NONE
    level: str = "none"
    reasons: list[str] = field(default_factory=list)  # every reason, most serious first, no repeats
    words: list[str] = field(default_factory=list)  # the person's own words behind them

    @property
    def label(self) -> str:
        return TIER_WORDS[self.tier]

    @property
    def strongest_words(self) -> str | None:
        """The person's own words behind the most serious reason (for an urgent queue row)."""
        return self.words[0] if self.words else None


MESSAGE_WORDS = 120  # characters of a whole message shown on a queue row


def quoted_words(reason: str) -> list[str]:
    """The person's words in a rule reason (``suicide (high): "end it"`` gives ``end it``)."""
    match = _RULE_REASON.match(reason.strip())
    return [match.group("words").strip()] if match and match.group("words").strip() else []


def _reason_tier(reason: str, level: str, categories: Iterable[str]) -> int:
    if level == "high":
        match = _RULE_REASON.match(reason.strip())
        if match is None:  # the meaning layer or classifier: no words of the person's to read
            return PLAN_OR_MEANS if _NOW_CATEGORIES & set(categories) else HIGH
        if match.group("level") != "high":
            return HIGH
        if _PLAN_OR_MEANS.search(match.group("words")):
            return PLAN_OR_MEANS
        if match.group("kind").strip().replace(" ", "_") in _NOW_CATEGORIES:
            return PLAN_OR_MEANS
        return HIGH
    if level == "possible":
        return POSSIBLE
    return NONE


def assess(risks: Iterable[Mapping[str, Any]], *, urgent: bool = False, level: str = "none") -> Triage:
    """The strongest tier over every risk seen, with every reason (most serious first).

    ``risks`` are the safety component's dicts (one per message, or a handoff's stored one);
    ``urgent`` and ``level`` are the handoff's own flags, used when no reason was kept.
    """
    found: list[tuple[int, int, str]] = []  # (tier, order seen, reason)
    best = NONE
    seen: set[str] = set()
    order = 0
    message_words: list[str] = []  # the whole message, where no rule quoted the person's words
    for risk in risks:
        if not isinstance(risk, Mapping):
            continue
        risk_level = str(risk.get("level") or "none")
        categories = [str(c) for c in risk.get("categories") or []]
        reasons = [str(r) for r in risk.get("reasons") or []]
        if risk_level == "none":
            continue
        said = str(risk.get("words") or "").strip()
        if said and not any(quoted_words(r) for r in reasons):
            # The meaning layer quotes an invented example, not the person: show what they
            # wrote, so a worker can tell a real disclosure from a false alarm at a glance.
            short = said if len(said) <= MESSAGE_WORDS else said[:MESSAGE_WORDS].rsplit(" ", 1)[0] + "…"
            if short not in message_words:
                message_words.append(short)
        if not reasons:
            best = min(best, _reason_tier("", risk_level, categories))
            continue
        for reason in reasons:
            tier = _reason_tier(reason, risk_level, categories)
            best = min(best, tier)
            if reason not in seen:
                seen.add(reason)
                found.append((tier, order, reason))
                order += 1
    if level == "high":
        best = min(best, HIGH)
    elif level == "possible":
        best = min(best, POSSIBLE)
    if urgent:
        best = min(best, HIGH)
    found.sort(key=lambda item: (item[0], item[1]))
    reasons = [reason for _, _, reason in found]
    words: list[str] = []
    for reason in reasons:
        for said in quoted_words(reason):
            if said not in words:
                words.append(said)
    words += [w for w in message_words if w not in words]
    strongest = {PLAN_OR_MEANS: "high", HIGH: "high", POSSIBLE: "possible"}.get(best, level or "none")
    return Triage(best, strongest, reasons, words)


def with_worker_level(verdict: Triage, worker_level: str | None) -> Triage:
    """The verdict once a worker has judged the risk themselves: their level decides the tier.

    The reasons and the person's words stay, so the evidence the assistant saw is still shown.
    A worker's "high" keeps a plan-or-means tier the assistant found.
    """
    if worker_level not in ("none", "possible", "high"):
        return verdict
    tier = {"high": min(verdict.tier, HIGH), "possible": POSSIBLE, "none": NONE}[worker_level]
    return Triage(tier, worker_level, list(verdict.reasons), list(verdict.words))
