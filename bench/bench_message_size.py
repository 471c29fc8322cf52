"""Benchmark: what the largest message costs, and what a too-large one costs.

Starts a real Rasa server and action server (``tests/support/stack.py``) with the trained model,
then sends over the REST channel: a short message, a message of exactly the limit (5,000
characters of ordinary words), one just over the limit, and a 1 MB body. Prints, as JSON, the
Rasa server's resident memory (from /proc) before and after each, and how long each answer
took. Issue 20 found that before the limit 25,000 characters added 2 GB and a 1 MB message held
other requests for 4.5 s.

Run: .venv/bin/python bench/bench_message_size.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.nlu.analyse import latest_model  # noqa: E402
from tests.support.stack import RasaStack  # noqa: E402

WORDS = ("I have been finding things hard since I lost my job and the rent is late again and "
         "my sister is worried about me ")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def text_of(chars: int) -> str:
    text = (WORDS * (chars // len(WORDS) + 1))[:chars]
    return text[:-1] + "." if chars else text


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stack = RasaStack(workdir=Path(tmp), model=latest_model()).start()
        try:
            pid = stack._rasa.pid  # noqa: SLF001 - the benchmark reads the server's memory
            url = stack.rasa_url + "/webhooks/rest/webhook"
            results = []
            for label, body in [
                ("short message", {"sender": "bench-a", "message": "hello"}),
                ("5,000 characters (the limit)", {"sender": "bench-b", "message": text_of(5000)}),
                ("5,000 characters again", {"sender": "bench-c", "message": text_of(5000)}),
                ("5,001 characters (refused politely)", {"sender": "bench-d", "message": text_of(5001)}),
                ("1 MB body (refused, 413)", {"sender": "bench-e", "message": "word " * 200_000}),
            ]:
                before = rss_mb(pid)
                started = time.perf_counter()
                answer = requests.post(url, json=body, timeout=300)
                took = time.perf_counter() - started
                results.append({"request": label, "status": answer.status_code, "seconds": round(took, 2),
                                "rss_before_mb": round(before, 1), "rss_after_mb": round(rss_mb(pid), 1)})
            print(json.dumps({"limit_chars": 5000, "results": results}, indent=2))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
