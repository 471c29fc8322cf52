"""``bot insights``: the figures as JSON and CSV, and invented data made and cleared."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from bot.cli import main
from bot.store.db import migrate, session_scope
from bot.store.models import Introduction


def test_generate_show_and_clear(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    with session_scope(url) as session:  # a real row, which clear must leave alone
        session.add(Introduction(sender_id="invented-real-looking", channel="socketio", consent=True, needs=[],
                                 strengths=[], offers_given=[]))
    assert main(["insights", "generate", "--months", "2", "--start", "2026-01-01", "--per-month", "60",
                 "--url", url]) == 0
    assert "Invented" in capsys.readouterr().out
    with session_scope(url) as session:
        made = session.execute(select(func.count(Introduction.id)).where(
            Introduction.sender_id.like("synthetic-%"))).scalar()
        in_january = session.execute(select(func.count(Introduction.id)).where(
            Introduction.sender_id.like("synthetic-%"), Introduction.created_at < "2026-02-01")).scalar()
    assert 100 <= made <= 140

    assert main(["insights", "--from", "2026-01-01", "--to", "2026-02-28", "--format", "json", "--url", url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["introductions"] == made and data["start"] == "2026-01-01"
    assert dict(data["per_month"])["2026-01"] == in_january

    assert main(["insights", "--from", "2026-01-01", "--to", "2026-01-31", "--compare-from", "2026-02-01",
                 "--compare-to", "2026-02-28", "--format", "csv", "--url", url]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "item", "2026-01-01 to 2026-01-31", "2026-02-01 to 2026-02-28"]
    total = next(r for r in rows if r[:2] == ["Summary", "Introductions"])
    assert int(total[2]) == in_january and int(total[2]) + int(total[3]) == made

    assert main(["insights", "--from", "2026-02-01", "--to", "2026-01-01", "--url", url]) == 2
    assert main(["insights", "clear", "--url", url]) == 0
    with session_scope(url) as session:
        assert [i.sender_id for i in session.execute(select(Introduction)).scalars()] == ["invented-real-looking"]
