"""SMS text functions: encodings, segment counts, clean splitting, numbered choices, keywords."""

from __future__ import annotations

import pytest

from bot.channels.sms_keywords import keyword
from bot.channels.sms_text import (
    encoding,
    length_units,
    match_choice,
    numbered_choices,
    segments,
    smart_encode,
    split_for_sms,
)

BUTTONS = [
    {"title": "Phone call", "payload": "/contact{\"how\": \"phone\"}"},
    {"title": "Text message", "payload": "/contact{\"how\": \"sms\"}"},
    {"title": "بريد إلكتروني", "payload": "/contact{\"how\": \"email\"}"},
]


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello, how are you?", "GSM-7"),
    ("Costs £5 or €6 [maybe] {ok} ~ ^ | \\", "GSM-7"),
    ("Ça va? Ñoño, Ärger, ¿qué? è ù ì ò", "GSM-7"),
    ("I’m fine", "UCS-2"),  # curly apostrophe is not GSM
    ("ça va", "UCS-2"),  # lower-case c cedilla is not GSM, capital is
    ("😀", "UCS-2"),
    ("مرحبا", "UCS-2"),
    ("你好", "UCS-2"),
])
def test_encoding(text: str, expected: str) -> None:
    assert encoding(text) == expected


def test_smart_encode_keeps_plain_replies_in_gsm() -> None:
    text = "We’re here – “any time”…"
    assert encoding(text) == "UCS-2"
    assert smart_encode(text) == "We're here - \"any time\"..."
    assert encoding(smart_encode(text)) == "GSM-7"


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0),
    ("a", 1),
    ("a" * 160, 1),
    ("a" * 161, 2),
    ("a" * 306, 2),  # 2 x 153
    ("a" * 307, 3),
    ("€" * 80, 1),  # extension characters cost two septets: 160
    ("€" * 81, 2),
    ("a" * 152 + "€" + "a" * 152, 3),  # 306 septets, but the escape pair cannot straddle a segment
    ("ж" * 70, 1),
    ("ж" * 71, 2),
    ("ж" * 134, 2),  # 2 x 67
    ("ж" * 135, 3),
    ("😀" * 35, 1),  # 70 UTF-16 units
    ("😀" * 36, 2),
    ("ж" * 66 + "😀" + "ж" * 66, 3),  # 134 units, but a surrogate pair cannot straddle a segment
])
def test_segments(text: str, expected: int) -> None:
    assert segments(text) == expected


def test_length_units_counts_extension_and_astral_characters_twice() -> None:
    assert length_units("a€") == 3
    assert length_units("ж😀") == 3


LONG = (
    "Thank you for telling me. It sounds like a lot has been going on. "
    "The Hub can help with housing, money, work and feeling alone, not only with how you feel. "
    "Here are some places that are open now and near you. "
) * 6


def test_short_text_is_one_message_unchanged() -> None:
    assert split_for_sms("  Hello there.  ") == ["Hello there."]
    assert split_for_sms("   ") == []


@pytest.mark.parametrize("max_segments", [1, 2, 3])
def test_long_text_splits_at_sentence_ends_within_the_limit(max_segments: int) -> None:
    parts = split_for_sms(LONG, max_segments=max_segments)
    assert len(parts) > 1
    assert all(segments(p) <= max_segments for p in parts)
    assert all(p.endswith(".") for p in parts)  # sentences kept whole
    assert " ".join(parts).split() == LONG.split()  # nothing lost or cut inside a word


def test_paragraphs_break_first() -> None:
    first = "First paragraph. " * 8
    second = "Second paragraph here. " * 8
    parts = split_for_sms(first.strip() + "\n\n" + second.strip(), max_segments=2)
    assert parts[0] == first.strip()
    assert parts[1].startswith("Second paragraph")


def test_a_sentence_too_long_for_one_message_splits_at_spaces() -> None:
    sentence = " ".join(["word"] * 200) + "."
    parts = split_for_sms(sentence, max_segments=1)
    assert all(segments(p) == 1 for p in parts)
    assert " ".join(parts).split() == sentence.split()


