"""Benchmark: conversation turns per second on one and on two replicas, production engines.

Starts Rasa servers and action servers (``bot rasa run`` with the repo's endpoints.yml) on
PostgreSQL, Redis and RabbitMQ on 127.0.0.1, in fresh databases it removes afterwards. Then
``--people`` simulated people talk at once, each sending ``--turns`` ordinary messages one
after another (waiting for each reply, as a person does), spread over the replicas. It prints
turns per second and the reply time percentiles, as JSON, for one replica and for two.

On one machine the replicas share its cores, so two replicas show what sharing the engines
costs and that nothing serialises across servers, not the gain of adding machines.

Run: .venv/bin/python bench/bench_replicas.py [--people 20] [--turns 4]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import mkdtemp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from bot.nlu.analyse import latest_model  # noqa: E402
from tests.support.engines import Engines, Replica  # noqa: E402

LINES = ["hello there", "yes that's fine", "it's for me", "my neighbour plays loud music every night",
         "i would like to sleep better", "i enjoy gardening and baking"]


def run(replicas: list[Replica], people: int, turns: int) -> dict:
    """Everyone talks at once; turns per second over the whole burst."""
    timings: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(people)

    def person(index: int) -> None:
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        start.wait()
        for turn in range(turns):
            replica = replicas[(index + turn) % len(replicas)]
            began = time.monotonic()
            replies = replica.send(sender, LINES[turn % len(LINES)])
            took = time.monotonic() - began
            if not replies:
                raise RuntimeError("a turn got no reply")
            with lock:
                timings.append(took)

    began = time.monotonic()
    with ThreadPoolExecutor(people) as pool:
        list(pool.map(person, range(people)))
    elapsed = time.monotonic() - began
    timings.sort()
    return {"replicas": len(replicas), "people": people, "turns": len(timings),
            "seconds": round(elapsed, 2), "turns_per_second": round(len(timings) / elapsed, 2),
            "reply_p50_s": round(statistics.median(timings), 3),
            "reply_p95_s": round(timings[int(0.95 * (len(timings) - 1))], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--turns", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(mkdtemp(prefix="bench-replicas-"))
    credentials = workdir / "credentials.yml"
    credentials.write_text(yaml.safe_dump({"rest": None}))
    engines = Engines().create()
    model = latest_model()
    replicas = [Replica(name, workdir, model, engines.env(), credentials) for name in ("a", "b")]
    try:
        for replica in replicas:
            replica.start_actions()
            replica.start_rasa()
        for replica in replicas:
            replica.wait_actions()
            replica.wait_rasa()
        run(replicas[:1], 4, 2)  # warm up both the model and the pools
        run(replicas[1:], 4, 2)
        results = [run(replicas[:1], args.people, args.turns), run(replicas, args.people, args.turns)]
        print(json.dumps({"benchmark": "replicas", "engines": "postgresql+redis+rabbitmq",
                          "results": results}, indent=2))
    finally:
        for replica in replicas:
            replica.stop()
        engines.destroy()


if __name__ == "__main__":
    main()
