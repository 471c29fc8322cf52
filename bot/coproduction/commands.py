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
