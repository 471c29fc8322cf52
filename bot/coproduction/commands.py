"""``bot check-data``: the co-production checks from the command line (``make check-data``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import REPO_ROOT


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-data",
        help="check replies and training examples against data/language.yml, SMS length and more",
    )
    parser.add_argument("--root", type=Path, default=REPO_ROOT,
                        help="project folder holding domain.yml and data/ (default: this project)")
    parser.set_defaults(func=_check_data)

    redact = subparsers.add_parser("redact", help="take personal details out of a message, or measure that")
    redact.add_argument("text", nargs="?", help="a message to redact")
    redact.add_argument("--eval", dest="eval_set", type=Path, metavar="SET",
                        help="print recall and precision (JSON) on a labelled set, e.g. tests/data/redaction_set.yml")
    redact.add_argument("--show", action="store_true", help="with --eval, also list what was missed or hidden")
    redact.set_defaults(func=_redact)


def _check_data(args: argparse.Namespace) -> int:
    from bot.coproduction.checks import check_project
    from bot.coproduction.language import GuideError

    try:
        problems = check_project(args.root)
    except GuideError as error:
        print(f"The language guide could not be read: {error}")
        return 1
    if not problems:
        print("check-data: all replies and examples pass our language guide and checks.")
        return 0
    print(f"check-data found {len(problems)} thing(s) to fix:\n")
    for problem in problems:
        print(f"- {problem}")
    return 1


def _redact(args: argparse.Namespace) -> int:
    import json

    if args.eval_set:
        from bot.coproduction.redact_eval import evaluate

        figures = evaluate(args.eval_set).as_dict()
        if not args.show:
            figures = {k: v for k, v in figures.items() if k not in ("missed", "false_alarms")}
        print(json.dumps(figures, indent=None if not args.show else 2))
        return 0
    if not args.text:
        print("Give a message to redact, or --eval SET.")
        return 2
    from bot.coproduction.redact import redact

    print(redact(args.text))
    return 0
