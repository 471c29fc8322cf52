"""Import an Open Referral UK export (or our simple CSV) into the directory tables.

Idempotent by the source's own ids: a record whose cleaned content is unchanged is left
alone, a changed one is rewritten, a new one is added; nothing is ever duplicated. Bad
records are named and skipped; the good ones are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.directory.models import (
    Contact,
    CostOption,
    Eligibility,
    Language,
    Location,
    Organization,
    Phone,
    RegularSchedule,
    Service,
    ServiceAtLocation,
    ServiceTaxonomy,
    Tag,
    Taxonomy,
)
from bot.directory.records import CleanOffer, Problem, clean_record
from bot.directory.sources import DirectoryInputError, read_records
from bot.directory.tagging import TaxonomyMap

__all__ = ["ImportReport", "DirectoryInputError", "import_path", "import_records", "remove_sample"]


@dataclass
class ImportReport:
    """What an import did: counts, every rejected record and every fixed or dropped field."""

    source: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)  # why records were rejected
    warnings: list[Problem] = field(default_factory=list)  # fields cleaned away, record kept

    def summary(self) -> str:
        """The one line an import ends with."""
        return (f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"rejected {self.rejected}")


def import_path(
    path_or_url: str | Path,
    session: Session,
    progress: Callable[[int, int], None] | None = None,
    taxonomy_map: TaxonomyMap | None = None,
) -> ImportReport:
    """Import a file or http(s) URL; raises DirectoryInputError if it cannot be read at all."""
    records, source = read_records(path_or_url)
    return import_records(records, session, source=source, progress=progress, taxonomy_map=taxonomy_map)


def import_records(
    records: list[Any],
    session: Session,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
    taxonomy_map: TaxonomyMap | None = None,
) -> ImportReport:
    """Import already-read raw records (ORUK-shaped dicts). The caller commits."""
    report = ImportReport(source=source)
    writer = _Writer(session)
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        offer, errors = clean_record(index, record, report.warnings.append, taxonomy_map)
        if offer is not None and offer.oruk_id in seen:
            errors = [Problem(index, offer.oruk_id, "id", f"same id as record {seen[offer.oruk_id]}")]
            offer = None
        if offer is None:
            report.rejected += 1
            report.problems.extend(errors)
        else:
            seen[offer.oruk_id] = index
            outcome = writer.write(offer, source)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress and (index + 1) % 500 == 0:
            progress(index + 1, len(records))
    session.flush()
    if progress:
        progress(len(records), len(records))
    return report


def remove_sample(session: Session) -> int:
    """Delete every offer marked ``is_sample`` (and its rows); returns how many."""
    services = session.query(Service).filter(Service.is_sample.is_(True)).all()
    for service in services:
        session.delete(service)
    session.flush()
    return len(services)


class _Writer:
    """Writes clean offers, reusing rows by ORUK id (caches keep big imports quick)."""

    def __init__(self, session: Session):
        self.session = session
        self.services = {s.oruk_id: s for s in session.query(Service)}
        self.organizations = {o.oruk_id: o for o in session.query(Organization)}
        self.locations = {loc.oruk_id: loc for loc in session.query(Location)}
        self.taxonomies = {t.oruk_id: t for t in session.query(Taxonomy)}

    def write(self, offer: CleanOffer, source: str) -> str:
        digest = offer.content_hash()
        service = self.services.get(offer.oruk_id)
        if service is not None and service.content_hash == digest:
            return "unchanged"
        outcome = "updated" if service is not None else "added"
        if service is None:
            service = Service(oruk_id=offer.oruk_id)
            self.session.add(service)
            self.services[offer.oruk_id] = service
        else:
            for collection in ("locations", "contacts", "phones", "schedules", "taxonomies",
                               "eligibilities", "languages", "cost_options", "tags"):
                getattr(service, collection).clear()
            self.session.flush()
        self._fill(service, offer, source, digest)
        return outcome

    def _fill(self, service: Service, offer: CleanOffer, source: str, digest: str) -> None:
        for name in ("name", "description", "summary", "description_raw", "url", "email", "status",
                     "fees", "source_url", "is_sample", "is_national", "open_24_7"):
            setattr(service, name, getattr(offer, name))
        service.description = offer.description or None
        service.summary = offer.summary or None
        service.last_verified = date.fromisoformat(offer.last_verified) if offer.last_verified else None
        service.source = f"{source}#{offer.oruk_id}" if source else offer.oruk_id
        service.content_hash = digest
        for mode in ("phone", "online", "in_person"):
            setattr(service, f"mode_{mode}", mode in offer.modes)
        service.organization = self._organization(offer.organization)
        for loc in offer.locations:
            service.locations.append(ServiceAtLocation(oruk_id=loc["link_id"], location=self._location(loc)))
        service.contacts.extend(Contact(**c) for c in offer.contacts)
        service.phones.extend(Phone(**p) for p in offer.phones)
        for s in offer.schedules:
            service.schedules.append(RegularSchedule(
                **{**s, "valid_from": _d(s["valid_from"]), "valid_to": _d(s["valid_to"])}))
        for term in offer.taxonomies:
            service.taxonomies.append(ServiceTaxonomy(taxonomy=self._taxonomy(term)))
        service.eligibilities.extend(Eligibility(**e) for e in offer.eligibilities)
        service.languages.extend(Language(language=lang) for lang in offer.languages)
        service.cost_options.extend(CostOption(**o) for o in offer.cost_options)
        service.tags.extend(Tag(kind=k, code=c, source=s) for k, c, s in offer.tags)

    def _organization(self, data: dict[str, Any] | None) -> Organization | None:
        if not data:
            return None
        org = self.organizations.get(data["oruk_id"])
        if org is None:
            org = Organization(oruk_id=data["oruk_id"])
            self.session.add(org)
            self.organizations[data["oruk_id"]] = org
        for key in ("name", "description", "url", "email"):
            setattr(org, key, data[key])
        return org

    def _location(self, data: dict[str, Any]) -> Location:
        loc = self.locations.get(data["oruk_id"])
        if loc is None:
            loc = Location(oruk_id=data["oruk_id"])
            self.session.add(loc)
            self.locations[data["oruk_id"]] = loc
        for key in ("name", "address_1", "city", "postcode", "postcode_district", "latitude", "longitude"):
            setattr(loc, key, data[key])
        return loc

    def _taxonomy(self, data: dict[str, Any]) -> Taxonomy:
        term = self.taxonomies.get(data["oruk_id"])
        if term is None:
            term = Taxonomy(oruk_id=data["oruk_id"], name=data["name"], vocabulary=data["vocabulary"])
            self.session.add(term)
            self.taxonomies[data["oruk_id"]] = term
        return term


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
