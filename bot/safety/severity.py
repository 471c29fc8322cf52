"""How strong a sign of risk is, so the Hub queue puts a real disclosure first.

Why: in a queue where every urgent row looks alike, the person who said "I've saved up my
pills" waited behind a false alarm. A message that names a plan, a means, an act already
done, being unable to keep safe, or harm happening now ranks above a softer sign. The
ranking reads what the person actually said (the words the detector quoted, and their
message), never the detector's confidence alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

WORDS_KEPT = 300  # characters of the person's message kept beside each risk reason

# Severity ranks, highest first, with the words a Hub worker reads.
ACT_OR_MEANS = 3
HIGH = 2
POSSIBLE = 1
NONE = 0
LABELS = {ACT_OR_MEANS: "Plan, means or act", HIGH: "Risk to life", POSSIBLE: "Possible risk", NONE: "No risk seen"}

_ACT_OR_MEANS = re.compile(
    r"\b(?:"
    r"tablets?|pills?|paracetamol|overdos\w*|od'?d|took\s+(?:\d+|all|every|a\s+load)|taken\s+(?:\d+|all|every)|"
    r"swallow\w*|rope|noose|hang\w*|ligature|knife|knives|blade|razor|cut\w*\s+(?:deep|my\s+(?:wrist|arm|throat))|"
    r"bridge|jump\w*|train\s+tracks?|railway|motorway|car\s+park|roof|ledge|cliff|hose\w*|exhaust|gun|"
    r"plan(?:ned|ning|s)?|method|letters?\s+(?:written|to)|note\s+(?:written|for)|tonight|right\s+now|"
    r"can'?t\s+keep\s+(?:my\s*self|myself)\s+safe|not\s+safe|"
    r"(?:hit|hitting|beat\w*|hurt\w*|abus\w*|touch\w*)\s+(?:me|him|her|them|the\s+(?:kids?|child|children|baby))|"
    r"(?:days?|\d+\s+days?)\s+without\s+(?:food|water|eating|drinking)|"
    r"not\s+(?:breathing|waking|conscious)|unconscious|bleeding"
    r")\b",
    re.IGNORECASE,
)


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|me|my|myself|mine)\b", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]+)"')


_OTHERS = re.compile(r"\b(?:themselves|himself|herself|their|they|he|she|his|people|someone|somebody|"
                     r"anyone|others|veterans?|soldiers?|kids?|students?)\b", re.IGNORECASE)


def explicit(reason: str) -> bool:
    """True when a word-list reason quotes an explicit statement, which stays ``high`` whatever
    surrounds it.

    Explicit: abuse or danger from someone and medical emergencies (an overdose taken, no food
    or water), always; suicide and self-harm unless the words are about other people ("kill
    themselves", "taking their own life"); harm to others with "I"/"me" or a means. Why: in a
    long message a word about a subject ("suicide rates") or someone else's story asks the
    safety question, while "I took 30 tablets", "he hits me" or "I can't keep myself safe" is
    crisis help whatever surrounds it.
    """
    kind = reason.split(" (", 1)[0]
    said = " ".join(_QUOTED.findall(reason)) or reason
    if kind in ("abuse", "medical emergency") or _ACT_OR_MEANS.search(said):
        return True
    if kind in ("suicide", "self harm"):
        return bool(_FIRST_PERSON.search(said)) or not _OTHERS.search(said)
    return bool(_FIRST_PERSON.search(said))


def severity(risk: Mapping[str, Any] | None) -> int:
    """The rank of one risk record (``ACT_OR_MEANS`` ... ``NONE``)."""
    if not risk:
        return NONE
    level = str(risk.get("level") or "none")
    if level == "high":
        said = " ".join([*map(str, risk.get("reasons") or []), str(risk.get("words") or "")])
        if "medical_emergency" in (risk.get("categories") or []) or _ACT_OR_MEANS.search(said):
            return ACT_OR_MEANS
        return HIGH
    return POSSIBLE if level == "possible" else NONE


def risk_record(parsed: Mapping[str, Any] | None, text: str) -> dict[str, Any]:
    """What the Hub keeps about one message of risk: level, kinds, reasons and the person's words.

    A "yes" to the direct safety question carries no risk words of its own: it is recorded
    as high, with that reason.
    """
    risk = dict(parsed or {})
    reasons = [str(r) for r in risk.get("reasons") or []]
    if risk.get("level") != "high":
        reasons = reasons or ["said yes when asked if they are thinking about ending their life or hurting themselves"]
    record = {"level": "high", "categories": list(risk.get("categories") or []), "reasons": reasons,
              "words": (text or "").strip()[:WORDS_KEPT]}
    record["severity"] = severity(record)
    return record


def merge_history(earlier: Mapping[str, Any] | None, latest: Mapping[str, Any]) -> dict[str, Any]:
    """The conversation's risk so far: every record kept, the strongest on top.

    Why: the Hub card once showed only the latest reason, so "pills saved up" vanished when
    the person later said something softer.
    """
    history = [dict(item) for item in (earlier or {}).get("history") or []]
    if earlier and not history and earlier.get("reasons"):
        history.append({k: earlier.get(k) for k in ("level", "categories", "reasons", "words", "severity")})
    history.append(dict(latest))
    strongest = max(history, key=lambda item: (item.get("severity") or severity(item)))
    categories: list[str] = []
    for item in history:
        categories += [c for c in item.get("categories") or [] if c not in categories]
    reasons: list[str] = []
    for item in history:
        reasons += [r for r in item.get("reasons") or [] if r not in reasons]
    level = "high" if any(item.get("level") == "high" for item in history) else strongest.get("level", "none")
    rank = max(int(item.get("severity") or severity(item)) for item in history)
    return {"level": level, "categories": categories, "reasons": reasons, "words": strongest.get("words", ""),
            "severity": rank, "severity_label": LABELS[rank], "history": history}
