"""The clinical safety case names tests as evidence: every one it names must exist."""

from __future__ import annotations

import re

from bot.config import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "clinical-safety"
NODE_ID = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def test_every_test_named_in_the_safety_case_exists() -> None:
    named = {match for doc in DOCS.glob("*.md") for match in NODE_ID.findall(doc.read_text(encoding="utf-8"))}
    assert len(named) >= 20
    missing = [f"{path}::{name}" for path, name in sorted(named)
               if not (REPO_ROOT / path).exists()
               or not re.search(rf"^(async )?def {name}\(", (REPO_ROOT / path).read_text(encoding="utf-8"), re.M)]
    assert missing == []


def test_hazard_log_covers_the_required_hazards() -> None:
    log = (DOCS / "hazard-log.md").read_text(encoding="utf-8").lower()
    for hazard in ("missed risk disclosure", "false reassurance", "wrong or closed offer",
                   "handoff lost or delayed", "promise the service cannot keep",
                   "message to the wrong person", "data disclosed", "assistant unavailable"):
        assert hazard in log
