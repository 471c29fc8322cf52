"""Directory fixtures: a migrated SQLite file per test, and the shipped directory loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.directory.importer import import_path
from bot.directory.offers import reset_index
from bot.directory.search import DirectoryIndex
from bot.hours import HubHours
from bot.store.db import migrate, session_scope

SAMPLE = REPO_ROOT / "data" / "directory" / "sample_borough.json"
NATIONAL = REPO_ROOT / "data" / "directory" / "national_helplines.json"
HUB = HubHours()  # Mon-Fri 9 to 5, bank holidays closed: fixed, whatever config/hours.yml says


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    migrate(url)
    reset_index()
    return url


@pytest.fixture
def shipped_url(db_url: str) -> str:
    with session_scope(db_url) as session:
        for path in (SAMPLE, NATIONAL):
            report = import_path(path, session)
            assert report.rejected == 0, report.problems
    return db_url


@pytest.fixture
def shipped_index(shipped_url: str) -> DirectoryIndex:
    with session_scope(shipped_url) as session:
        return DirectoryIndex.load(session, hub_hours=HUB)


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def service(id_: str, name: str = "Test offer", **fields: object) -> dict:
    """A minimal valid ORUK service."""
    record = {"id": id_, "name": name, "description": "Help with housing.",
              "contacts": [{"phones": [{"number": "020 7946 0999"}]}]}
    record.update(fields)
    return record
