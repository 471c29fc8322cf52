"""The one line that says back what the person seems to need, before the first offers."""

from __future__ import annotations

from bot.conversation.heard import heard_line, join_words
from bot.conversation.words import render
from bot.taxonomy import NEEDS


def test_one_two_and_three_needs_read_as_a_sentence():
    assert heard_line(["money"]) == " It sounds like the main thing is money."
    assert heard_line(["money", "connection"]) == " It sounds like the main things are money and feeling alone."
    assert heard_line(["housing", "money", "connection", "work"]) == (
        " It sounds like the main things are housing, money and feeling alone.")


def test_no_need_says_nothing_and_a_repeat_is_said_once():
    assert heard_line([]) == ""
    assert heard_line(["money", "money"]) == " It sounds like the main thing is money."


def test_an_unknown_code_is_never_said_to_the_person():
    assert heard_line(["not_a_need"]) == ""
    assert heard_line(["not_a_need", "money"]) == " It sounds like the main thing is money."


def test_every_need_in_the_taxonomy_has_its_words_in_the_domain():
    for code in NEEDS:
        words = render(f"utter_need_word_{code}")
        assert words and words == words.lower() and "_" not in words, code


def test_the_first_offers_carry_the_line_on_every_channel():
    line = heard_line(["money", "connection"])
    for channel in ("webchat", "twilio", None):
        text = render("utter_offers_first", channel=channel, offers="1. A", numbers="1", heard=line)
        assert "Thank you for telling me. It sounds like" in text or "Thanks for telling me. It sounds like" in text
        empty = render("utter_offers_first", channel=channel, offers="1. A", numbers="1", heard="")
        assert "  " not in empty and "me. " in empty


def test_join_words():
    assert join_words([]) == "" and join_words(["a"]) == "a" and join_words(["a", "b"]) == "a and b"
