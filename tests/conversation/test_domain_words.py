"""Every word the person reads is in domain.yml, and the first message fits one text."""

import ast
import re
from pathlib import Path

import pytest
import yaml

from bot.channels.sms_text import segments
from bot.conversation.words import MissingWords, render

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def _text(variant):
    return " ".join(str(variant["text"]).split())


@pytest.mark.parametrize("variant", DOMAIN["responses"]["utter_ask_consent"])
def test_the_consent_question_is_one_short_text(variant):
    assert len(_text(variant)) <= 160


def test_the_sms_consent_question_is_one_segment_with_its_reply_line():
    texts = [v for v in DOMAIN["responses"]["utter_ask_consent"] if v.get("channel") == "twilio"]
    assert len(texts) == 2  # the first asking, and asking again after the safety question
    for sms in texts:
        assert "buttons" not in sms and segments(_text(sms)) == 1 and "YES or NO" in _text(sms)


def test_consent_has_an_answer_for_what_does_that_mean():
    assert "utter_consent_meaning" in DOMAIN["responses"]
    titles = [b["title"] for b in DOMAIN["responses"]["utter_ask_consent"][-1]["buttons"]]
    assert "What does that mean?" in titles


def _responses_named_in(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"utter_\w+", node.value):
            names.add(node.value)
    return names


CODE = sorted([*ROOT.joinpath("actions").glob("*.py"),
               ROOT / "bot" / "handoff.py",
               *ROOT.joinpath("bot", "conversation").glob("*.py")])


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_every_response_named_in_code_is_in_the_domain(path):
    missing = {n for n in _responses_named_in(path) if n not in DOMAIN["responses"]}
    # Names completed at run time, each checked below: "utter_how_" with a wish ("text", "call",
    # ...), "utter_about_you_ethnicity_" with an ONS ethnic group, "utter_need_word_" with a need
    # code (tests/conversation/test_heard.py checks every need in the taxonomy). "utter_action"
    # is the key Rasa puts in a bot event's metadata (the response it sent), not a response.
    assert missing <= {"utter_how_", "utter_about_you_ethnicity_", "utter_need_word_", "utter_action"}, missing


def test_every_ethnic_group_has_its_follow_up_question():
    from bot.insights.categories import ETHNIC_GROUPS

    assert all(f"utter_about_you_ethnicity_{group}" in DOMAIN["responses"] for group in ETHNIC_GROUPS)


@pytest.mark.parametrize("how", ["text", "call", "email", "chat", "through_me"])
def test_every_way_of_contact_has_words(how):
    assert render(f"utter_how_{how}")


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_actions_and_the_conversation_send_no_words_of_their_own(path):
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"utter_message\(\s*text=f?[\"']", source), "a sentence sent from code"


def test_render_fills_variables_and_picks_the_channel():
    assert render("utter_offer_chosen", offer="Garden Club") == "Good choice. Garden Club"
    assert "Reply" in render("utter_offers_first", channel="twilio", offers="1. A", numbers="1", heard="")


def test_a_missing_response_is_an_error_not_silence():
    with pytest.raises(MissingWords):
        render("utter_nothing_like_this")