def test_one_enormous_word_is_cut_without_breaking_characters() -> None:
    url = "https://example.org/" + "x" * 600
    parts = split_for_sms(url, max_segments=1)
    assert "".join(parts) == url
    assert all(segments(p) == 1 for p in parts)
    emoji = "😀" * 100
    parts = split_for_sms(emoji, max_segments=1)
    assert "".join(parts) == emoji
    assert all(segments(p) == 1 for p in parts)


def test_non_latin_text_splits_by_ucs2_limits() -> None:
    arabic = "شكرا لك على إخباري بذلك. " * 20
    parts = split_for_sms(arabic, max_segments=2)
    assert len(parts) > 1
    assert all(encoding(p) == "UCS-2" and segments(p) <= 2 for p in parts)
    assert " ".join(parts).split() == arabic.split()


def test_split_refuses_zero_segments() -> None:
    with pytest.raises(ValueError):
        split_for_sms("hi", max_segments=0)


def test_numbered_choices() -> None:
    text = numbered_choices("How would you like us to contact you?", BUTTONS[:2])
    assert text == "How would you like us to contact you?\n\nReply 1 for Phone call or 2 for Text message."
    three = numbered_choices("How?", BUTTONS)
    assert three.endswith("Reply 1 for Phone call, 2 for Text message or 3 for بريد إلكتروني.")
    assert numbered_choices("Just text", []) == "Just text"
    assert numbered_choices("Pick", [{"payload": "/affirm"}]) == "Pick\n\nReply 1 for affirm."


@pytest.mark.parametrize(("reply", "index"), [
    ("2", 1), (" 2. ", 1), ("Option 2", 1), ("1", 0), ("3", 2),
    ("text message", 1), ("Text Message!", 1), ("PHONE CALL", 0), ("بريد إلكتروني", 2),
])
def test_match_choice_by_number_or_words(reply: str, index: int) -> None:
    assert match_choice(reply, BUTTONS) == BUTTONS[index]


@pytest.mark.parametrize("reply", ["4", "0", "I'd rather you wrote to me", "", "😀", "phone"])
def test_free_text_is_not_a_choice(reply: str) -> None:
    assert match_choice(reply, BUTTONS) is None


def test_no_buttons_no_choice() -> None:
    assert match_choice("1", []) is None


@pytest.mark.parametrize("body", [
    "STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel", "end", "QUIT!",
])
def test_stop_words(body: str) -> None:
    assert keyword(body) == "stop"


@pytest.mark.parametrize("body", ["please stop asking me that", "I want to end it all", "stopping", ""])
def test_stop_only_when_the_whole_message(body: str) -> None:
    assert keyword(body) is None


def test_start_help_and_yes() -> None:
    assert keyword("start") == "start"
    assert keyword("UNSTOP") == "start"
    assert keyword("Help") == "help"
    assert keyword("yes") is None  # an ordinary answer while subscribed
    assert keyword("yes", opted_out=True) == "start"  # Twilio unblocks on YES too


def test_short_bubbles_are_joined_into_one_text():
    from bot.channels.sms_text import join_for_sms

    assert join_for_sms(["Thank you.", "Here are some ideas.", ""]) == ["Thank you.\n\nHere are some ideas."]


def test_joining_keeps_each_text_within_the_segment_limit_and_every_word():
    from bot.channels.sms_text import join_for_sms, segments

    bubbles = ["A short one.", "word " * 100, "Another short one.", "long sentence here. " * 30]
    texts = join_for_sms(bubbles, max_segments=2)
    assert all(segments(t) <= 2 for t in texts)
    assert " ".join(texts).split() == " ".join(bubbles).split()
    assert len(texts) < 6


def test_joined_texts_are_smart_encoded_so_a_curly_quote_does_not_halve_what_fits():
    from bot.channels.sms_text import encoding, join_for_sms

    [text] = join_for_sms(["It\u2019s fine\u2026", "Thank you."])
    assert encoding(text) == "GSM-7" and text == "It's fine...\n\nThank you."
