"""The ``bot`` command: operators' and co-production jobs in one place.

Each room adds its own sub-commands through a ``register(subparsers)`` function in its
``commands`` module; this file only lists the rooms.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# One line per room that has commands.
ROOMS = [
    "bot.safety.commands",
    "bot.directory.commands",
    "bot.store.commands",
    "bot.nlu.commands",
    "bot.hub.commands",
    "bot.insights.commands",
    "bot.engines.commands",
    "bot.coproduction.commands",
    "bot.personal_commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Living Well front door tools.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for room in ROOMS:
        importlib.import_module(room).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bot`` console script."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["rasa"]:  # everything after `bot rasa` belongs to rasa, options included
        from bot.engines.commands import run_rasa

        return run_rasa(argv[1:])
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
