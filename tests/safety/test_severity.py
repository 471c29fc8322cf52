"""How strong a sign of risk is: what puts a real disclosure first in the Hub queue."""

from bot.safety.severity import ACT_OR_MEANS, HIGH, POSSIBLE, explicit, merge_history, risk_record, severity


def test_explicit_statements_and_talk_about_others():
    assert explicit('suicide (high): "took an overdose"')
    assert explicit('abuse (high): "hits me"')
    assert explicit('abuse (high): "being abused"')  # someone else abused: always explicit
    assert explicit('medical emergency (high): "nt eaten or drunk"')
    assert explicit('suicide (high): "want to die"')
    assert explicit('suicide (high): "can not keep myself safe"')
    assert not explicit('suicide (high): "kill themselves"')
    assert not explicit('suicide (high): "taking their own life"')
    assert not explicit('harm to others (high): "kill them"')


def test_a_plan_or_means_ranks_above_a_softer_high_sign_and_possible():
    plan = {"level": "high", "reasons": ['suicide (high): "pills saved up"'], "words": "i have my pills saved up"}
    softer = {"level": "high", "reasons": ['suicide (high): "better off without me"'], "words": "better off without me"}
    assert severity(plan) == ACT_OR_MEANS
    assert severity(softer) == HIGH
    assert severity({"level": "possible", "reasons": []}) == POSSIBLE
    assert severity(None) == 0


def test_a_yes_to_the_safety_question_is_recorded_as_high_with_that_reason():
    record = risk_record({"level": "none"}, "yes")
    assert record["level"] == "high" and "said yes when asked" in record["reasons"][0]
    assert record["words"] == "yes"


def test_every_risk_in_the_conversation_is_kept_and_the_strongest_words_shown():
    first = risk_record({"level": "high", "categories": ["suicide"],
                         "reasons": ['suicide (high): "pills saved up"']}, "ive got my pills saved up")
    later = risk_record({"level": "high", "categories": ["suicide"],
                         "reasons": ['suicide (high): "better off without me"']}, "theyd be better off without me")
    merged = merge_history(merge_history(None, first), later)
    assert [item["words"] for item in merged["history"]] == ["ive got my pills saved up",
                                                              "theyd be better off without me"]
    assert merged["words"] == "ive got my pills saved up"  # the strongest, not the latest
    assert merged["severity"] == ACT_OR_MEANS and merged["severity_label"] == "Plan, means or act"
    assert len(merged["reasons"]) == 2
