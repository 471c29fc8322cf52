"""Words from ``domain.yml`` for text that is stored as well as sent (the promise the Hub sees).

Everything a person reads lives in ``domain.yml``. Actions mostly send a response by name;
when the same sentence must also be kept (a handoff's promise, shown in the Hub console),
it is rendered here from the same response, so what is kept and what was said cannot drift.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from bot.config import REPO_ROOT

DOMAIN_FILE = REPO_ROOT / "domain.yml"


class MissingWords(KeyError):
    """A response named in code is not in domain.yml."""


@functools.lru_cache(maxsize=4)
def _responses(path: str) -> dict[str, list[dict[str, Any]]]:
    with open(path, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle).get("responses") or {})


def render(name: str, *, channel: str | None = None, domain: Path | None = None, **values: Any) -> str:
    """The text of response ``name`` (the variant for ``channel`` if there is one), filled in.

    Only unconditional variants are used (conditions on slots are for Rasa to choose).
    """
    variants = _responses(str(domain or DOMAIN_FILE)).get(name)
    if not variants:
        raise MissingWords(name)
    plain = [v for v in variants if "condition" not in v]
    chosen = next((v for v in plain if channel and v.get("channel") == channel), None)
    chosen = chosen or next((v for v in plain if not v.get("channel")), None) or plain[0]
    text = " ".join(str(chosen["text"]).split())
    return text.format(**values) if values else text
