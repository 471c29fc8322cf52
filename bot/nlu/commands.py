"""``bot analyse``: what the trained assistant makes of a sentence, or of a whole file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _analyse(args: argparse.Namespace) -> int:
    from bot.nlu.analyse import ModelParser

    if not args.text and not args.file:
        print("Give a sentence in quotes, or --file FILE.", file=sys.stderr)
        return 2
    path = Path(args.file) if args.file else None
    if path is not None and not path.is_file():
        print(f"No such file: {path}", file=sys.stderr)
        return 2
    try:
        parser = ModelParser(args.model)
    except FileNotFoundError as error:
        print(str(error), file=sys.stderr)
        return 2
    if path is None:
        print(json.dumps(parser.analyse(args.text), ensure_ascii=False))
        return 0
    if path.suffix in (".yml", ".yaml"):
        return _evaluate_file(parser, path, args.summary)
    lines = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    for number, line in enumerate(lines, start=1):
        print(json.dumps(parser.analyse(line), ensure_ascii=False), flush=True)
        if number % 50 == 0:
            print(f"{number}/{len(lines)} messages", file=sys.stderr)
    return 0


def _evaluate_file(parser, path: Path, summary_only: bool) -> int:
    from bot.nlu.evaluate import LabelledSetError, evaluate, load_labelled

    try:
        items = load_labelled(path)
    except LabelledSetError as error:
        print(str(error), file=sys.stderr)
        return 2

    def analyse(text: str):
        result = parser.analyse(text)
        if not summary_only:
            print(json.dumps({"text": text, **result}, ensure_ascii=False), flush=True)
        return result

    figures = evaluate(items, analyse)
    print(json.dumps({"figures": figures}, ensure_ascii=False, indent=None if not summary_only else 2))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyse",
        help="Show what the trained assistant understands from a sentence.",
        description="Prints intent, confidence, need and strength codes and risk as JSON, using the "
                    "trained model exactly as the live assistant does. With --file: one message per "
                    "line (.txt), or a labelled test set (.yml) for figures.",
    )
    parser.add_argument("text", nargs="?", help="The sentence to analyse.")
    parser.add_argument("--file", help="A text file (one message per line) or a labelled .yml set.")
    parser.add_argument("--model", help="Model file (default: the newest in models/).")
    parser.add_argument("--summary", action="store_true", help="With a labelled set: print only the figures.")
    parser.set_defaults(func=_analyse)
