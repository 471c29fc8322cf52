"""Cleaning messy fields: what a council export really looks like."""

from __future__ import annotations

import pytest

from bot.directory.clean import (
    CleanError,
    html_to_text,
    normalise_phone,
    normalise_time,
    normalise_url,
    parse_days,
    postcode_district,
    summarise,
)


@pytest.mark.parametrize("raw, expected", [
    ("020 7926 1000", "020 7926 1000"),
    ("+44 20 7926 1000", "020 7926 1000"),
    ("+44 (0)20 7926 1000", "020 7926 1000"),
    ("0044 20-7926-1000", "020 7926 1000"),
    ("(020) 7926.1000", "020 7926 1000"),
    ("0800 58 58 58", "0800 585 858"),
    ("116 123", "116 123"),
    ("116123", "116 123"),
    ("85258", "85258"),
    ("111", "111"),
    ("Tel: 0800 138 1111 (free)", "0800 138 1111"),
    ("03001233393", "0300 123 3393"),
    ("07700 900123", "07700 900123"),
    ("0113 496 0000", "0113 496 0000"),
])
def test_phone_numbers_are_normalised(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "call us", "12345678", "+1 555 123 4567", "020 7926 100"])
def test_unusable_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(CleanError):
        normalise_phone(raw)


def test_html_becomes_plain_text() -> None:
    raw = "<p>Free <strong>debt</strong> advice&nbsp;&amp; support</p><ul><li>Drop in</li><li>Phone</li></ul>" \
          "<script>alert(1)</script>"
    assert html_to_text(raw) == "Free debt advice & support. Drop in. Phone"


def test_summary_fits_an_sms_and_keeps_whole_words() -> None:
    long = "word " * 100
    short = summarise(long, 60)
    assert len(short) <= 60 and short.endswith("...") and "wor..." not in short
    assert summarise("First sentence here. Second one that is long " + "x " * 80) == "First sentence here."


def test_urls_times_days_and_postcodes() -> None:
    assert normalise_url("www.mind.org.uk") == "https://www.mind.org.uk"
    with pytest.raises(CleanError):
        normalise_url("ftp://example.org")
    assert normalise_time("9:30") == "09:30"
    assert normalise_time("17:00:00") == "17:00"
    assert normalise_time("24:00") == "23:59"
    assert normalise_time("6.00pm") == "18:00"
    with pytest.raises(CleanError):
        normalise_time("late")
    assert parse_days("MO,WE") == [0, 2]
    assert parse_days("Mon-Fri") == [0, 1, 2, 3, 4]
    assert parse_days("fri-mon") == [0, 4, 5, 6]
    assert parse_days(["SA", "Sunday"]) == [5, 6]
    with pytest.raises(CleanError):
        parse_days("someday")
    assert postcode_district("sw9 8aa") == "SW9"
    assert postcode_district("SE11") == "SE11"
    assert postcode_district("not a postcode") is None
