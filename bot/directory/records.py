"""One raw ORUK record -> one clean offer, or the reasons it cannot be used.

The importer never guesses silently: every field that had to be dropped or fixed gives a
warning, and a record is rejected only when it cannot be used at all (no valid id, no name,
no way to reach the offer).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from bot.directory.clean import (
    BYDAY,
    CleanError,
    clean_name,
    html_to_text,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_time,
    normalise_url,
    parse_days,
    postcode_district,
    summarise,
)
from bot.directory.tagging import TaxonomyMap, tag_offer
from bot.taxonomy import NEEDS, STRENGTHS

_ID = re.compile(r"^[\w\-.:/@+]{1,255}$")
MODES = ("phone", "online", "in_person")


@dataclass(frozen=True)
class Problem:
    """Which record, which field, why: one line a person can act on."""

    index: int
    ident: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"record {self.index} ({self.ident}): {self.field}: {self.reason}"


@dataclass
class CleanOffer:
    """Everything the importer writes for one service, already cleaned."""

    oruk_id: str
    name: str
    description: str
    summary: str
    description_raw: str | None
    url: str | None
    email: str | None
    status: str
    fees: str | None
    last_verified: str | None
    source_url: str | None
    is_sample: bool
    is_national: bool
    modes: list[str]
    open_24_7: bool
    organization: dict[str, Any] | None
    locations: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    taxonomies: list[dict[str, Any]] = field(default_factory=list)
    eligibilities: list[dict[str, Any]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    cost_options: list[dict[str, Any]] = field(default_factory=list)
    tags: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, code, source)

    def content_hash(self) -> str:
        """Fingerprint of the cleaned content: same hash means nothing to update."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _first(record: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if record.get(key) not in (None, "", []):
            return record[key]
    return None


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        try:
            return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
        except ValueError as error:
            raise CleanError(f"{text!r} is not a date like 2026-11-23") from error


def _ident(record: Any) -> str:
    if not isinstance(record, dict):
        return "not an object"
    bits = [str(record.get(k) or "").strip()[:60] for k in ("id", "name")]
    return " / ".join(b for b in bits if b) or "no id or name"


def _address(location: dict[str, Any]) -> dict[str, Any]:
    addresses = _list(_first(location, "physical_addresses", "physical_address", "addresses", "address"))
    address = next((a for a in addresses if isinstance(a, dict)), {})
    merged = {**location, **address}
    return {
        "address_1": clean_name(_first(merged, "address_1", "address_line_1", "street")) or None,
        "city": clean_name(_first(merged, "city", "town")) or None,
        "postcode": normalise_postcode(_first(merged, "postal_code", "postcode", "post_code")),
    }


class _Cleaner:
    """Cleans one record, collecting warnings (fixed or dropped fields)."""

    def __init__(self, index: int, record: dict[str, Any], warn: Callable[[Problem], None]):
        self.index, self.record, self._warn = index, record, warn
        self.ident = _ident(record)

    def warn(self, field_name: str, reason: str) -> None:
        self._warn(Problem(self.index, self.ident, field_name, reason))

    def phones(self, items: list[Any], where: str) -> list[dict[str, Any]]:
        result = []
        for position, item in enumerate(items):
            item = item if isinstance(item, dict) else {"number": item}
            try:
                number = normalise_phone(item.get("number"))
            except CleanError as error:
                self.warn(f"{where}[{position}].number", f"{error}; number dropped")
                continue
            kind = str(item.get("type") or "voice").lower()
            kind = "text" if kind in ("text", "sms", "textphone") else "voice"
            result.append({"number": number, "raw": str(item.get("number")), "kind": kind,
                           "description": clean_name(item.get("description")) or None})
        return result

    def schedules(self, items: list[Any], where: str) -> list[dict[str, Any]]:
        result = []
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                self.warn(f"{where}[{position}]", "not an object; schedule dropped")
                continue
            try:
                days = parse_days(_first(item, "byday", "weekday", "day", "days"))
                opens = normalise_time(item.get("opens_at"))
                closes = normalise_time(item.get("closes_at"))
                valid_from, valid_to = _date(item.get("valid_from")), _date(item.get("valid_to"))
            except CleanError as error:
                self.warn(f"{where}[{position}]", f"{error}; schedule dropped")
                continue
            for day in days:
                result.append({"weekday": day, "byday": BYDAY[day], "opens_at": opens, "closes_at": closes,
                               "valid_from": valid_from, "valid_to": valid_to,
                               "description": clean_name(item.get("description")) or None})
        return result


