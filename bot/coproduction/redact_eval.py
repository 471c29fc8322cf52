"""Recall and precision of the redaction on a labelled set (``tests/data/redaction_set.yml``).

Recall: of the personal details labelled, the share wholly taken out. Precision: of the
pieces taken out, the share that overlap a labelled detail (the rest hid ordinary words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.coproduction.redact import find_details


@dataclass
class RedactionFigures:
    lines: int = 0
    details: int = 0
    details_removed: int = 0
    pieces_removed: int = 0
    pieces_on_a_detail: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.details_removed / self.details if self.details else 1.0

    @property
    def precision(self) -> float:
        return self.pieces_on_a_detail / self.pieces_removed if self.pieces_removed else 1.0

    def as_dict(self) -> dict:
        return {"set": "redaction", "lines": self.lines, "details": self.details,
                "recall": round(self.recall, 3), "precision": round(self.precision, 3),
                "missed": self.missed, "false_alarms": self.false_alarms}


def _spans(text: str, details: list[str]) -> list[tuple[int, int]]:
    spans = []
    for detail in details:
        start = text.find(detail)
        if start < 0:
            raise ValueError(f"labelled detail {detail!r} is not in {text!r}")
        spans.append((start, start + len(detail)))
    return spans


def evaluate(path: Path) -> RedactionFigures:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    figures = RedactionFigures()
    for item in data.get("lines") or []:
        text = str(item["text"])
        labelled = _spans(text, [str(d) for d in item.get("details") or []])
        found = find_details(text)
        figures.lines += 1
        figures.details += len(labelled)
        for start, end in labelled:
            if all(any(d.start <= i < d.end for d in found) for i in range(start, end)):
                figures.details_removed += 1
            else:
                figures.missed.append(f"{text[start:end]!r} in {text!r}")
        for detail in found:
            figures.pieces_removed += 1
            if any(detail.start < end and start < detail.end for start, end in labelled):
                figures.pieces_on_a_detail += 1
            else:
                figures.false_alarms.append(f"{detail.text!r} ({detail.kind}) in {text!r}")
    return figures
