import pytest

from bot.nlu.evaluate import LabelledSetError, code_figures, evaluate, load_labelled


def test_micro_figures_count_each_code():
    figures = code_figures([(["housing", "money"], ["housing"]), (["work"], ["work", "legal"])])
    assert figures["micro"] == {"precision": 0.667, "recall": 0.667, "f1": 0.667}
    assert figures["per_code"]["money"]["recall"] == 0.0


def test_evaluate_reports_misses():
    items = [{"text": "a", "intent": "greet", "needs": []}, {"text": "b", "intent": "stop", "needs": ["x"]}]
    fake = {"a": {"intent": "greet", "needs": [], "strengths": []},
            "b": {"intent": "greet", "needs": ["x"], "strengths": []}}
    figures = evaluate(items, fake.__getitem__)
    assert figures["intent_accuracy"] == 0.5
    assert figures["intent_misses"] == [{"text": "b", "expected": "stop", "got": "greet"}]
    assert figures["needs"]["micro"]["f1"] == 1.0


def test_a_bad_labelled_file_is_named(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("examples:\n- {intent: greet}\n")
    with pytest.raises(LabelledSetError, match="example 1 has no text"):
        load_labelled(bad)