def clean_record(
    index: int,
    record: Any,
    warn: Callable[[Problem], None],
    taxonomy_map: TaxonomyMap | None = None,
) -> tuple[CleanOffer | None, list[Problem]]:
    """A clean offer, or None and the reasons the record was rejected."""
    if not isinstance(record, dict):
        return None, [Problem(index, _ident(record), "record", "is not an object")]
    c = _Cleaner(index, record, warn)
    errors: list[Problem] = []

    def reject(field_name: str, reason: str) -> None:
        errors.append(Problem(index, c.ident, field_name, reason))

    raw_id = record.get("id")
    oruk_id = str(raw_id).strip() if raw_id not in (None, "") else ""
    if not oruk_id:
        reject("id", "missing; every offer needs the id it has in the source directory")
    elif not _ID.match(oruk_id):
        reject("id", f"{oruk_id[:40]!r} is not a valid id (letters, digits and - _ . : / only)")
    name = clean_name(record.get("name"))
    if not name:
        reject("name", "missing or empty")

    description_raw = record.get("description")
    description = html_to_text(description_raw)
    summary = summarise(description) if description else ""

    url = email = None
    if record.get("url"):
        try:
            url = normalise_url(record["url"])
        except CleanError as error:
            c.warn("url", f"{error}; dropped")
    if record.get("email"):
        try:
            email = normalise_email(record["email"])
        except CleanError as error:
            c.warn("email", f"{error}; dropped")

    phones = c.phones(_list(record.get("phones")), "phones")
    contacts = []
    for position, contact in enumerate(_list(record.get("contacts"))):
        if not isinstance(contact, dict):
            continue
        phones += c.phones(_list(contact.get("phones")), f"contacts[{position}].phones")
        contacts.append({"name": clean_name(contact.get("name")) or None,
                         "title": clean_name(contact.get("title")) or None,
                         "email": contact.get("email") or None})

    schedules = c.schedules(_list(_first(record, "regular_schedules", "schedules")), "regular_schedules")
    locations = []
    for position, link in enumerate(_list(record.get("service_at_locations") or record.get("locations"))):
        if not isinstance(link, dict):
            c.warn(f"service_at_locations[{position}]", "not an object; dropped")
            continue
        location = link.get("location") if isinstance(link.get("location"), dict) else link
        place = _address(location)
        locations.append({
            "oruk_id": str(location.get("id") or f"{oruk_id}/location/{position}"),
            "link_id": str(link["id"]) if link is not location and link.get("id") else None,
            "name": clean_name(location.get("name")) or None,
            **place,
            "postcode_district": postcode_district(place["postcode"]) if place["postcode"] else None,
            "latitude": location.get("latitude"), "longitude": location.get("longitude"),
        })
        phones += c.phones(_list(location.get("phones")), f"service_at_locations[{position}].phones")
        schedules += c.schedules(_list(_first(link, "regular_schedules", "schedules")),
                                 f"service_at_locations[{position}].regular_schedules")
    unique_phones: dict[tuple[str, str], dict[str, Any]] = {}
    for phone in phones:
        unique_phones.setdefault((phone["number"], phone["kind"]), phone)
    phones = list(unique_phones.values())

    taxonomies = []
    raw_terms = _list(_first(record, "service_taxonomys", "taxonomy_terms", "taxonomies"))
    for position, item in enumerate(raw_terms):
        nested = isinstance(item, dict) and isinstance(item.get("taxonomy"), dict)
        term = item["taxonomy"] if nested else item
        if isinstance(term, str):
            term = {"name": term}
        if not isinstance(term, dict) or not (term.get("name") or term.get("id")):
            c.warn(f"service_taxonomys[{position}]", "taxonomy term without a name or id; dropped")
            continue
        term_name = clean_name(term.get("name") or term.get("term")) or str(term.get("id"))
        taxonomies.append({"oruk_id": str(term.get("id") or f"name:{term_name.lower()}"),
                           "name": term_name, "vocabulary": term.get("vocabulary")})

    curated: dict[str, list[str]] = {"need": [], "strength": []}
    for kind, key, known in (("need", "needs", NEEDS), ("strength", "strengths", STRENGTHS)):
        for code in _list(record.get(key)):
            code = str(code).strip().lower()
            if code in known:
                curated[kind].append(code)
            else:
                c.warn(key, f"unknown {kind} code {code!r} ignored (known: {', '.join(known)})")
    tagset = tag_offer(name, description, [(t["oruk_id"], t["name"]) for t in taxonomies],
                       curated["need"], curated["strength"], taxonomy_map)
    for term in tagset.unmapped_terms:
        c.warn("service_taxonomys", f"term {term!r} is not in the taxonomy map; not used for tags")

    modes = _modes(record, phones, locations, url, c)
    open_24_7 = bool(record.get("open_24_7")) or _always_open(schedules)

    organization = None
    org = record.get("organization") or record.get("organisation")
    if isinstance(org, dict) and (org.get("name") or org.get("id")):
        org_name = clean_name(org.get("name")) or str(org.get("id"))
        organization = {"oruk_id": str(org.get("id") or f"name:{org_name.lower()}"), "name": org_name,
                        "description": html_to_text(org.get("description")) or None,
                        "url": org.get("url") or None, "email": org.get("email") or None}
        # ORUK lets a service keep its contact details on its organisation only: use them
        # when the service has none of its own, rather than losing the service.
        if not (phones or url or email):
            url, email, phones = _organisation_contacts(org, c)
            if phones or url or email:
                c.warn("contact", "none of its own; the organisation's contact details are used")
                modes = _modes(record, phones, locations, url, c)

    if not (phones or url or email or any(loc["address_1"] or loc["postcode"] for loc in locations)):
        reject("contact", "no way to reach it: no usable phone number, web address, email or address")

    try:
        last_verified = _date(_first(record, "last_verified", "assured_date", "last_modified"))
    except CleanError as error:
        c.warn("last_verified", f"{error}; left empty")
        last_verified = None
    source_url = None
    if record.get("source_url"):
        try:
            source_url = normalise_url(record["source_url"])
        except CleanError as error:
            c.warn("source_url", f"{error}; dropped")

    if errors:
        return None, errors
    return CleanOffer(
        oruk_id=oruk_id, name=name, description=description, summary=summary,
        description_raw=None if description_raw is None else str(description_raw),
        url=url, email=email, status=str(record.get("status") or "active").lower(),
        fees=clean_name(record.get("fees")) or None, last_verified=last_verified, source_url=source_url,
        is_sample=bool(record.get("is_sample")), is_national=bool(record.get("is_national")),
        modes=modes, open_24_7=open_24_7, organization=organization, locations=locations,
        contacts=contacts, phones=phones, schedules=schedules, taxonomies=taxonomies,
        eligibilities=[_eligibility(e, f"eligibilitys[{n}]", c)
                       for n, e in enumerate(_list(record.get("eligibilitys"))) if isinstance(e, dict)],
        languages=sorted({(lang.get("language") if isinstance(lang, dict) else str(lang)).strip().title()
                          for lang in _list(record.get("languages")) if lang}),
        cost_options=[{"amount": o.get("amount"), "amount_description": o.get("amount_description"),
                       "option": o.get("option")} for o in _list(record.get("cost_options"))
                      if isinstance(o, dict)],
        tags=sorted((kind, code, source) for (kind, code), source in tagset.tags.items()),
    ), []


