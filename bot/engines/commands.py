"""``bot rasa ARGS``: run Rasa with endpoints.yml's variables filled in from bot/config.py.

``bot config env`` prints the same variables as ``export`` lines (for a shell or a container
entry point that runs ``rasa`` itself).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from bot.config import settings


def rasa_env() -> dict[str, str]:
    """The process environment with every variable endpoints.yml reads."""
    env = dict(os.environ)
    env.update(settings().rasa_environment())
    return env


def run_rasa(rasa_args: list[str]) -> int:
    """Replace this process with ``rasa RASA_ARGS`` in the filled-in environment."""
    rasa = Path(sys.executable).parent / "rasa"
    os.execve(str(rasa), [str(rasa), *rasa_args], rasa_env())
    return 0  # pragma: no cover - execve does not return


def _rasa(args: argparse.Namespace) -> int:
    return run_rasa(list(args.rasa_args))


def _env(_: argparse.Namespace) -> int:
    for name, value in sorted(settings().rasa_environment().items()):
        print(f"export {name}={shlex.quote(value)}")
    return 0


def register(subparsers) -> None:
    rasa = subparsers.add_parser("rasa", help="Run rasa with the engines chosen in the environment.",
                                 add_help=False)
    rasa.add_argument("rasa_args", nargs=argparse.REMAINDER)
    rasa.set_defaults(func=_rasa)
    config = subparsers.add_parser("config", help="Show settings.")
    config_sub = config.add_subparsers(dest="config_command", metavar="TASK")
    config_sub.required = True
    env = config_sub.add_parser("env", help="Print endpoints.yml's variables as export lines.")
    env.set_defaults(func=_env)
