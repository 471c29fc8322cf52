"""Figures for a labelled test set: per-intent precision/recall/F1 and needs micro-F1.

The held-back set lives in ``tests/data/nlu_heldout.yml`` and is never used for training.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml


class LabelledSetError(ValueError):
    """The labelled file is not a list of {text, intent, needs, strengths} items."""


def load_labelled(path: Path) -> list[dict[str, Any]]:
    """Read a labelled set, checking each item so a typo is named, not skipped."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items = data.get("examples") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LabelledSetError(f"{path}: expected a list of examples under 'examples:'")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise LabelledSetError(f"{path}: example {number} has no text")
    return items


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def code_figures(pairs: Iterable[tuple[list[str], list[str]]]) -> dict[str, Any]:
    """Micro-averaged precision/recall/F1 of predicted code sets against expected ones."""
    tp = fp = fn = 0
    per_code: dict[str, Counter] = {}
    for expected, predicted in pairs:
        exp, pred = set(expected), set(predicted)
        for code in exp | pred:
            counter = per_code.setdefault(code, Counter())
            if code in exp and code in pred:
                tp += 1
                counter["tp"] += 1
            elif code in pred:
                fp += 1
                counter["fp"] += 1
            else:
                fn += 1
                counter["fn"] += 1
    figures = {"micro": _prf(tp, fp, fn)}
    figures["per_code"] = {code: _prf(c["tp"], c["fp"], c["fn"]) | {"support": c["tp"] + c["fn"]}
                           for code, c in sorted(per_code.items())}
    return figures


def evaluate(items: list[dict[str, Any]], analyse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Run every example through ``analyse`` and compute the figures."""
    results = []
    for item in items:
        got = analyse(item["text"])
        results.append((item, got))
    labelled = [(i, g) for i, g in results if i.get("intent")]
    intents = sorted({i["intent"] for i, _ in labelled} | {g["intent"] for _, g in labelled if g["intent"]})
    per_intent = {}
    for name in intents:
        tp = sum(1 for i, g in labelled if i["intent"] == name and g["intent"] == name)
        fp = sum(1 for i, g in labelled if i["intent"] != name and g["intent"] == name)
        fn = sum(1 for i, g in labelled if i["intent"] == name and g["intent"] != name)
        per_intent[name] = _prf(tp, fp, fn) | {"support": tp + fn}
    accuracy = sum(1 for i, g in labelled if i["intent"] == g["intent"]) / len(labelled) if labelled else 0.0
    needs = code_figures((i.get("needs", []) or [], g["needs"]) for i, g in results if "needs" in i)
    strengths = code_figures((i.get("strengths", []) or [], g["strengths"]) for i, g in results
                             if "strengths" in i)
    misses = [
        {"text": i["text"], "expected": i.get("intent"), "got": g["intent"]}
        for i, g in labelled if i["intent"] != g["intent"]
    ]
    return {
        "examples": len(items),
        "intent_accuracy": round(accuracy, 3),
        "per_intent": per_intent,
        "needs": needs,
        "strengths": strengths,
        "intent_misses": misses,
    }
