"""`bot analyse`: the trained model's understanding, as the live assistant has it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.nlu.evaluate import evaluate, load_labelled

pytestmark = pytest.mark.model
HELDOUT = Path(__file__).resolve().parents[1] / "data" / "nlu_heldout.yml"


def test_one_sentence_prints_intent_needs_strengths_and_risk(capsys, trained_model):
    assert main(["analyse", "--model", str(trained_model),
                 "my landlord is evicting me and gardening is what keeps me going"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(result) >= {"intent", "confidence", "needs", "strengths", "risk"}
    assert result["intent"] == "share_story" and 0 <= result["confidence"] <= 1
    assert result["needs"] == ["housing"] and result["strengths"] == ["nature_gardening"]
    assert result["risk"] in ("none", "possible", "high")


def test_a_file_gives_one_json_object_per_line_even_for_odd_lines(capsys, tmp_path, trained_model):
    lines = ["hi", "", "😢", "i owe money to everyone", "x" * 3000]
    source = tmp_path / "messages.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    assert main(["analyse", "--model", str(trained_model), "--file", str(source)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert len(out) == len(lines)
    assert out[3]["needs"] == ["money"]


def test_missing_file_and_missing_text_are_clear_errors(capsys):
    assert main(["analyse", "--file", "/no/such/file.txt"]) == 2
    assert "No such file" in capsys.readouterr().err
    assert main(["analyse"]) == 2


def test_held_back_set_meets_the_understanding_bar(model_parser):
    """DESIGN.md: needs picked out of free text with micro-F1 of at least 0.85."""
    figures = evaluate(load_labelled(HELDOUT), model_parser.analyse)
    assert figures["examples"] >= 100
    assert figures["needs"]["micro"]["f1"] >= 0.85, figures["needs"]
    assert figures["intent_accuracy"] >= 0.85, figures["intent_misses"]


def test_labelled_file_prints_figures(capsys, trained_model):
    assert main(["analyse", "--model", str(trained_model), "--file", str(HELDOUT), "--summary"]) == 0
    figures = json.loads(capsys.readouterr().out)["figures"]
    assert "per_intent" in figures and "micro" in figures["needs"]
