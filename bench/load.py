"""Talking to a running Rasa server over HTTP and timing it: the load generator of ``make bench``.

Both assistants (ours and the stock ``rasa init`` one) are driven the same way: whole
conversations over the REST channel, one request per turn on a kept-alive connection, N
conversations at a time. Memory is read from ``/proc`` (Linux), so no extra package is needed.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

# A whole self-introduction through our assistant (the turns of tests/e2e/test_introduction.py).
OUR_CONVERSATION = (
    "hi",
    "yes",
    "it's for me",
    "my landlord gave me an eviction notice and im behind on universal credit",
    "keeping my flat and feeling less alone",
    "i love cooking and i used to play football",
    "nobody really",
    "1",
    "text me in the afternoon",
    "yes that's right",
)

# The stock mood bot's paths (greet, unhappy, cheer up, did that help, bot challenge, goodbye),
# the same number of turns as ours so the totals compare.
STOCK_CONVERSATION = (
    "hello there",
    "I am feeling very sad",
    "yes",
    "are you a bot?",
    "I am great",
    "hi again",
    "not good",
    "no",
    "are you a human?",
    "bye",
)

# Ordinary words (no risk in them), repeated to the length wanted.
LONG_TEXT = ("I've been finding things hard since the summer: the rent went up, my hours were cut, "
             "and I don't see my friends much now because the bus costs too much. ")


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by the nearest-rank method (what the p50/p95/p99 figures use)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def long_message(length: int) -> str:
    """Ordinary text of exactly ``length`` characters."""
    return (LONG_TEXT * (length // len(LONG_TEXT) + 1))[:length]


@dataclass
class Server:
    """A running Rasa server's REST webhook, and the processes whose memory counts."""

    url: str
    pids: dict[str, int]

    @property
    def webhook(self) -> str:
        return self.url + "/webhooks/rest/webhook"


def converse(session: requests.Session, server: Server, turns: tuple[str, ...], tag: str,
             timeout: float = 300.0) -> list[float]:
    """One whole conversation with a fresh sender; seconds per turn. Raises on an HTTP error or no reply."""
    sender = f"bench-{tag}-{uuid.uuid4().hex[:10]}"
    times = []
    for text in turns:
        began = time.perf_counter()
        response = session.post(server.webhook, json={"sender": sender, "message": text}, timeout=timeout)
        elapsed = time.perf_counter() - began
        response.raise_for_status()
        if not isinstance(response.json(), list):
            raise RuntimeError(f"unexpected reply {response.text[:200]!r}")
        times.append(elapsed)
    return times


def run_load(server: Server, turns: tuple[str, ...], concurrency: int, conversations: int) -> dict:
    """``conversations`` whole conversations, ``concurrency`` at a time: latency and throughput."""
    local = threading.local()

    def one(index: int) -> list[float]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return converse(local.session, server, turns, f"c{concurrency}-{index}")

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(conversations)))
    wall = time.perf_counter() - began
    times = [t for conversation in results for t in conversation]
    return {
        "concurrency": concurrency, "conversations": conversations, "turns": len(times),
        "wall_s": round(wall, 2), "turns_per_s": round(len(times) / wall, 2),
        "p50_ms": round(percentile(times, 50) * 1000, 1), "p95_ms": round(percentile(times, 95) * 1000, 1),
        "p99_ms": round(percentile(times, 99) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
    }


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _family(pid: int) -> list[int]:
    """The process and its descendants (Sanic may start worker processes)."""
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").iterdir():
            children = (task / "children")
            if children.exists():
                for child in children.read_text().split():
                    found.append(int(child))
                    frontier.append(int(child))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    return round(sum(_status_kb(p, "VmRSS") for p in _family(pid)) / 1024, 1)


def reset_peak(pid: int) -> None:
    """Start counting the peak resident memory (VmHWM) afresh (Linux ``clear_refs`` 5)."""
    for p in _family(pid):
        Path(f"/proc/{p}/clear_refs").write_text("5")


def peak_mb(pid: int) -> float:
    return round(sum(_status_kb(p, "VmHWM") for p in _family(pid)) / 1024, 1)


def message_cost(server: Server, length: int, timeout: float = 600.0) -> dict:
    """Time for one message of ``length`` characters (a fresh conversation), and how far it lifted
    each process's resident memory above where it was just before (peak minus before, MB)."""
    before = {}
    for name, pid in server.pids.items():
        reset_peak(pid)
        before[name] = rss_mb(pid)
    began = time.perf_counter()
    response = requests.post(server.webhook, timeout=timeout,
                             json={"sender": f"bench-long-{uuid.uuid4().hex[:10]}", "message": long_message(length)})
    elapsed = time.perf_counter() - began
    result: dict = {"characters": length, "status": response.status_code, "seconds": round(elapsed, 3)}
    for name, pid in server.pids.items():
        result[f"{name}_peak_added_mb"] = round(peak_mb(pid) - before[name], 1)
    return result
