"""The bench's own measuring tools: percentiles, message lengths, and memory read from /proc."""

from __future__ import annotations

import os

import pytest

from bench.load import long_message, peak_mb, percentile, reset_peak, rss_mb


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([3.0, 1.0, 2.0], 100) == 3
    assert percentile([7.0], 95) == 7
    with pytest.raises(ValueError):
        percentile([], 50)


@pytest.mark.parametrize("length", [100, 1000, 5000, 20000])
def test_long_message_has_exactly_the_length_asked(length):
    text = long_message(length)
    assert len(text) == length and "  " not in text


def test_peak_memory_sees_an_allocation_and_resets():
    pid = os.getpid()
    reset_peak(pid)
    before = rss_mb(pid)
    block = bytearray(80 * 1024 * 1024)  # 80 MB, touched so it is resident
    for i in range(0, len(block), 4096):
        block[i] = 1
    assert peak_mb(pid) - before >= 70
    del block
    reset_peak(pid)
    assert peak_mb(pid) - rss_mb(pid) < 20
