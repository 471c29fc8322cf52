"""Hub hours: the promises the assistant makes about *when* must be true on the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import hours
from bot.hours import LONDON, HoursError, HubHours

REPO_HOURS = Path(__file__).resolve().parent.parent / "config" / "hours.yml"


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture()
def hub() -> HubHours:
    return HubHours.load(REPO_HOURS)


def test_now_honours_frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LWFD_NOW", "2026-11-29T02:00:00")
    frozen = hours.now()
    assert frozen == london(2026, 11, 29, 2, 0)
    assert frozen.utcoffset() == timedelta(0)


def test_now_converts_aware_frozen_clock_to_london(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LWFD_NOW", "2026-07-01T08:30:00+00:00")
    assert hours.now() == london(2026, 7, 1, 9, 30)
    assert hours.now().utcoffset() == timedelta(hours=1)


def test_now_without_frozen_clock_is_live_london(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LWFD_NOW", raising=False)
    live = hours.now()
    assert live.tzinfo is LONDON
    assert abs(live - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_now_rejects_bad_frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LWFD_NOW", "3am on Sunday")
    with pytest.raises(HoursError):
        hours.now()


def test_load_default_path_from_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    custom = tmp_path / "hours.yml"
    custom.write_text('opening:\n  saturday: ["10:00", "14:00"]\n', encoding="utf-8")
    monkeypatch.setenv("LWFD_HOURS_FILE", str(custom))
    loaded = HubHours.load()
    assert loaded.is_open(london(2026, 11, 28, 11, 0))  # a Saturday
    assert not loaded.is_open(london(2026, 11, 30, 11, 0))  # Monday not listed: closed


def test_sunday_2am_is_closed_and_next_contact_is_monday_morning(hub: HubHours) -> None:
    at = london(2026, 11, 29, 2, 0)  # Sunday
    assert not hub.is_open(at)
    assert hub.next_opening(at) == london(2026, 11, 30, 9, 0)
    # At 2 a.m. "tomorrow" is ambiguous (the person may mean Sunday), so the day is named.
    assert hub.describe_next_contact(at) == "on Monday morning"


def test_tuesday_10am_is_open_later_today(hub: HubHours) -> None:
    at = london(2026, 11, 24, 10, 0)
    assert hub.is_open(at)
    assert hub.next_opening(at) == at
    assert hub.describe_next_contact(at) == "later today"


def test_christmas_eve_1659_open_but_no_promise_of_today(hub: HubHours) -> None:
    at = london(2026, 12, 24, 16, 59)
    assert hub.is_open(at)
    assert hub.next_contact(at) == london(2026, 12, 29, 9, 0)
    assert hub.describe_next_contact(at) == "on Tuesday 29 December in the morning"


def test_christmas_eve_1700_is_closed_until_after_boxing_day_substitute(hub: HubHours) -> None:
    at = london(2026, 12, 24, 17, 0)
    assert not hub.is_open(at)
    assert hub.is_bank_holiday(date(2026, 12, 28))  # Boxing Day falls on a Saturday
    assert hub.next_opening(at) == london(2026, 12, 29, 9, 0)
    assert hub.describe_next_contact(at) == "on Tuesday 29 December in the morning"


def test_bank_holiday_monday_is_closed(hub: HubHours) -> None:
    at = london(2026, 8, 31, 10, 0)
    assert hub.is_bank_holiday(at.date())
    assert not hub.is_open(at)
    assert hub.next_opening(at) == london(2026, 9, 1, 9, 0)
    assert hub.describe_next_contact(at) == "tomorrow morning"


def test_weekend_before_bank_holiday_names_the_date(hub: HubHours) -> None:
    at = london(2026, 8, 29, 11, 0)  # Saturday before the late summer bank holiday
    assert hub.describe_next_contact(at) == "on Tuesday 1 September in the morning"


def test_friday_evening_says_monday_morning(hub: HubHours) -> None:
    assert hub.describe_next_contact(london(2026, 11, 27, 18, 30)) == "on Monday morning"


def test_early_on_a_working_day_says_this_morning(hub: HubHours) -> None:
    at = london(2026, 11, 24, 3, 0)
    assert hub.next_opening(at) == london(2026, 11, 24, 9, 0)
    assert hub.describe_next_contact(at) == "this morning"


def test_ordinary_day_near_closing_says_tomorrow(hub: HubHours) -> None:
    assert hub.describe_next_contact(london(2026, 11, 24, 16, 30)) == "tomorrow morning"
    assert hub.describe_next_contact(london(2026, 11, 24, 15, 59)) == "later today"


def test_spring_clock_change_opens_at_nine_bst(hub: HubHours) -> None:
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    at = london(2026, 3, 29, 1, 30)  # a wall-clock time that does not exist that night
    opening = hub.next_opening(at)
    assert opening == london(2026, 3, 30, 9, 0)
    assert opening.astimezone(timezone.utc) == datetime(2026, 3, 30, 8, 0, tzinfo=timezone.utc)
    # 08:30 UTC: open on the Monday after the change, still closed on the Friday before it.
    assert hub.is_open(datetime(2026, 3, 30, 8, 30, tzinfo=timezone.utc))
    assert not hub.is_open(datetime(2026, 3, 27, 8, 30, tzinfo=timezone.utc))


def test_autumn_clock_change_opens_at_nine_gmt(hub: HubHours) -> None:
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    at = london(2026, 10, 23, 17, 30)  # Friday evening, BST
    opening = hub.next_opening(at)
    assert opening == london(2026, 10, 26, 9, 0)
    assert opening.astimezone(timezone.utc) == datetime(2026, 10, 26, 9, 0, tzinfo=timezone.utc)
    assert not hub.is_open(datetime(2026, 10, 26, 8, 30, tzinfo=timezone.utc))
    assert hub.is_open(datetime(2026, 10, 23, 8, 30, tzinfo=timezone.utc))  # 09:30 BST
    assert hub.describe_next_contact(at) == "on Monday morning"


def test_extra_closure_from_yaml(tmp_path: Path) -> None:
    custom = tmp_path / "hours.yml"
    custom.write_text(
        REPO_HOURS.read_text(encoding="utf-8").replace("extra_closures: []", "extra_closures: [2026-11-25]"),
        encoding="utf-8",
    )
    hub = HubHours.load(custom)
    at = london(2026, 11, 24, 18, 0)
    assert not hub.is_open(london(2026, 11, 25, 10, 0))
    assert hub.next_opening(at) == london(2026, 11, 26, 9, 0)
    assert hub.describe_next_contact(at) == "on Thursday 26 November in the morning"


def test_bad_hours_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "hours.yml"
    bad.write_text('opening:\n  funday: ["09:00", "17:00"]\n', encoding="utf-8")
    with pytest.raises(HoursError):
        HubHours.load(bad)
    bad.write_text('opening:\n  monday: ["17:00", "09:00"]\n', encoding="utf-8")
    with pytest.raises(HoursError):
        HubHours.load(bad)


def test_load_parses_once_per_version_of_the_file(tmp_path) -> None:
    import os

    path = tmp_path / "hours.yml"
    path.write_text("opening:\n  monday: ['09:00', '17:00']\n")
    first = HubHours.load(path)
    assert HubHours.load(path) is first  # not re-read on every turn
    path.write_text("opening:\n  tuesday: ['09:00', '17:00']\n")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    edited = HubHours.load(path)
    assert edited is not first
    assert not edited.is_open(london(2026, 11, 30, 10, 0)) and edited.is_open(london(2026, 12, 1, 10, 0))
