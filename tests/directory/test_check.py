"""``check`` finds what a directory keeper must fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.directory.check import check_directory
from bot.directory.importer import import_path
from bot.directory.models import Phone, Service
from bot.store.db import session_scope
from tests.directory.conftest import service, write_json


def test_check_finds_stale_incomplete_and_unreachable(db_url: str, tmp_path: Path) -> None:
    weekly = [{"byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}]
    records = [
        service("fresh", "Fresh", needs=["housing"], last_verified="2026-10-01", regular_schedules=weekly),
        service("old", "Old", needs=["housing"], last_verified="2024-01-01", regular_schedules=weekly),
        service("bare", "Bare", description="", last_verified="2026-10-01"),
        service("web", "Web only", needs=["money"], last_verified="2026-10-01", regular_schedules=weekly,
                modes=["online"], contacts=[], email="help@example.org"),
    ]
    with session_scope(db_url) as session:
        import_path(write_json(tmp_path / "c.json", records), session)
        # a number damaged after import (e.g. edited by hand) is caught too
        session.flush()
        session.query(Phone).filter(Phone.service_id == session.query(Service.id).filter_by(
            oruk_id="fresh").scalar_subquery()).update({"number": "not a number"}, synchronize_session=False)
    with session_scope(db_url) as session:
        findings = check_directory(session, today=date(2026, 11, 23))
    found = {(f.oruk_id, f.kind, f.detail.split(",")[0].split(" (")[0]) for f in findings}
    assert ("old", "stale", "last verified 2024-01-01") in found
    assert ("bare", "incomplete", "no opening times") in found
    assert ("bare", "incomplete", "no description") in found
    assert ("bare", "incomplete", "no needs tags") in found
    assert ("web", "unreachable", "says it works online but has no web address") in found
    assert any(f.oruk_id == "fresh" and f.kind == "unreachable" for f in findings)
    assert not any(f.oruk_id == "fresh" and f.kind in ("stale", "incomplete") for f in findings)
    with session_scope(db_url) as session:
        lenient = check_directory(session, today=date(2026, 11, 23), max_age_months=60)
    assert not any(f.kind == "stale" for f in lenient)


def test_shipped_directory_is_fresh_and_complete(shipped_url: str) -> None:
    with session_scope(shipped_url) as session:
        findings = check_directory(session, today=date(2026, 11, 23))
    assert [f for f in findings if f.kind in ("stale", "unreachable")] == []
    assert all("inferred" in f.detail for f in findings)
