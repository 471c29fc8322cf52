"""The real-text yardstick: a fixed split, near copies kept apart, counts only for the test part."""

from __future__ import annotations

import pytest

from bot.safety import realtext
from bot.safety.realeval import evaluate_posts, real_figures
from bot.safety.realtext import RealPost, length_band, near_copies, wilson


def test_the_split_is_fixed_by_the_text_alone():
    assert realtext._part("my rent went up again") == realtext._part("My rent  went up again!")
    parts = {realtext._part(f"post number {n}") for n in range(200)}
    assert parts == {"test", "calibration"}


def test_near_copies_are_found_beyond_exact_ones():
    base = "i have been saving for a deposit for two years and my landlord now wants to sell the flat"
    near = base.replace("two years", "three years") + " any advice"
    assert near_copies([near, "something else entirely about teaching maths to year nine"], [base]) == {0}


def test_bands_and_intervals():
    assert [length_band("x" * n) for n in (10, 100, 499, 500, 1499, 1500)] == \
        ["under 100", "100 to 500", "100 to 500", "500 to 1,500", "500 to 1,500", "over 1,500"]
    low, high = wilson(0, 50)
    assert low == 0.0 and 0.05 < high < 0.08
    assert wilson(0, 0) is None


def test_the_real_posts_load_with_every_group_in_both_parts():
    posts = realtext.load_posts()
    assert len(posts) > 10_000
    for group in realtext.GROUPS:
        assert realtext.posts("test", [group]) and realtext.posts("calibration", [group])
    test = {realtext._normal(p.text) for p in realtext.posts("test")}
    assert test.isdisjoint({realtext._normal(p.text) for p in realtext.posts("calibration")})
    assert len(realtext.posts("test", ["risk_forum"])) >= 100
    assert len(realtext.posts("test", ["ordinary"])) >= 1000


def _post(text: str, group: str, need: tuple[str, ...] = ()) -> RealPost:
    return RealPost(text, "rmhd", "f", group, "calibration", need)


def test_figures_and_bars_from_a_known_assessment():
    items = [_post("a" * 50, "ordinary"), _post("b" * 600, "ordinary"), _post("c" * 50, "risk_forum"),
             _post("d" * 700, "risk_forum", ("money",))]
    levels = {"a": "none", "b": "high", "c": "possible", "d": "none"}
    figures = evaluate_posts(items, lambda text: (levels[text[0]], ["money"] if text[0] == "d" else []))
    ordinary = figures["groups"]["ordinary"]
    assert ordinary["high"]["count"] == 1 and ordinary["high"]["of"] == 2
    assert ordinary["by_length"]["500 to 1,500"]["high"]["rate"] == 1.0
    assert figures["groups"]["risk_forum"]["flagged"]["rate"] == 0.5
    assert figures["needs"]["main_need_found"]["rate"] == 1.0
    bars = figures["bars"]
    assert bars["ordinary rated high, under 100 characters (at most 0.05)"]["met"]
    assert not bars["ordinary rated high, 500 to 1,500 characters (at most 0.05)"]["met"]
    assert not bars["suicide-support forum posts flagged (at least 0.95)"]["met"]


def test_the_test_part_never_shows_its_messages():
    with pytest.raises(ValueError):
        real_figures("test", lambda text: ("none", []), show_messages=True)
