"""Understanding a sentence exactly as the live assistant does, for co-production groups.

Loads the trained Rasa model (the same graph the server runs) and reports what it makes of
a message: intent, confidence, need and strength codes, and the risk level.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT


def latest_model(models_dir: Path | None = None) -> Path:
    """The newest trained model, or a clear error when there is none."""
    models_dir = models_dir or REPO_ROOT / "models"
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not candidates:
        raise FileNotFoundError(f"No trained model in {models_dir}. Run 'make train' first.")
    return candidates[-1]


def quiet_rasa_logs(level: int = logging.WARNING) -> None:
    """Keep Rasa's library logging (which includes message text at debug) off stdout."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(level)
    configure_structlog(level)


class ModelParser:
    """Parses text with a trained model through Rasa's own Agent (NLU only, no actions)."""

    def __init__(self, model_path: Path | str | None = None):
        quiet_rasa_logs()
        from rasa.core.agent import Agent

        self.model_path = Path(model_path) if model_path else latest_model()
        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(self.model_path))

    def parse(self, text: str) -> dict[str, Any]:
        """The full Rasa parse result (intent, ranking, entities, risk)."""
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def analyse(self, text: str) -> dict[str, Any]:
        """The short summary co-production groups read."""
        return summarise(self.parse(text))


def summarise(parse: dict[str, Any]) -> dict[str, Any]:
    """Intent, confidence, needs, strengths and risk from a Rasa parse result."""
    intent = parse.get("intent") or {}
    entities = parse.get("entities") or []
    risk = parse.get("risk") or {}

    def codes(kind: str) -> list[str]:
        found: list[str] = []
        for entity in entities:
            if entity.get("entity") == kind and entity.get("value") not in found:
                found.append(str(entity.get("value")))
        return found

    result: dict[str, Any] = {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "needs": codes("need"),
        "strengths": codes("strength"),
        "risk": risk.get("level", "none"),
    }
    if risk.get("level", "none") != "none":
        result["risk_categories"] = list(risk.get("categories", []))
        result["risk_reasons"] = list(risk.get("reasons", []))
    return result
