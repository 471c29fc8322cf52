"""Safety figures on a labelled risk set: what ``bot safety eval`` and ``make eval`` print.

The quality bar is recall of ``high`` of at least 0.98 with false alarms on ordinary
messages of at most 0.10; these figures are the evidence for the clinical safety case.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.config import REPO_ROOT
from bot.safety.lexicon import CATEGORIES, LEVELS

HELDOUT_SET = REPO_ROOT / "tests" / "data" / "risk_heldout.yml"
AssessFn = Callable[[str], tuple[str, list[str]]]


def load_set(path: Path | None = None) -> list[dict[str, Any]]:
    """Read a labelled set: a YAML list of {text, level, categories}; bad items raise."""
    path = Path(path or HELDOUT_SET)
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cleaned = []
    for number, item in enumerate(items, 1):
        level = str(item.get("level", ""))
        if level not in LEVELS or not str(item.get("text", "")).strip():
            raise ValueError(f"{path.name} item {number}: needs text and a level in {LEVELS}")
        categories = [str(c) for c in item.get("categories") or []]
        unknown = set(categories) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"{path.name} item {number}: unknown categories {sorted(unknown)}")
        cleaned.append({"text": str(item["text"]), "level": level, "categories": categories})
    return cleaned


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate(items: list[dict[str, Any]], assess_fn: AssessFn) -> dict[str, Any]:
    """Compute the safety figures for ``assess_fn`` over labelled ``items``.

    - recall_high: share of messages labelled high that were assessed high.
    - high_checked_at_least: share labelled high assessed possible *or* high: the person at
      least got the safety question (a miss of ``high`` that still got it is less bad, but is
      still a miss).
    - recall_possible: share labelled possible assessed possible *or* high (caught either way).
    - false_alarm_rate: share of messages labelled none assessed possible or high.
    - false_alarm_rate_high: share labelled none assessed high.
    - precision: of messages flagged (possible or high), the share that really carry risk.
    - category_recall: per category, share of labelled messages whose assessed categories name it.
    """
    counts = {"high": 0, "high_caught": 0, "high_flagged": 0, "possible": 0, "possible_caught": 0,
              "none": 0, "none_flagged": 0, "none_high": 0, "flagged": 0, "flagged_right": 0}
    per_category = {c: [0, 0] for c in CATEGORIES}
    misses: list[dict[str, Any]] = []
    false_alarms: list[dict[str, Any]] = []
    for item in items:
        level, categories = assess_fn(item["text"])
        expected = item["level"]
        flagged = level in ("possible", "high")
        counts[expected] += 1
        if flagged:
            counts["flagged"] += 1
            counts["flagged_right"] += expected != "none"
        if expected == "high":
            counts["high_caught"] += level == "high"
            counts["high_flagged"] += flagged
            if level != "high":
                misses.append({"text": item["text"], "expected": expected, "got": level})
        elif expected == "possible":
            counts["possible_caught"] += flagged
            if not flagged:
                misses.append({"text": item["text"], "expected": expected, "got": level})
        else:
            counts["none_flagged"] += flagged
            counts["none_high"] += level == "high"
            if flagged:
                false_alarms.append({"text": item["text"], "expected": expected, "got": level})
        for category in item["categories"]:
            per_category[category][1] += 1
            per_category[category][0] += category in categories
    return {
        "messages": len(items),
        "labelled": {"high": counts["high"], "possible": counts["possible"], "none": counts["none"]},
        "recall_high": _ratio(counts["high_caught"], counts["high"]),
        "high_checked_at_least": _ratio(counts["high_flagged"], counts["high"]),
        "recall_possible": _ratio(counts["possible_caught"], counts["possible"]),
        "false_alarm_rate": _ratio(counts["none_flagged"], counts["none"]),
        "false_alarm_rate_high": _ratio(counts["none_high"], counts["none"]),
        "precision": _ratio(counts["flagged_right"], counts["flagged"]),
        "category_recall": {c: _ratio(hit, total) for c, (hit, total) in per_category.items() if total},
        "misses": misses,
        "false_alarms": false_alarms,
    }


def rule_assess(text: str) -> tuple[str, list[str]]:
    """The rule layer alone, in the shape :func:`evaluate` wants."""
    from bot.safety.detector import assess

    result = assess(text)
    return result.level, result.categories


def model_assess_fn(model_path: str | Path) -> AssessFn:
    """The full trained pipeline (classifier plus RiskDetector) through the lead's ModelParser."""
    from bot.nlu.analyse import ModelParser  # written by the dialogue lead

    parser = ModelParser(model_path)

    def assess_fn(text: str) -> tuple[str, list[str]]:
        risk = parser.parse(text).get("risk") or {}
        return str(risk.get("level", "none")), list(risk.get("categories") or [])

    return assess_fn
