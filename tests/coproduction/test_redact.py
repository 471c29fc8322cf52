"""Redaction: personal details out before anything is kept for review (invented people only)."""

from __future__ import annotations

import pytest

from bot.config import REPO_ROOT
from bot.coproduction.redact import find_details, redact
from bot.coproduction.redact_eval import evaluate


@pytest.mark.parametrize(("text", "expected"), [
    ("hi my name is Sarah Okafor, call 07700 900123", "hi my name is [name], call [phone number]"),
    ("im priya", "im [name]"),
    ("I'm Daniel. I feel low", "I'm [name]. I feel low"),
    ("email tom.b@example.com", "email [email]"),
    ("I live at 14 Acacia Road, SW9 8AB", "I live at [address], [postcode]"),
    ("nhs number 943 476 5919", "nhs number [NHS number]"),
    ("DOB 03/04/1990", "DOB [date]"),
    ("my son Jayden is 15", "my son [name] is 15"),
    ("Kind regards, Janet Obi", "Kind regards, [name]"),
])
def test_details_of_each_kind_are_replaced_by_their_kind(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "I'm really struggling tonight", "I'm Scared to go out", "I'm Black British", "call me back please",
    "I called 111 and then 116 123", "I owe £2,500 in rent", "my son is 15", "it happened on Monday",
    "Hi, I'm Mum's carer", "bus 159", "my landlord gave me a section 21", "",
])
def test_ordinary_words_stay(text):
    assert find_details(text) == []
    assert redact(text) == text


def test_the_labelled_set_has_enough_lines_of_both_kinds():
    import yaml

    lines = yaml.safe_load((REPO_ROOT / "tests/data/redaction_set.yml").read_text())["lines"]
    assert len([line for line in lines if line["details"]]) >= 60
    assert len([line for line in lines if not line["details"]]) >= 20


@pytest.mark.parametrize(("name", "recall_floor"), [("redaction_set", 0.95), ("redaction_fresh", 0.95)])
def test_recall_and_precision_on_the_labelled_sets_do_not_fall(name, recall_floor):
    figures = evaluate(REPO_ROOT / "tests" / "data" / f"{name}.yml")
    assert figures.recall >= recall_floor, figures.missed
    assert figures.precision >= 0.95, figures.false_alarms


def test_a_label_not_in_its_text_is_refused(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text('lines:\n- text: "I am Ana"\n  details: ["Anna"]\n')
    with pytest.raises(ValueError, match="not in"):
        evaluate(bad)
