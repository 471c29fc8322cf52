"""Benchmark: what risk detection costs per message, rule layer and meaning layer.

Every message the assistant receives goes through both layers before anything else is
decided, so their time is added to every reply. Trains the meaning layer from
data/safety/examples.yml (as `rasa train` does, without the intent examples), then times
both layers on the held-out set's messages, and on one long rambling message (about 2,300
characters, read whole and sentence by sentence). Figures are medians and 95th
percentiles in milliseconds, and the meaning layer as a multiple of the rule layer.

Run: .venv/bin/python bench/bench_safety.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.safety.detector import rule_layer  # noqa: E402
from bot.safety.encoder import sentence_encoder  # noqa: E402
from bot.safety.evaluate import load_set  # noqa: E402
from bot.safety.semantic import MeaningLayer, load_examples, train  # noqa: E402

LONG = ("I don't even know why I'm texting this, it's gone 3 and I can't sleep again. " * 30)[:2400]


def _times(function, texts: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            function(text)
            times.append((time.perf_counter() - start) * 1000)
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered):7.2f} ms  p95 {p95:7.2f} ms  max {ordered[-1]:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("training the meaning layer from data/safety/examples.yml ...", flush=True)
    started = time.perf_counter()
    layer = MeaningLayer(train(load_examples(), sentence_encoder()), sentence_encoder())
    print(f"trained in {time.perf_counter() - started:.1f} s")
    rules = rule_layer()
    texts = [item["text"] for item in load_set()]
    for text in texts[:10]:  # warm up
        rules.assess(text)
        layer.assess(text)
    rule_times = _times(rules.assess, texts, args.rounds)
    meaning_times = _times(layer.assess, texts, args.rounds)
    print(f"{len(texts)} held-out messages x {args.rounds} rounds")
    print(f"  rule layer     {_summary(rule_times)}")
    print(f"  meaning layer  {_summary(meaning_times)}")
    print(f"  meaning / rule at p50: {statistics.median(meaning_times) / statistics.median(rule_times):.1f}x")
    print(f"one long message ({len(LONG)} characters)")
    print(f"  rule layer     {_summary(_times(rules.assess, [LONG], 5))}")
    print(f"  meaning layer  {_summary(_times(layer.assess, [LONG], 5))}")


if __name__ == "__main__":
    main()
