"""Hub opening hours in one place: Europe/London, daylight saving, England's bank holidays.

Anything that tells a person *when* a worker can reach them (crisis messages, handoff
promises) asks this module, so a change of hours in ``config/hours.yml`` changes every
promise at once and nobody is told "later today" when the Hub is about to close.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import yaml

LONDON = ZoneInfo("Europe/London")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NOW_ENV = "LWFD_NOW"
NOW_FILE_ENV = "LWFD_NOW_FILE"  # a file holding the frozen time, re-read on every call
SMALL_HOURS_END = 6  # before 06:00 a person may still call the coming day "tomorrow"
_SEARCH_DAYS = 60  # no real closure is longer; stops a misconfigured file looping forever
_LOADED: dict[tuple[str, int], Any] = {}  # parsed hours files, by path and modification time


class HoursError(ValueError):
    """The hours file (or LWFD_NOW) is badly formed."""


def now() -> datetime:
    """The current time in London, or the frozen time in ``LWFD_NOW`` (tests and demos).

    ``LWFD_NOW`` is ISO 8601; a naive value is read as London wall-clock time.
    ``LWFD_NOW_FILE`` names a file holding such a value, read on every call, so end-to-end
    tests can move the clock of a running action server (an empty or missing file: real time).
    """
    frozen = os.environ.get(NOW_ENV, "").strip()
    now_file = os.environ.get(NOW_FILE_ENV, "").strip()
    if not frozen and now_file and os.path.exists(now_file):
        with open(now_file, encoding="utf-8") as handle:
            frozen = handle.read().strip()
    if not frozen:
        return datetime.now(LONDON)
    try:
        parsed = datetime.fromisoformat(frozen)
    except ValueError as error:
        raise HoursError(f"{NOW_ENV}={frozen!r} is not an ISO 8601 date and time") from error
    return to_london(parsed)


def to_london(at: datetime) -> datetime:
    """An aware London datetime: naive values are London wall-clock time."""
    if at.tzinfo is None:
        return at.replace(tzinfo=LONDON)
    return at.astimezone(LONDON)


def _parse_time(value: Any, where: str) -> time:
    try:
        hours, minutes = str(value).strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as error:
        raise HoursError(f"{where}: {value!r} is not a HH:MM time") from error


@dataclass(frozen=True)
class HubHours:
    """When the Hub is open. Build with ``HubHours.load()``; the default is Mon-Fri 9 to 5."""

    opening: dict[int, tuple[time, time]] = field(
        default_factory=lambda: {day: (time(9), time(17)) for day in range(5)}
    )
    bank_holidays: bool = True
    extra_closures: frozenset[date] = frozenset()
    last_contact: timedelta = timedelta(minutes=60)

    @classmethod
    def load(cls, path: Path | None = None) -> HubHours:
        """Read the hours file (default: the ``hub_hours_file`` setting)."""
        if path is None:
            from bot.config import settings

            path = settings().hub_hours_file
        path = Path(path)
        if not path.exists():
            return cls()
        # Asked on every turn that makes a promise: parse once per version of the file, so an
        # edit still takes effect at once without re-reading YAML each time.
        key = (str(path.resolve()), path.stat().st_mtime_ns)
        cached = _LOADED.get(key)
        if cached is None:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            cached = cls.from_dict(document, where=str(path))
            _LOADED.clear()
            _LOADED[key] = cached
        return cached

    @classmethod
    def from_dict(cls, document: dict[str, Any], where: str = "hours") -> HubHours:
        """Build from the parsed YAML document; unknown days or bad times raise HoursError."""
        if str(document.get("timezone", "Europe/London")) != "Europe/London":
            raise HoursError(f"{where}: only Europe/London is supported")
        opening: dict[int, tuple[time, time]] = {}
        for name, value in (document.get("opening") or {}).items():
            if str(name).lower() not in DAYS:
                raise HoursError(f"{where}: unknown day {name!r}")
            if value in (None, "closed", False):
                continue
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise HoursError(f"{where}: {name} must be [\"HH:MM\", \"HH:MM\"] or closed")
            opens, closes = (_parse_time(v, f"{where}: {name}") for v in value)
            if closes <= opens:
                raise HoursError(f"{where}: {name} closes before it opens")
            opening[DAYS.index(str(name).lower())] = (opens, closes)
        closures = frozenset(date.fromisoformat(str(d)) for d in document.get("extra_closures") or [])
        return cls(
            opening=opening,
            bank_holidays=bool(document.get("bank_holidays", True)),
            extra_closures=closures,
            last_contact=timedelta(minutes=int(document.get("last_contact_minutes", 60))),
        )

    def is_bank_holiday(self, day: date) -> bool:
        """True on an England bank holiday (including substitute days)."""
        return day in _england_holidays(day.year)

    def is_closed_day(self, day: date) -> bool:
        """True when the Hub does not open at all on this date."""
        if day.weekday() not in self.opening or day in self.extra_closures:
            return True
        return self.bank_holidays and self.is_bank_holiday(day)

    def _interval(self, day: date) -> tuple[datetime, datetime] | None:
        if self.is_closed_day(day):
            return None
        opens, closes = self.opening[day.weekday()]
        return (datetime.combine(day, opens, LONDON), datetime.combine(day, closes, LONDON))

    def is_open(self, at: datetime) -> bool:
        """True when a worker could be on duty at this moment."""
        at = to_london(at)
        interval = self._interval(at.date())
        return interval is not None and interval[0] <= at < interval[1]

    def closes_at(self, at: datetime) -> datetime | None:
        """When today's opening ends, if the Hub is open at ``at``; otherwise None."""
        at = to_london(at)
        interval = self._interval(at.date())
        if interval is None or not interval[0] <= at < interval[1]:
            return None
        return interval[1]

    def next_opening(self, at: datetime) -> datetime:
        """The earliest moment at or after ``at`` when the Hub is open (``at`` itself if open)."""
        at = to_london(at)
        for offset in range(_SEARCH_DAYS):
            interval = self._interval(at.date() + timedelta(days=offset))
            if interval is None or at >= interval[1]:
                continue
            return max(at, interval[0])
        raise HoursError(f"the Hub never opens in the {_SEARCH_DAYS} days after {at:%Y-%m-%d}")

    def next_contact(self, at: datetime) -> datetime:
        """When a worker could first realistically get back to someone writing at ``at``.

        Now if the Hub is open for a while yet; otherwise the next opening after today,
        so we never promise "later today" a few minutes before closing.
        """
        at = to_london(at)
        closes = self.closes_at(at)
        if closes is not None and closes - at >= self.last_contact:
            return at
        if closes is not None:
            return self.next_opening(closes)
        return self.next_opening(at)

    def describe_next_contact(self, at: datetime) -> str:
        """Plain words for when a worker can contact the person, e.g. "tomorrow morning"."""
        at = to_london(at)
        when = self.next_contact(at)
        if when == at:
            return "later today"
        part = "morning" if when.hour < 12 else "afternoon"
        days_ahead = (when.date() - at.date()).days
        if days_ahead == 0:
            return f"this {part}"
        if days_ahead == 1 and at.hour >= SMALL_HOURS_END:
            return f"tomorrow {part}"
        if days_ahead == 1:
            # At 2 a.m. "tomorrow" could mean the day that has already begun: name the day.
            return f"on {when:%A} {part}"
        skipped = [at.date() + timedelta(days=n) for n in range(1, days_ahead)]
        unusual = any(day in self.extra_closures or self.is_bank_holiday(day) for day in skipped)
        if days_ahead <= 6 and not unusual:
            return f"on {when:%A} {part}"
        return f"on {when:%A} {when.day} {when:%B} in the {part}"


@functools.lru_cache(maxsize=16)
def _england_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=[year])
