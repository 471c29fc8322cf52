"""``python -m bot.coproduction.measure MODEL``: the figures a candidate is judged by, as one JSON line.

Run in its own process (loading a model takes memory and TensorFlow) by ``candidate.measure``.
Understanding: intent accuracy on ``tests/data/nlu_heldout.yml``; safety: recall of high and
possible risk and high false alarms on ``tests/data/risk_heldout.yml`` (the sets ``make eval`` uses).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.coproduction.candidate import SAFETY_SET, UNDERSTANDING_SET


def main(model: str) -> int:
    from bot.nlu.analyse import ModelParser
    from bot.nlu.evaluate import evaluate as evaluate_understanding
    from bot.nlu.evaluate import load_labelled
    from bot.safety.evaluate import evaluate as evaluate_safety
    from bot.safety.evaluate import load_set

    parser = ModelParser(Path(model))
    understanding = evaluate_understanding(load_labelled(UNDERSTANDING_SET), parser.analyse)

    def assess(text: str) -> tuple[str, list[str]]:
        risk = parser.parse(text).get("risk") or {}
        return str(risk.get("level", "none")), list(risk.get("categories") or [])

    safety = evaluate_safety(load_set(SAFETY_SET), assess)
    print(json.dumps({
        "understanding": {"intent_accuracy": understanding["intent_accuracy"]},
        "safety": {k: safety[k] for k in ("recall_high", "recall_possible", "false_alarm_rate_high")},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
