"""``make bench``: every figure of issue 24 measured in one run, printed as one JSON object.

Ours and the stock ``rasa init`` assistant (``bench/assistants.py`` says exactly what each is)
are trained from nothing in temporary folders, both servers are started, and each load level
is run on ours and then straight away on the stock one, so both see the same machine at nearly
the same moment: the ratios (ours / stock) are the figures to trust on a busy machine, the
absolute times less so. Progress goes to stderr; the JSON alone goes to stdout.

Run: .venv/bin/python bench/run_all.py [--quick] [--model PATH] > bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_directory  # noqa: E402
import bench_hub_queue  # noqa: E402
from assistants import StockServer, build_stock, start_ours, train_ours  # noqa: E402
from load import OUR_CONVERSATION, STOCK_CONVERSATION, Server, message_cost, rss_mb, run_load  # noqa: E402

STARTED = time.monotonic()
LENGTHS = (100, 1000, 5000, 20000)


def progress(message: str) -> None:
    elapsed = int(time.monotonic() - STARTED)
    print(f"[bench {elapsed // 60:02d}:{elapsed % 60:02d}] {message}", file=sys.stderr, flush=True)


def _ratio(ours: float, stock: float) -> float:
    return round(ours / stock, 2) if stock else float("nan")


def latency(ours: Server, stock: Server, quick: bool) -> dict:
    """Each level on ours then on stock: one warm-up conversation each first (first-turn graph set-up)."""
    run_load(ours, OUR_CONVERSATION, 1, 1)
    run_load(stock, STOCK_CONVERSATION, 1, 1)
    levels = {1: 3 if quick else 8, 8: 8 if quick else 16, 32: 32}
    figures: dict = {"ours": {}, "stock": {}, "ratio_ours_to_stock": {}}
    for concurrency, conversations in levels.items():
        progress(f"{concurrency} at a time: ours ({conversations} conversations of {len(OUR_CONVERSATION)} turns)")
        a = run_load(ours, OUR_CONVERSATION, concurrency, conversations)
        progress(f"  ours p95 {a['p95_ms']} ms, {a['turns_per_s']} turns/s; now stock")
        b = run_load(stock, STOCK_CONVERSATION, concurrency, conversations)
        progress(f"  stock p95 {b['p95_ms']} ms, {b['turns_per_s']} turns/s")
        key = f"concurrent_{concurrency}"
        figures["ours"][key], figures["stock"][key] = a, b
        figures["ratio_ours_to_stock"][key] = {
            "p50": _ratio(a["p50_ms"], b["p50_ms"]), "p95": _ratio(a["p95_ms"], b["p95_ms"]),
            "p99": _ratio(a["p99_ms"], b["p99_ms"]), "turns_per_s": _ratio(a["turns_per_s"], b["turns_per_s"])}
    return figures


def lengths(ours: Server, stock: Server, quick: bool) -> dict:
    figures: dict = {"ours": [], "stock": []}
    for length in LENGTHS[:3] if quick else LENGTHS:
        progress(f"one message of {length} characters: ours, then stock")
        figures["ours"].append(message_cost(ours, length))
        figures["stock"].append(message_cost(stock, length))
        progress(f"  ours {figures['ours'][-1]}; stock {figures['stock'][-1]}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer conversations, no 20,000-character message")
    parser.add_argument("--model", type=Path, help="use this model of ours instead of training one (no training time)")
    args = parser.parse_args()
    result: dict = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": list(os.getloadavg()),
                                "python": platform.python_version()},
                    "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="lwfd-bench-") as tmp:
        workdir = Path(tmp)
        if args.model:
            model, result["training_ours_s"] = args.model.resolve(), None
        else:
            progress("training ours from an empty models/ in a temporary copy of the repository ...")
            seconds, model = train_ours(workdir)
            result["training_ours_s"] = round(seconds, 1)
            progress(f"  trained in {seconds:.0f} s")
        progress("rasa init --no-prompt (stock assistant, trained by rasa init) ...")
        stock_seconds, stock_model, stock_folder = build_stock(workdir)
        progress(f"  done in {stock_seconds:.0f} s")
        result["training_stock_s"] = round(stock_seconds, 1)
        result["model_size_mb"] = {"ours": round(model.stat().st_size / 1e6, 2),
                                   "stock": round(stock_model.stat().st_size / 1e6, 2)}
        result["baseline"] = ("stock `rasa init --no-prompt` mood bot (Rasa 3.6.21, same install), default "
                              "pipeline and policies, trained by rasa init; served by `rasa run` with the REST "
                              "channel, SQLite SQL tracker store, in-memory lock store, no action server (it has "
                              "no custom actions). Ours: REST channel, SQLite SQL tracker store, SQL event broker, "
                              "in-memory lock store, action server; a whole self-introduction (10 turns) against "
                              "the mood bot's paths (10 turns).")
        progress("starting our Rasa server and action server, and the stock Rasa server ...")
        stack = start_ours(workdir, model)
        stock = StockServer(stock_folder, stock_model)
        try:
            stock.start()
            ours_server = Server(stack.rasa_url, {"rasa": stack._rasa.pid, "actions": stack._actions.pid})
            stock_server = Server(stock.url, {"rasa": stock.process.pid})
            result["latency"] = latency(ours_server, stock_server, args.quick)
            result["rss_mb_after_latency_runs"] = {
                "ours_rasa": rss_mb(stack._rasa.pid), "ours_actions": rss_mb(stack._actions.pid),
                "stock_rasa": rss_mb(stock.process.pid)}
            result["message_length"] = lengths(ours_server, stock_server, args.quick)
            result["rss_mb_at_end"] = {
                "ours_rasa": rss_mb(stack._rasa.pid), "ours_actions": rss_mb(stack._actions.pid),
                "stock_rasa": rss_mb(stock.process.pid)}
        finally:
            stock.stop()
            stack.stop()
    progress("directory matching at 5,000 offers ...")
    result["directory"] = bench_directory.measure(5000, 500 if args.quick else 2000)
    progress("Hub queue: escalation to display ...")
    result["hub_queue"] = bench_hub_queue.measure(20 if args.quick else 50)
    result["bench_s"] = round(time.monotonic() - STARTED, 1)
    progress(f"done in {result['bench_s']:.0f} s")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
