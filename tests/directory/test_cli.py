"""``bot directory ...`` as staff run it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.directory.conftest import NATIONAL, SAMPLE, service, write_json


def test_import_then_search_and_check(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directory", "import", str(SAMPLE), "--url", db_url]) == 0
    assert main(["directory", "import", str(NATIONAL), "--url", db_url]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "added 14, updated 0, unchanged 0, rejected 0"
    assert "added 48, updated 0, unchanged 0, rejected 0" in out

    assert main(["directory", "search", "housing,money", "--at", "2026-11-29T02:00", "--json",
                 "--url", db_url]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["needs"] == ["housing", "money"] and len(result["offers"]) == 3
    assert all(o["open_now"] for o in result["offers"])

    assert main(["directory", "search", "I am behind on my rent and cannot pay my bills", "--at", "2026-12-01T10:00",
                 "--postcode", "SW9", "--limit", "2", "--url", db_url]) == 0
    text = capsys.readouterr().out
    # "behind on my rent" is money and housing both; the order follows the words, so the set is checked
    needs_line = re.search(r"needs: ([a-z_, ]+);", text)
    assert needs_line and set(needs_line.group(1).split(", ")) == {"housing", "money"}
    assert "1. " in text and "2. " in text and "3. " not in text
    assert "why: open now till" in text

    assert main(["directory", "check", "--url", db_url]) == 1  # two offers have only inferred tags
    assert "needs tags only inferred" in capsys.readouterr().out


def test_import_names_rejected_records(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(tmp_path / "x.json", [service("ok", "Fine"), service("bad", "")])
    assert main(["directory", "import", str(path), "--url", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "rejected: record 1 (bad): name: missing or empty"
    assert out[-1] == "added 1, updated 0, unchanged 0, rejected 1"


@pytest.mark.parametrize("argv, message", [
    (["directory", "import", "/no/such/file.json"], "no such file"),
    (["directory", "search", "housing,homes"], "unknown code 'homes'"),
    (["directory", "search", "housing", "--at", "teatime"], "is not an ISO time"),
])
def test_clear_errors(db_url: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--url", db_url]) == 2
    assert message in capsys.readouterr().err


def test_remove_sample_keeps_national_lines(shipped_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directory", "remove-sample", "--url", shipped_url]) == 0
    assert capsys.readouterr().out.strip() == "removed 48 sample offers"
    assert main(["directory", "search", "housing", "--at", "2026-11-29T02:00", "--json", "--url", shipped_url]) == 0
    offers = json.loads(capsys.readouterr().out)["offers"]
    assert offers and not any(o["id"].startswith("sample-") for o in offers)
