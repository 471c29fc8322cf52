"""Read the files a co-production group edits, keeping the line each thing sits on.

The checks in ``checks.py`` must say "domain.yml line 321" so a volunteer can find the
reply, so this reads YAML with ruamel's round-trip loader (which remembers lines) rather
than PyYAML. Nothing here judges the data; it only lists it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class ResponseText:
    """One version of one reply in domain.yml, as the person reads it."""

    name: str
    text: str
    buttons: tuple[str, ...]
    channel: str | None
    condition: str
    file: str
    line: int
    has_channel_twin: bool = False  # another version of this reply is written for SMS

    @property
    def sent_by_text(self) -> bool:
        """True when this version can go out as an SMS (written for SMS, or no SMS twin)."""
        return self.channel == "twilio" or (self.channel is None and not self.has_channel_twin)

    @property
    def label(self) -> str:
        parts = [f"reply {self.name}"]
        if self.channel:
            parts.append(f"({self.channel} version)")
        if self.condition:
            parts.append(f"(when {self.condition})")
        return " ".join(parts)


@dataclass(frozen=True)
class Example:
    """One training example: what a person might say, under its intent."""

    intent: str
    text: str  # annotations such as [rent](need) removed: the words as typed
    file: str
    line: int


@dataclass
class Lookup:
    """One word list (Rasa lookup table) such as need_housing."""

    name: str
    file: str
    line: int
    values: list[tuple[str, int]] = field(default_factory=list)


def _yaml() -> YAML:
    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    return loader


def load_with_lines(path: Path) -> Any:
    """Parse a YAML file keeping line numbers (ruamel round-trip)."""
    return _yaml().load(path.read_text(encoding="utf-8"))


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _condition_text(variant: Any) -> str:
    parts = []
    for cond in variant.get("condition") or []:
        if isinstance(cond, dict) and cond.get("type") == "slot":
            parts.append(f"{cond.get('name')} is {cond.get('value')}")
    return " and ".join(parts)


def read_responses(domain_path: Path, root: Path) -> list[ResponseText]:
    """Every version of every reply in the domain file, in file order."""
    doc = load_with_lines(domain_path) or {}
    responses = doc.get("responses") or {}
    out: list[ResponseText] = []
    rel = relative(domain_path, root)
    for name in responses:
        variants = responses[name] or []
        channels = {v.get("channel") for v in variants if isinstance(v, dict)}
        for index, variant in enumerate(variants):
            if not isinstance(variant, dict):
                continue
            if "text" in variant:
                line = variant.lc.key("text")[0] + 1
            else:
                line = variants.lc.item(index)[0] + 1
            buttons = tuple(
                str(b.get("title") or b.get("payload") or "") for b in variant.get("buttons") or []
                if isinstance(b, dict)
            )
            channel = variant.get("channel")
            out.append(ResponseText(
                name=str(name), text=str(variant.get("text") or ""), buttons=buttons,
                channel=str(channel) if channel else None, condition=_condition_text(variant),
                file=rel, line=line,
                has_channel_twin=channel is None and "twilio" in channels,
            ))
    return out


def strip_annotations(example: str) -> str:
    """``my [rent](need) is late`` -> ``my rent is late``."""
    return _ANNOTATION.sub(r"\1", example)


def _block_items(block: str, first_line: int) -> Iterator[tuple[str, int]]:
    """The ``- item`` lines of a literal block, each with its line in the file.

    A literal block (``examples: |``) starts on the line after its key and keeps one text
    line per file line, so the n-th text line is on ``first_line + n``.
    """
    for offset, raw in enumerate(str(block).split("\n")):
        stripped = raw.strip()
        if stripped.startswith("- "):
            yield stripped[2:].strip(), first_line + offset
        elif stripped == "-":
            yield "", first_line + offset


def nlu_files(nlu_dir: Path) -> list[Path]:
    return sorted(p for p in nlu_dir.rglob("*.yml") if p.is_file())


def read_nlu(nlu_dir: Path, root: Path) -> tuple[list[Example], list[Lookup]]:
    """Training examples and word lists from every YAML file under ``nlu_dir``."""
    examples: list[Example] = []
    lookups: list[Lookup] = []
    for path in nlu_files(nlu_dir):
        doc = load_with_lines(path) or {}
        items = doc.get("nlu") if isinstance(doc, dict) else None
        rel = relative(path, root)
        for item in items or []:
            if not isinstance(item, dict) or "examples" not in item:
                continue
            key_line = item.lc.key("examples")[0] + 1  # 1-based line of "examples: |"
            entries = list(_block_items(item["examples"], key_line + 1))
            if "intent" in item:
                for text, line in entries:
                    examples.append(Example(str(item["intent"]), strip_annotations(text), rel, line))
            elif "lookup" in item:
                lookups.append(Lookup(str(item["lookup"]), rel, item.lc.key("lookup")[0] + 1, entries))
    return examples, lookups
