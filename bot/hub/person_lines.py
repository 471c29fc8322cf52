"""What the person is told when a Hub worker joins or leaves their chat or text thread.

The words live in domain.yml with every other word a person reads (``utter_hub_worker_joined``,
``utter_hub_worker_left``); the console sends them itself, because a claim or a hand back
happens in the console, not in the person's conversation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import REPO_ROOT

DOMAIN = REPO_ROOT / "domain.yml"
JOINED = "utter_hub_worker_joined"
LEFT = "utter_hub_worker_left"


@lru_cache(maxsize=4)
def _responses(path: Path = DOMAIN) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        responses = (yaml.safe_load(handle) or {}).get("responses") or {}
    return {name: str(variations[0]["text"]) for name, variations in responses.items()
            if name in (JOINED, LEFT) and variations and "text" in variations[0]}


def first_name(display_name: str | None) -> str:
    parts = (display_name or "").split()
    return parts[0] if parts else "A Hub worker"


def line(name: str, display_name: str | None, path: Path = DOMAIN) -> str:
    """The joined or left line with the worker's first name filled in."""
    template = _responses(path).get(name)
    if template is None:
        raise KeyError(f"{name} is missing from {path.name}")
    return template.replace("{worker_name}", first_name(display_name))
