"""Benchmark: time from a handoff being written to it appearing in the queue's live feed.

Starts the real Hub console (``python -m bot.hub``) on loopback with temporary SQLite databases,
logs a worker in, opens the queue's server-sent events stream, then N times writes the events a
handoff turn produces (into the SQL event broker's ``events`` table, as Rasa does) and the handoff
row (as the handoff action does), and measures until the new row is in the feed. The target in
issue 7 is under 2 seconds; the feed polls every 0.2 s, so expect a p95 of about a quarter second.

Run: .venv/bin/python bench/bench_hub_queue.py [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.hub.feed import create_events_table, events_table  # noqa: E402
from bot.store.db import get_engine, migrate  # noqa: E402
from tests.hub.support import HubProcess, Staff, add_handoff, make_user, sse_events  # noqa: E402

TARGET_SECONDS = 2.0


def _write_turn(events_db: str, sender: str) -> None:
    """The broker rows of an "ask for a person" turn, then nothing else: the handoff follows."""
    now = time.time()
    rows = [{"event": "user", "text": "can I talk to a person", "timestamp": now},
            {"event": "action", "name": "action_handoff", "timestamp": now},
            {"event": "bot", "text": "A Hub worker will join this chat.", "timestamp": now}]
    with get_engine(events_db).begin() as conn:
        conn.execute(events_table.insert(), [{"sender_id": sender, "data": json.dumps(r)} for r in rows])


def measure(runs: int = 50) -> dict:
    """Milliseconds from a handoff written to it in the live feed, as a dict (raises if one never shows)."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        app_db, events_db = f"sqlite:///{workdir / 'app.db'}", f"sqlite:///{workdir / 'events.db'}"
        migrate(app_db)
        create_events_table(events_db)
        make_user(app_db, "bench")
        hub = HubProcess(workdir, "http://127.0.0.1:9", "unused", app_db, events_db).start()
        try:
            staff = Staff(hub.url)
            staff.login("bench")
            timings: list[float] = []
            with staff.get(hub.url + "/api/queue/stream", stream=True, timeout=30) as feed:
                events = sse_events(feed, until=time.monotonic() + 60 + runs * 5)
                next(events)  # the queue as it is now
                for run in range(runs):
                    sender = f"bench-{run}"
                    time.sleep(0.05 + (run % 7) * 0.03)  # land at different points of the poll cycle
                    started = time.perf_counter()
                    _write_turn(events_db, sender)
                    handoff = add_handoff(app_db, sender, reason="asked", urgent=run % 3 == 0)
                    for kind, data in events:
                        if kind == "queue" and f'data-handoff="{handoff}"' in data["html"]:
                            timings.append(time.perf_counter() - started)
                            break
                    else:
                        raise RuntimeError(f"run {run}: the handoff never appeared in the feed")
        finally:
            hub.stop()
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    return {"runs": len(timings), "p50_ms": round(statistics.median(timings) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1), "max_ms": round(timings[-1] * 1000, 1),
            "target_ms": TARGET_SECONDS * 1000, "within_target": p95 < TARGET_SECONDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    try:
        figures = measure(args.runs)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Hub queue: handoff written -> in the SSE feed, {figures['runs']} runs")
    print(f"  p50 {figures['p50_ms']:.0f} ms   p95 {figures['p95_ms']:.0f} ms   max {figures['max_ms']:.0f} ms   "
          f"(target under {TARGET_SECONDS:.0f} s: {'met' if figures['within_target'] else 'NOT met'})")
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
