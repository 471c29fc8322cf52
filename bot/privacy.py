"""Small helpers for keeping personal data out of places it does not belong (logs, audit lines)."""

from __future__ import annotations

import hashlib


def reference(sender_id: str | None) -> str:
    """A short, stable stand-in for a conversation id (a phone number for SMS) in log lines.

    Enough to match lines about one conversation; not the number itself. Not a secret hash:
    never use it where guessing a number from it would matter.
    """
    if not sender_id:
        return "-"
    return "c-" + hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:10]


def consent_wording_version(domain_file: str | None = None) -> str:
    """A short fingerprint of the consent question's wording in ``domain.yml``.

    Recorded with each consent, so it is always known which words a person said yes to: any
    change to ``utter_ask_consent`` gives a new version (``v-`` and 10 hex characters).
    """
    from pathlib import Path

    import yaml

    from bot.config import REPO_ROOT

    path = Path(domain_file) if domain_file else REPO_ROOT / "domain.yml"
    responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    wording = "\n".join(str(v.get("text", "")) for v in responses.get("utter_ask_consent") or []
                        if isinstance(v, dict))
    return "v-" + hashlib.sha256(wording.encode("utf-8")).hexdigest()[:10]
