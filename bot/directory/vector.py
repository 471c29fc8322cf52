"""The ranking of :mod:`bot.directory.search`, done on whole columns at once with numpy.

The one place the score is built (the rules are listed in :mod:`bot.directory.search`).
Doing it per column
rather than per offer keeps a search on 5,000 offers near a millisecond even on a busy
machine. Offers whose hours have date limits (``valid_from``/``valid_to``) are worked out one
by one, the long way; they are rare.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from bot.directory.audience import never_hidden
from bot.taxonomy import NEEDS, STRENGTHS

if TYPE_CHECKING:  # pragma: no cover
    from bot.directory.search import Offer, _Context

_DAY = 24 * 60
_WEEK = 7 * _DAY
_SOON = 180
_NONE = 10 ** 7  # padding start that never comes
_NEED_BIT = {code: 1 << i for i, code in enumerate(NEEDS)}
_STRENGTH_BIT = {code: 1 << i for i, code in enumerate(STRENGTHS)}
_MODE_BIT = {"phone": 1, "online": 2, "in_person": 4}
NEED_POINTS = 30
STRENGTH_POINTS = 24
AUDIENCE_POINTS = 8  # who it is for may not be the person: below an otherwise-equal offer
_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << max(len(NEEDS), len(STRENGTHS)))], dtype=np.int64)


def _bits(codes: frozenset[str] | tuple[str, ...], table: dict[str, int]) -> int:
    value = 0
    for code in codes:
        value |= table.get(code, 0)
    return value


class Columns:
    """One numpy array per thing the ranking looks at, one row per offer (index order)."""

    def __init__(self, offers: Sequence[Offer]):
        self.offers = offers
        self.count = len(offers)
        self.needs = np.array([_bits(o.needs, _NEED_BIT) for o in offers], dtype=np.int64)
        self.strengths = np.array([_bits(o.strengths, _STRENGTH_BIT) for o in offers], dtype=np.int64)
        self.modes = np.array([_bits(o.modes, _MODE_BIT) for o in offers], dtype=np.int64)
        self.always = np.array([o.open_24_7 for o in offers], dtype=bool)
        self.national = np.array([o.is_national for o in offers], dtype=bool)
        self.in_person = np.array([o.in_person for o in offers], dtype=bool)
        self.remote = np.array([o.remote for o in offers], dtype=bool)
        self.dated = np.flatnonzero([o.dated and not o.open_24_7 for o in offers])
        width = max([len(o.week_starts) for o in offers] + [1])
        self.starts = np.full((self.count, width), _NONE, dtype=np.int64)
        self.ends = np.full((self.count, width), -1, dtype=np.int64)
        for row, offer in enumerate(offers):
            self.starts[row, : len(offer.week_starts)] = offer.week_starts
            self.ends[row, : len(offer.week_ends)] = offer.week_ends
        self.has_hours = self.starts[:, 0] < _NONE
        self.position = np.arange(self.count, dtype=np.int64)
        self.by_id = {o.oruk_id: i for i, o in enumerate(offers)}
        # who each offer is for (bot.directory.audience.fit, a column at a time)
        audiences = [o.audience for o in offers]
        self.any_audience = any(not a.is_open for a in audiences)
        self.never_hidden = np.array([never_hidden(o.is_national, o.open_24_7) for o in offers], dtype=bool)
        self.carers_only = np.array([a.carers_only for a in audiences], dtype=bool)
        self.age_limited = np.array([a.age_limited for a in audiences], dtype=bool)
        self.unasked = np.array([a.unasked for a in audiences], dtype=bool)
        bounds = np.array([a.age_bounds() for a in audiences], dtype=np.int64).reshape(-1, 2)
        self.age_low, self.age_high = bounds[:, 0], bounds[:, 1]
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def _flag(self, kind: str, value: str, test: Callable[[Offer], bool]) -> np.ndarray:
        key = (kind, value)
        if key not in self._cache:  # a handful of languages and districts: cache each once
            self._cache[key] = np.array([test(o) for o in self.offers], dtype=bool)
        return self._cache[key]

    def rank_keys(self, ctx: _Context, availability: Callable[[Offer, _Context], tuple[bool, bool]]) -> np.ndarray:
        """Keys of the candidate offers, smaller is better: the score, then the needs fitted,
        then the position in the name-sorted index (a stable tie-break), packed in one int."""
        q = ctx.query
        need_mask = _bits(tuple(q.needs), _NEED_BIT)
        fit = _POPCOUNT[self.needs & need_mask]
        liked = _POPCOUNT[self.strengths & _bits(tuple(q.strengths), _STRENGTH_BIT)]
        score = NEED_POINTS * fit + STRENGTH_POINTS * liked
        minute = ctx.minute_of_week
        open_now = self.always | (((self.starts <= minute) & (minute < self.ends)).any(axis=1)
                                  & (not ctx.holiday_today))
        soon = np.zeros(self.count, dtype=bool)
        if not ctx.hub_open:
            following = np.where(self.starts > minute, self.starts, self.starts + _WEEK).min(axis=1)
            same_day = following // _DAY == minute // _DAY
            allowed = np.where(same_day, not ctx.holiday_today, not ctx.holiday_tomorrow)
            soon = self.has_hours & ~open_now & (following - minute <= _SOON) & allowed & ~self.always
        for row in self.dated:
            open_now[row], soon[row] = availability(self.offers[row], ctx)
        if not ctx.hub_open:
            score = score + np.where(open_now, np.where(self.remote, 45, 40), np.where(soon, 15, 0))
        else:
            score = score + np.where(open_now, np.where(self.national, 10, np.where(self.in_person, 50, 35)), 0)
        if q.modes:
            score = score + np.where(self.modes & _bits(tuple(q.modes), _MODE_BIT), 10, -60)
        if q.language:
            language = q.language.lower()
            score = score + 12 * self._flag("language", language, lambda o: language in o.languages)
        if ctx.district:
            district = ctx.district
            here = self._flag("district", district, lambda o: district in o.districts)
            from bot.directory.search import _area

            area = _area(district)
            near = self._flag("area", area, lambda o: area in o.areas)
            score = score + np.where(self.in_person & here, 12, np.where(self.in_person & near, 4, 0))
        hidden = None
        if self.any_audience:
            unsure, hidden = self._audience(q.is_caring, q.ages)
            score = score - AUDIENCE_POINTS * unsure
        keys = (-(score * 16 + fit) << 24) + self.position
        if q.needs or q.strengths:
            keep = (fit > 0) | (liked > 0)  # never an offer for a need nobody mentioned
        else:
            keep = np.ones(self.count, dtype=bool)
        if hidden is not None:
            keep &= ~hidden
        if q.exclude_ids:
            rows = [self.by_id[i] for i in q.exclude_ids if i in self.by_id]
            keep[rows] = False
        return keys[keep]


    def _audience(self, caring: bool, ages: tuple[int, int] | None) -> tuple[np.ndarray, np.ndarray]:
        """(may not be for them: ranked lower, not for them: left out), by who each offer is for.

        The same rules as :func:`bot.directory.audience.fit`; national 24/7 lines are never
        left out, only ranked lower.
        """
        not_for_them = self.carers_only & (not caring)
        if ages is None:
            unsure = self.age_limited | self.unasked
        else:
            youngest, oldest = ages
            outside = (oldest < self.age_low) | (youngest > self.age_high)
            inside = (self.age_low <= youngest) & (oldest <= self.age_high)
            not_for_them = not_for_them | (self.age_limited & outside)
            unsure = self.unasked | (self.age_limited & ~inside)
        unsure = unsure | (not_for_them & self.never_hidden)
        return unsure, not_for_them & ~self.never_hidden


def smallest(keys: np.ndarray, limit: int) -> list[int]:
    """The ``limit`` smallest keys, in order (keys are unique, so this is deterministic)."""
    if limit <= 0 or keys.size == 0:
        return []
    if keys.size > limit:
        keys = keys[np.argpartition(keys, limit - 1)[:limit]]
    return [int(k) for k in np.sort(keys)]
