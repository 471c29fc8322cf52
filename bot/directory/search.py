"""Ranking offers for a person, in memory, with a short reason for each.

The whole directory is loaded once into a :class:`DirectoryIndex` (a few thousand small
frozen records) and every search runs in memory: a conversation turn must not wait on the
database, and ranking must be the same every time for the same question. The hot loop is
done per column with numpy (:mod:`bot.directory.vector`), the one place the score is built.

How the score is built (also in docs/directory.md):
- each need the offer fits: +30;
- each strength or interest it fits: +24 (a gardening group for someone who loves gardening);
- only offers fitting at least one need or one strength the person told us are considered,
  so nobody is offered a service for a need they never mentioned;
- out of Hub hours: open now (or 24/7) +40, and +5 more if it is by phone or online;
  opening within 3 hours +15;
- in Hub hours: a local (not national) offer open now +35, +15 more if it is in person
  (so a local daytime offer comes before a national line that fits one more need);
  a national line open now +10;
- a modes wish (phone, online, in person): +10 if the offer has one, -60 if none
  (so offers the person can use come first, but something is still offered);
- language wish: +12 if the offer is in that language;
- in person in the same postcode district +12 (same area, e.g. "SW", +4);
- who the offer is for (:mod:`bot.directory.audience`, from its ORUK eligibility or its
  plain words): an offer only for carers is left out unless the person looks after someone
  (the need ``caring``, or ``Query.caring``); one for an age range is left out when the
  person's age is known and outside it; -8 when it may not be for them (age not known,
  which is usual, or only for women, men or LGBTQ+ people, which is never asked), and then
  its text says who it is for ("For people aged 18 to 25"). National 24/7 lines are never
  left out, only given the -8.
Ties go to the offer fitting more needs, then by name, then by id: always the same order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, selectinload

from bot.directory.audience import ANYONE, YES, Audience, audience_of, fit, person_ages
from bot.directory.clean import postcode_district
from bot.directory.models import Service, ServiceAtLocation
from bot.directory.schedule import (
    Slot,
    build_week,
    clock,
    describe_week,
    is_bank_holiday,
    next_opening,
    open_until,
)
from bot.directory.vector import Columns, smallest
from bot.hours import HubHours, to_london
from bot.taxonomy import NEEDS, STRENGTHS

MODES = ("phone", "online", "in_person")
SOON = timedelta(hours=3)
_SOON_MINUTES = 180
_DAY = 24 * 60
_WEEK = 7 * _DAY
_POSITION_BITS = 24  # up to 16 million offers
_POSITION_MASK = (1 << _POSITION_BITS) - 1


@dataclass(frozen=True)
class Offer:
    """One offer as the conversation and search see it: plain values, no database session."""

    id: int
    oruk_id: str
    name: str
    organisation: str | None
    summary: str
    needs: frozenset[str]
    strengths: frozenset[str]
    inferred: frozenset[str]  # codes that were only inferred from words, for a person to confirm
    modes: frozenset[str]
    open_24_7: bool
    is_national: bool
    is_sample: bool
    phone: str | None
    text_number: str | None
    text_keyword: str | None
    url: str | None
    address: str | None
    postcode: str | None
    districts: frozenset[str]
    languages: frozenset[str]  # lower case
    week: tuple[tuple[Slot, ...], ...]
    last_verified: date | None = None
    audience: Audience = ANYONE  # who it is for (bot.directory.audience)
    # derived once, so a search over thousands of offers is plain integer arithmetic
    week_minutes: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    week_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    week_ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    dated: bool = field(init=False, repr=False, compare=False)
    sort_key: str = field(init=False, repr=False, compare=False)
    remote: bool = field(init=False, repr=False, compare=False)
    in_person: bool = field(init=False, repr=False, compare=False)
    areas: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spans = sorted((s.weekday * _DAY + s.start, s.weekday * _DAY + s.end) for day in self.week for s in day)
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        object.__setattr__(self, "week_minutes", tuple((a, b) for a, b in merged))
        object.__setattr__(self, "week_starts", tuple(a for a, _ in merged))
        object.__setattr__(self, "week_ends", tuple(b for _, b in merged))
        object.__setattr__(self, "dated", any(s.valid_from or s.valid_to != date.max.toordinal()
                                              for day in self.week for s in day))
        object.__setattr__(self, "sort_key", self.name.lower())
        object.__setattr__(self, "remote", bool(self.modes & {"phone", "online"}))
        object.__setattr__(self, "in_person", "in_person" in self.modes)
        object.__setattr__(self, "areas", frozenset(_area(d) for d in self.districts))

    def hours_text(self) -> str:
        """Weekly hours in plain words ("Mon-Fri 9am-5pm")."""
        return describe_week(self.week, self.open_24_7)

    def open_until(self, at: datetime) -> datetime | None:
        """End of the current opening if open at ``at`` (24/7 offers: a week ahead)."""
        if self.open_24_7:
            return to_london(at) + timedelta(days=7)
        return open_until(self.week, at)

    def next_opening(self, at: datetime) -> datetime | None:
        return None if self.open_24_7 else next_opening(self.week, at)


@dataclass(frozen=True)
class Match:
    """A ranked offer for one question, with what was worked out about it at that time."""

    offer: Offer
    score: int
    reason: str
    open_now: bool
    opens_at: datetime | None
    closes_at: datetime | None
    needs: tuple[str, ...]
    strengths: tuple[str, ...]
    at: datetime
    for_whom: str = ""  # "For carers aged 18 to 25" when the person may not be who it is for


class SearchError(ValueError):
    """A search asked for something unknown (a need code, a mode)."""


@dataclass(frozen=True)
class Query:
    """What a person needs, likes and can use, and when they ask."""

    at: datetime
    needs: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    language: str | None = None
    postcode: str | None = None
    limit: int = 3
    exclude_ids: frozenset[str] = frozenset()
    caring: bool = False  # they look after someone (the need ``caring`` counts too)
    age: int | None = None  # usually not known
    young_person: bool = False  # they said they are 18 or under ("I'm 16")

    @property
    def is_caring(self) -> bool:
        return self.caring or "caring" in self.needs

    @property
    def ages(self) -> tuple[int, int] | None:
        """The ages the person may be; None when nothing is known (the usual case)."""
        return person_ages(self.age, self.young_person)


class DirectoryIndex:
    """All active offers in memory, with a needs index for quick candidate lookup."""

    def __init__(self, offers: Iterable[Offer], hub_hours: HubHours | None = None):
        self.offers: tuple[Offer, ...] = tuple(sorted(offers, key=lambda o: (o.name.lower(), o.oruk_id)))
        self.hub_hours = hub_hours or HubHours.load()
        self.by_need: dict[str, tuple[Offer, ...]] = {
            code: tuple(o for o in self.offers if code in o.needs) for code in NEEDS
        }
        self.positions_by_need: dict[str, frozenset[int]] = {
            code: frozenset(i for i, o in enumerate(self.offers) if code in o.needs) for code in NEEDS
        }
        self.columns = Columns(self.offers) if self.offers else None

    def __len__(self) -> int:
        return len(self.offers)

    @classmethod
    def load(cls, session: Session, hub_hours: HubHours | None = None) -> DirectoryIndex:
        """Read every active offer once (a handful of queries, whatever the size)."""
        services = (
            session.query(Service)
            .filter(Service.status == "active")
            .options(
                selectinload(Service.organization), selectinload(Service.tags),
                selectinload(Service.phones), selectinload(Service.schedules),
                selectinload(Service.languages), selectinload(Service.eligibilities),
                selectinload(Service.locations).selectinload(ServiceAtLocation.location),
            )
            .all()
        )
        return cls((offer_from_service(s) for s in services), hub_hours)

    def search(self, query: Query) -> list[Match]:
        """The best ``query.limit`` offers, best first, each with a reason."""
        for code in query.needs:
            if code not in NEEDS:
                raise SearchError(f"unknown need code {code!r} (known: {', '.join(NEEDS)})")
        for code in query.strengths:
            if code not in STRENGTHS:
                raise SearchError(f"unknown strength code {code!r} (known: {', '.join(STRENGTHS)})")
        for mode in query.modes:
            if mode not in MODES:
                raise SearchError(f"unknown mode {mode!r} (known: {', '.join(MODES)})")
        if query.age is not None and not 0 <= query.age <= 120:
            raise SearchError(f"age {query.age} is not an age (0 to 120)")
        at = to_london(query.at)
        hub_open = self.hub_hours.is_open(at)
        district = postcode_district(query.postcode) if query.postcode else None
        context = _Context(query, at, hub_open, district,
                           at.weekday() * _DAY + at.hour * 60 + at.minute,
                           is_bank_holiday(at.date()), is_bank_holiday(at.date() + timedelta(days=1)))
        if self.columns is None:
            return []
        best = smallest(self.columns.rank_keys(context, _availability), query.limit)
        matches = []
        for key in best:
            position = key & _POSITION_MASK
            packed = -((key - position) >> _POSITION_BITS)
            matches.append(_explain(self.offers[position], packed // 16, context))
        return matches


@dataclass(frozen=True)
class _Context:
    query: Query
    at: datetime
    hub_open: bool
    district: str | None
    minute_of_week: int
    holiday_today: bool
    holiday_tomorrow: bool


def _availability(offer: Offer, ctx: _Context) -> tuple[bool, bool]:
    """(open now, opens within SOON) by minute-of-week arithmetic; dated schedules go the long way."""
    if offer.open_24_7:
        return True, False
    if offer.dated:
        if offer.open_until(ctx.at) is not None:
            return True, False
        opens = offer.next_opening(ctx.at)
        return False, opens is not None and opens - ctx.at <= SOON
    starts = offer.week_starts
    if not starts:
        return False, False
    i = bisect_right(starts, ctx.minute_of_week)
    if i and not ctx.holiday_today and ctx.minute_of_week < offer.week_ends[i - 1]:
        return True, False
    return False, _opens_soon(starts, i, ctx)


def _opens_soon(starts: tuple[int, ...], i: int, ctx: _Context) -> bool:
    """True when the next opening (``starts[i]``, wrapping round the week) is within SOON."""
    minute = ctx.minute_of_week
    next_start = starts[i] if i < len(starts) else starts[0] + _WEEK
    if next_start - minute > _SOON_MINUTES:
        return False
    same_day = next_start // _DAY == minute // _DAY
    return not (ctx.holiday_today if same_day else ctx.holiday_tomorrow)


def _area(district: str) -> str:
    """Postcode area, the letters before the first digit: "SW9" -> "SW", "E1" -> "E"."""
    letters = ""
    for char in district:
        if not char.isalpha():
            break
        letters += char
    return letters


def _explain(offer: Offer, score: int, ctx: _Context) -> Match:
    q = ctx.query
    closes = offer.open_until(ctx.at)
    open_now = closes is not None
    opens = None if open_now else offer.next_opening(ctx.at)
    parts: list[str] = []
    if offer.open_24_7:
        parts.append("open 24/7")
    elif open_now:
        parts.append(f"open now till {clock(closes)}")
    elif opens is not None:
        parts.append(f"opens {when_text(opens, ctx.at)}")
    else:
        parts.append("no set hours")
    modes = [m for m in ("phone", "online") if m in offer.modes]
    if modes:
        parts.append(" and ".join("by phone" if m == "phone" else "online" for m in modes))
    if "in_person" in offer.modes:
        near = ctx.district and ctx.district in offer.districts
        parts.append(f"in person near {ctx.district}" if near else "in person")
    needs = tuple(c for c in q.needs if c in offer.needs)
    strengths = tuple(c for c in q.strengths if c in offer.strengths)
    if needs:
        parts.append("fits " + ", ".join(c.replace("_", " ") for c in needs))
    if strengths:
        parts.append("you like " + ", ".join(c.replace("_", " ") for c in strengths))
    if q.language and q.language.lower() in offer.languages:
        parts.append(f"in {q.language.title()}")
    if offer.is_national:
        parts.append("national")
    for_whom = ""
    if not offer.audience.is_open:
        parts.append(offer.audience.text().lower().replace("lgbtq+", "LGBTQ+"))
        if fit(offer.audience, q.is_caring, q.ages) != YES:
            for_whom = offer.audience.text()
    return Match(offer, score, ", ".join(parts), open_now, opens, closes, needs, strengths, ctx.at, for_whom)


def when_text(moment: datetime, at: datetime) -> str:
    """"6pm today", "9:30am tomorrow", "10am Tue"."""
    moment, at = to_london(moment), to_london(at)
    days = (moment.date() - at.date()).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else moment.strftime("%a")
    return f"{clock(moment)} {day}"


def offer_from_service(service: Service) -> Offer:
    """An in-memory offer from a loaded Service row (tags, phones, schedules, places)."""
    tags = {(t.kind, t.code): t.source for t in service.tags}
    voice = [p for p in service.phones if p.kind == "voice"]
    texts = [p for p in service.phones if p.kind == "text"]
    keyword = None
    if texts and texts[0].description:
        words = texts[0].description.split()
        if len(words) >= 2 and words[0].lower() == "text":
            keyword = words[1]
    places = [link.location for link in service.locations if link.location is not None]
    address = None
    if places:
        first = places[0]
        address = ", ".join(p for p in (first.address_1, first.postcode) if p) or None
    rows = [(s.weekday, s.opens_at, s.closes_at, s.valid_from, s.valid_to) for s in service.schedules]
    modes = frozenset(m for m in MODES if getattr(service, f"mode_{m}"))
    return Offer(
        id=service.id, oruk_id=service.oruk_id, name=service.name,
        organisation=service.organization.name if service.organization else None,
        summary=service.summary or "",
        needs=frozenset(code for (kind, code) in tags if kind == "need"),
        strengths=frozenset(code for (kind, code) in tags if kind == "strength"),
        inferred=frozenset(code for (kind, code), source in tags.items() if source == "inferred"),
        modes=modes, open_24_7=bool(service.open_24_7), is_national=bool(service.is_national),
        is_sample=bool(service.is_sample),
        phone=voice[0].number if voice else None,
        text_number=texts[0].number if texts else None, text_keyword=keyword,
        url=service.url, address=address,
        postcode=places[0].postcode if places else None,
        districts=frozenset(p.postcode_district for p in places if p.postcode_district),
        languages=frozenset(lang.language.lower() for lang in service.languages),
        week=build_week(rows), last_verified=service.last_verified,
        audience=audience_of(((e.eligibility, e.minimum_age, e.maximum_age) for e in service.eligibilities),
                             service.name, service.description or ""),
    )


def parse_codes(values: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split a list of codes into needs and strengths; SearchError for an unknown one."""
    needs, strengths = [], []
    for value in values:
        code = value.strip().lower()
        if not code:
            continue
        if code in NEEDS:
            needs.append(code)
        elif code in STRENGTHS:
            strengths.append(code)
        else:
            raise SearchError(
                f"unknown code {code!r}; needs are {', '.join(NEEDS)}; strengths are {', '.join(STRENGTHS)}"
            )
    return needs, strengths
