"""Benchmark: the insights figures, CLI and page on a borough's year (about 6,000 introductions).

For SQLite (a temporary file) and PostgreSQL (a database of our own on 127.0.0.1:5432, created
and dropped here), writes twelve months of invented introductions with ``bot.insights.synthetic``
and times:
- ``compute`` for the whole year, in process (what the CLI and the page each run per period);
- ``bot insights --from --to --format csv`` as a fresh process (includes Python start-up);
- the real Hub console's ``/insights`` page (two periods: the year and the half-years side by
  side) and ``/insights.csv``, over HTTP as a logged-in lead.
The target in issue 23 is under 2 seconds for the page and the CLI.

Run: .venv/bin/python bench/bench_insights.py [--runs 5] [--per-month 500] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bot.hub.feed import create_events_table  # noqa: E402
from bot.insights.figures import compute  # noqa: E402
from bot.insights.synthetic import generate  # noqa: E402
from bot.store.db import dispose_engines, get_engine, migrate  # noqa: E402
from bot.store.models import Introduction  # noqa: E402
from tests.hub.support import HubProcess, Staff, make_user  # noqa: E402

TARGET_SECONDS = 2.0
REPO = Path(__file__).resolve().parent.parent
YEAR = (date(2025, 12, 1), date(2026, 11, 30))
HALVES = "from=2026-06-01&to=2026-11-30&compare_from=2025-12-01&compare_to=2026-05-31"
PG_ADMIN = os.environ.get("LWFD_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _times(runs: int, job) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        out.append(time.perf_counter() - started)
    return sorted(out)


def _line(name: str, timings: list[float]) -> bool:
    worst = timings[-1]
    print(f"  {name:<44} median {statistics.median(timings) * 1000:7.0f} ms   max {worst * 1000:7.0f} ms   "
          f"{'met' if worst < TARGET_SECONDS else 'NOT met'}")
    return worst < TARGET_SECONDS


def run_backend(label: str, url: str, workdir: Path, runs: int, per_month: int) -> bool:
    migrate(url)
    started = time.perf_counter()
    made = generate(url, start=YEAR[0], months=12, per_month=per_month, seed=23)
    with get_engine(url).connect() as conn:
        count = conn.execute(select(func.count(Introduction.id))).scalar()
    print(f"{label}: {count} introductions, {made.handoffs} handoffs, {made.about_you} 'about you' answers "
          f"(generated in {time.perf_counter() - started:.1f} s)")
    ok = _line("compute(year), in process", _times(runs, lambda: compute(url, *YEAR)))
    env = {**os.environ, "PYTHONPATH": str(REPO), "LWFD_DATABASE_URL": url}
    command = [sys.executable, "-c", "from bot.cli import main; main()", "insights",
               "--from", YEAR[0].isoformat(), "--to", YEAR[1].isoformat(), "--format", "csv"]
    ok &= _line("bot insights --format csv (new process)", _times(runs, lambda: subprocess.run(
        command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=REPO)))
    startup = [sys.executable, "-c", "from bot.cli import build_parser; import bot.store.db; build_parser()"]
    _line("  of which start-up (imports, no figures)", _times(runs, lambda: subprocess.run(
        startup, env=env, check=True, stdout=subprocess.DEVNULL, cwd=REPO)))
    events_db = f"sqlite:///{workdir / 'events.db'}"
    create_events_table(events_db)
    make_user(url, "bench_lead", role="lead")
    hub = HubProcess(workdir, "http://127.0.0.1:9", "unused", url, events_db,
                     extra_env={"LWFD_HUB_SAFETY_CHECK_SECONDS": "0"}).start()
    try:
        staff = Staff(hub.url)
        staff.login("bench_lead")
        year = f"from={YEAR[0]}&to={YEAR[1]}"

        def get(path: str) -> None:
            answer = staff.get(hub.url + path, timeout=60)
            assert answer.status_code == 200, answer.status_code

        ok &= _line("/insights (year vs year before)", _times(runs, lambda: get("/insights?" + year)))
        ok &= _line("/insights (half-year vs half-year)", _times(runs, lambda: get("/insights?" + HALVES)))
        ok &= _line("/insights.csv (half-year vs half-year)", _times(runs, lambda: get("/insights.csv?" + HALVES)))
    finally:
        hub.stop()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--per-month", type=int, default=500)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    ok = True
    print(f"Load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures grow with load)")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        ok &= run_backend("SQLite", f"sqlite:///{sqlite_dir / 'app.db'}", sqlite_dir, args.runs, args.per_month)
        if not args.no_postgres:
            name = f"lwfd_bench_insights_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            pg_dir = Path(tmp) / "pg"
            pg_dir.mkdir()
            try:
                ok &= run_backend("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", pg_dir, args.runs,
                                  args.per_month)
            finally:
                dispose_engines()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(f"Target under {TARGET_SECONDS:.0f} s for every run: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
