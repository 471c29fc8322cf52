"""``bot safety eval``: print the safety figures as JSON (used by ``make eval``).

Messages are never printed for a held-back set (``tests/data``) or for the real posts' test
part: a set that has been read is tuning data, and its figures stop being an estimate.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.safety.evaluate import HELDOUT_SET, evaluate, load_set, model_assess_fn, rule_assess


def _eval(args: argparse.Namespace) -> int:
    if args.real:
        return _eval_real(args)
    items = load_set(Path(args.set))
    if args.model:
        assess_fn = model_assess_fn(args.model)
        source = f"model {args.model}"
    else:
        assess_fn = rule_assess
        source = "rule layer (data/safety word lists) alone"
    figures = evaluate(items, assess_fn)
    if not args.show_messages:
        figures["misses"] = len(figures["misses"])
        figures["false_alarms"] = len(figures["false_alarms"])
    print(json.dumps({"set": str(args.set), "assessed_by": source, **figures}, indent=2, ensure_ascii=False))
    return 0


def _eval_real(args: argparse.Namespace) -> int:
    from bot.nlu.analyse import latest_model
    from bot.safety.realeval import model_assess_fn as real_assess_fn
    from bot.safety.realeval import real_figures

    if args.show_messages and args.part == "test":
        print("The test part of the real posts is counts only: its messages are never shown.", file=sys.stderr)
        return 2
    model = args.model or str(latest_model())
    print(f"Reading the {args.part} part of the real posts with {model} ...", file=sys.stderr)
    figures = real_figures(args.part, real_assess_fn(model), args.show_messages, progress=True)
    print(json.dumps({"real_posts": True, "assessed_by": f"model {model}", **figures}, indent=2,
                     ensure_ascii=False))
    return 0


def register(subparsers) -> None:
    safety = subparsers.add_parser("safety", help="Risk detection tasks.")
    safety_sub = safety.add_subparsers(dest="safety_command", metavar="TASK")
    safety_sub.required = True
    evaluate_cmd = safety_sub.add_parser("eval", help="Recall and false alarms on a labelled risk set, as JSON.")
    evaluate_cmd.add_argument("--set", default=str(HELDOUT_SET),
                              help="Labelled YAML list of {text, level, categories} (default: the held-out set).")
    evaluate_cmd.add_argument("--model", help="Trained model (.tar.gz) to evaluate; without it, the rule layer alone "
                                              "(with --real, the newest model).")
    evaluate_cmd.add_argument("--real", action="store_true",
                              help="Real public posts (bot/safety/realtext.py) instead of a written set: "
                                   "figures by group and message length, with 95%% intervals.")
    evaluate_cmd.add_argument("--part", choices=("test", "calibration"), default="test",
                              help="With --real: the test part (counts only; the default) or the calibration part.")
    evaluate_cmd.add_argument("--show-messages", action="store_true",
                              help="Also print the messages missed or wrongly flagged: only for sets already read "
                                   "(never the real test part).")
    evaluate_cmd.set_defaults(func=_eval)
