"""``bot safety eval``: print the safety figures as JSON (used by ``make eval``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.safety.evaluate import HELDOUT_SET, evaluate, load_set, model_assess_fn, rule_assess


def _eval(args: argparse.Namespace) -> int:
    items = load_set(Path(args.set))
    if args.model:
        assess_fn = model_assess_fn(args.model)
        source = f"model {args.model}"
    else:
        assess_fn = rule_assess
        source = "rule layer (data/safety word lists) alone"
    figures = evaluate(items, assess_fn)
    print(json.dumps({"set": str(args.set), "assessed_by": source, **figures}, indent=2, ensure_ascii=False))
    return 0


def register(subparsers) -> None:
    safety = subparsers.add_parser("safety", help="Risk detection tasks.")
    safety_sub = safety.add_subparsers(dest="safety_command", metavar="TASK")
    safety_sub.required = True
    evaluate_cmd = safety_sub.add_parser("eval", help="Recall and false alarms on a labelled risk set, as JSON.")
    evaluate_cmd.add_argument("--set", default=str(HELDOUT_SET),
                              help="Labelled YAML list of {text, level, categories} (default: the held-out set).")
    evaluate_cmd.add_argument("--model", help="Trained model (.tar.gz) to evaluate; without it, the rule layer alone.")
    evaluate_cmd.set_defaults(func=_eval)