def _organisation_contacts(org: dict[str, Any], c: Any) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """The organisation's web address, email and phones, cleaned like a service's own."""
    url = email = None
    if org.get("url"):
        try:
            url = normalise_url(org["url"])
        except CleanError as error:
            c.warn("organization.url", f"{error}; dropped")
    if org.get("email"):
        try:
            email = normalise_email(org["email"])
        except CleanError as error:
            c.warn("organization.email", f"{error}; dropped")
    phones = c.phones(_list(org.get("phones")), "organization.phones")
    return url, email, phones


def _eligibility(item: dict[str, Any], where: str, c: _Cleaner) -> dict[str, Any]:
    """Who the offer is for, as the source says it; ages must be whole years (0 to 120)."""
    ages: dict[str, int | None] = {}
    for key in ("minimum_age", "maximum_age"):
        value = item.get(key)
        ages[key] = None
        if value in (None, ""):
            continue
        try:
            number = float(str(value).strip())
        except ValueError:
            number = -1.0
        if isinstance(value, bool) or not (0 <= number <= 120 and number == int(number)):
            c.warn(f"{where}.{key}", f"{str(value)[:20]!r} is not an age in whole years; dropped")
            continue
        ages[key] = int(number)
    low, high = ages["minimum_age"], ages["maximum_age"]
    if low is not None and high is not None and low > high:
        c.warn(where, f"minimum_age {low} is above maximum_age {high}; both dropped")
        low = high = None
    return {"eligibility": clean_name(item.get("eligibility")) or None, "minimum_age": low, "maximum_age": high}


def _modes(record: dict[str, Any], phones: list[dict[str, Any]], locations: list[dict[str, Any]],
           url: str | None, c: _Cleaner) -> list[str]:
    """Explicit ``modes`` win; then ORUK ``attending_type``/``deliverable_type``; then what exists."""
    modes: set[str] = set()
    for mode in _list(record.get("modes")):
        mode = str(mode).strip().lower().replace(" ", "_").replace("-", "_")
        if mode in ("inperson", "venue", "face_to_face"):
            mode = "in_person"
        if mode in MODES:
            modes.add(mode)
        else:
            c.warn("modes", f"unknown mode {mode!r} ignored (known: {', '.join(MODES)})")
    hint = " ".join(str(record.get(k) or "") for k in ("attending_type", "deliverable_type")).lower()
    if "online" in hint or "web" in hint:
        modes.add("online")
    if "phone" in hint:
        modes.add("phone")
    if "venue" in hint or "person" in hint or "face" in hint:
        modes.add("in_person")
    if not modes:
        if phones:
            modes.add("phone")
        if any(loc["address_1"] or loc["postcode"] for loc in locations):
            modes.add("in_person")
        if not modes and url:
            modes.add("online")
    return sorted(modes)


def _always_open(schedules: list[dict[str, Any]]) -> bool:
    days = {s["weekday"] for s in schedules
            if s["opens_at"] == "00:00" and s["closes_at"] in ("23:59", "00:00")}
    return len(days) == 7
