"""Weekly opening times of an offer, in minutes, with "is it open at this moment" answers.

Offers keep their own hours (not the Hub's). Times are Europe/London wall clock, so a 9am
opening stays 9am across daylight saving. A closing time earlier than the opening time runs
past midnight (a night shelter 19:00 to 08:00). On England's bank holidays an offer with set
hours counts as closed, because most local offers shut and we must never send a person to a
locked door; 24/7 offers stay open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.hours import LONDON, HubHours, to_london

DAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_MINUTES = 24 * 60
_FAR = date.max.toordinal()


@dataclass(frozen=True)
class Slot:
    """One opening on one weekday: [start, end) in minutes after midnight."""

    weekday: int
    start: int
    end: int
    valid_from: int = 0  # date ordinals; 0 / _FAR mean unbounded
    valid_to: int = _FAR

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day.toordinal() <= self.valid_to


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    value = int(hours) * 60 + int(minutes)
    return _DAY_MINUTES if value == 23 * 60 + 59 else value


def build_week(rows: list[tuple[int, str, str, date | None, date | None]]) -> tuple[tuple[Slot, ...], ...]:
    """Slots per weekday from ``(weekday, opens_at, closes_at, valid_from, valid_to)`` rows."""
    week: list[list[Slot]] = [[] for _ in range(7)]
    for weekday, opens_at, closes_at, valid_from, valid_to in rows:
        start, end = _minutes(opens_at), _minutes(closes_at)
        bounds = (valid_from.toordinal() if valid_from else 0, valid_to.toordinal() if valid_to else _FAR)
        if end > start:
            week[weekday].append(Slot(weekday, start, end, *bounds))
        elif end < start:  # runs past midnight
            week[weekday].append(Slot(weekday, start, _DAY_MINUTES, *bounds))
            if end > 0:
                week[(weekday + 1) % 7].append(Slot((weekday + 1) % 7, 0, end, *bounds))
    return tuple(tuple(sorted(day, key=lambda s: (s.start, s.end))) for day in week)


_hub = HubHours()


def is_bank_holiday(day: date) -> bool:
    """England's bank holidays, from bot.hours."""
    return _hub.is_bank_holiday(day)


def open_until(week: tuple[tuple[Slot, ...], ...], at: datetime) -> datetime | None:
    """When the current opening ends, if open at ``at`` (London); otherwise None."""
    at = to_london(at)
    day = at.date()
    if is_bank_holiday(day):
        return None
    minute = at.hour * 60 + at.minute
    for slot in week[day.weekday()]:
        if slot.start <= minute < slot.end and slot.valid_on(day):
            end = slot.end
            if end == _DAY_MINUTES:  # carry on into a slot starting at midnight tomorrow
                tomorrow = day + timedelta(days=1)
                follow = [s for s in week[tomorrow.weekday()] if s.start == 0 and s.valid_on(tomorrow)]
                if follow and not is_bank_holiday(tomorrow):
                    return datetime.combine(tomorrow, datetime.min.time(), LONDON) + timedelta(
                        minutes=follow[0].end)
            return datetime.combine(day, datetime.min.time(), LONDON) + timedelta(minutes=end)
    return None


def next_opening(week: tuple[tuple[Slot, ...], ...], at: datetime, days: int = 8) -> datetime | None:
    """The next opening after ``at`` within ``days``, or None."""
    at = to_london(at)
    minute = at.hour * 60 + at.minute
    for offset in range(days):
        day = at.date() + timedelta(days=offset)
        if is_bank_holiday(day):
            continue
        for slot in week[day.weekday()]:
            if (offset > 0 or slot.start > minute) and slot.valid_on(day):
                if offset > 0 and slot.start == 0 and _continues(week, day):
                    continue  # the tail of yesterday's overnight opening, not a new one
                return datetime.combine(day, datetime.min.time(), LONDON) + timedelta(minutes=slot.start)
    return None


def _continues(week: tuple[tuple[Slot, ...], ...], day: date) -> bool:
    yesterday = day - timedelta(days=1)
    return any(s.end == _DAY_MINUTES for s in week[yesterday.weekday()]) and not is_bank_holiday(yesterday)


def clock(minutes_or_time: int | datetime) -> str:
    """"9am", "4:30pm", "midnight", "noon": times as people say them (and GSM-7 safe)."""
    if isinstance(minutes_or_time, datetime):
        minutes = minutes_or_time.hour * 60 + minutes_or_time.minute
    else:
        minutes = minutes_or_time
    minutes %= _DAY_MINUTES
    if minutes == 0:
        return "midnight"
    if minutes == 12 * 60:
        return "noon"
    hours, mins = divmod(minutes, 60)
    suffix = "am" if hours < 12 else "pm"
    hours = hours % 12 or 12
    return f"{hours}{suffix}" if mins == 0 else f"{hours}:{mins:02d}{suffix}"


def describe_week(week: tuple[tuple[Slot, ...], ...], open_24_7: bool, max_groups: int = 2) -> str:
    """Compact weekly hours: "Mon-Fri 9:30am-4:30pm, Sat 10am-1pm"."""
    if open_24_7:
        return "any time, day or night"
    by_times: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for weekday, slots in enumerate(week):
        tail = _continues_static(week, weekday)
        own = tuple((s.start, s.end) for s in slots if not (s.start == 0 and tail))
        if own:
            by_times.setdefault(own, []).append(weekday)
    if not by_times:
        return ""
    groups = sorted(by_times.items(), key=lambda item: item[1][0])
    parts = []
    for times, days in groups[:max_groups]:
        hours = " & ".join(f"{clock(start)}-{clock(_end_of(week, days[0], start, end))}"
                           for start, end in times)
        parts.append(f"{_days_text(days)} {hours}")
    if len(groups) > max_groups:
        parts.append("and other times")
    return ", ".join(parts)


def _continues_static(week: tuple[tuple[Slot, ...], ...], weekday: int) -> bool:
    return any(s.end == _DAY_MINUTES for s in week[(weekday - 1) % 7])


def _end_of(week: tuple[tuple[Slot, ...], ...], weekday: int, start: int, end: int) -> int:
    if end == _DAY_MINUTES:
        follow = [s for s in week[(weekday + 1) % 7] if s.start == 0]
        if follow:
            return follow[0].end
    return end


def _days_text(days: list[int]) -> str:
    if days == list(range(7)):
        return "Daily"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        DAY_SHORT[r[0]] if len(r) == 1 else f"{DAY_SHORT[r[0]]}-{DAY_SHORT[r[-1]]}" if len(r) > 2
        else f"{DAY_SHORT[r[0]]}, {DAY_SHORT[r[1]]}" for r in runs
    )
