import pytest

from bot.conversation import answers


@pytest.mark.parametrize("text", ["yes", "Yeah", "yep!", "ok", "okay then", "sure", "go on", "1"])
def test_yes_in_the_ways_people_type_it(text):
    assert answers.yes_or_no(text) == "yes"


@pytest.mark.parametrize("text", ["no", "Nah", "nope.", "no thanks", "not really", "2"])
def test_no_in_the_ways_people_type_it(text):
    assert answers.yes_or_no(text) == "no"


@pytest.mark.parametrize("text", ["what do you keep?", "maybe", "🤷", "", "the landlord is the problem"])
def test_unclear_answers_are_not_guessed(text):
    assert answers.yes_or_no(text) is None


@pytest.mark.parametrize("text", ["skip", "dunno", "idk", "Rather not say", "I don't know"])
def test_skip_words(text):
    assert answers.is_skip(text)


def test_nobody_is_an_answer_not_a_skip():
    assert not answers.is_skip("nobody")


@pytest.mark.parametrize("text,expected", [
    ("it's for my son", "someone_else"),
    ("my mate", "someone_else"),
    ("on behalf of a client", "someone_else"),
    ("me", "self"),
    ("for myself", "self"),
    ("banana", None),
])
def test_who_the_introduction_is_for(text, expected):
    assert answers.who_for(text) == expected


def test_emoji_only_has_no_words():
    assert not answers.has_words("😢😢")
    assert answers.has_words("sad 😢")
